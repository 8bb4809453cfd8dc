import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import {
  Input,
  Layer,
  Model,
  Sequential,
  cloneModel,
  layers,
  loadModel,
  modelFromJSON,
  ops,
  random,
  setSeed,
  type Tensor,
} from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

test('model.getConfig() is the functional config Keras writes; Model.fromConfig rebuilds it', async () => {
  const file = join(FIXTURES, 'inception', 'model.keras');
  const kerasConfig = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(file)))['config.json'])) as {
    config: { layers: { name: string; class_name: string }[] };
  };
  const model = await loadModel(file);
  const config = model.getConfig() as { layers: { name: string; class_name: string }[]; input_layers: unknown };
  assert.deepEqual(
    config.layers.map((l) => [l.name, l.class_name]),
    kerasConfig.config.layers.map((l) => [l.name, l.class_name]),
  );
  const again = Model.fromConfig(config);
  assert.equal(again.countParams(), model.countParams());
  assert.deepEqual(again.outputs[0].shape, model.outputs[0].shape);
});

test('toJSON and modelFromJSON round-trip a model; Sequential keeps its class', () => {
  const seq = new Sequential([new layers.Dense(4, { inputShape: [3], activation: 'relu' }), new layers.Dense(2)]);
  const again = modelFromJSON(seq.toJSON());
  assert.equal(again.className, 'Sequential');
  assert.equal(again.countParams(), seq.countParams());
  assert.deepEqual(
    Sequential.fromConfig(seq.getConfig()).layers.map((l) => l.className),
    ['Dense', 'Dense'],
  );
  assert.throws(() => modelFromJSON('{nope'), /modelFromJSON: the JSON is not valid JSON/);
  assert.throws(
    () => modelFromJSON(`${'['.repeat(5000)}${']'.repeat(5000)}`),
    /nests objects and lists more than 100 deep/,
  );
  assert.throws(() => modelFromJSON('[1]'), /holds a list, not a JSON object/);
});

test('cloneModel gives the same architecture with fresh weights, custom layers included', () => {
  class Doubler extends Layer {
    call(x: Tensor): Tensor {
      return ops.scale(x, 2);
    }
  }
  setSeed(2);
  const x = Input({ shape: [3] });
  const model = new Model(x, new layers.Dense(2).apply(new Doubler().apply(x)));
  const clone = cloneModel(model);
  assert.notEqual(clone, model);
  assert.deepEqual(
    clone.layers.map((l) => l.className),
    model.layers.map((l) => l.className),
  );
  assert.notDeepEqual(clone.getWeights()[0].arraySync(), model.getWeights()[0].arraySync());
  clone.setWeights(model.getWeights());
  const data = random.uniform([4, 3]);
  assert.deepEqual((clone.predict(data) as Tensor).arraySync(), (model.predict(data) as Tensor).arraySync());
});

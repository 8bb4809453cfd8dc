import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Input, Model, layers, modelFromJSON, ops, random, type Tensor } from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

test('Lambda runs a JavaScript function as a layer, inferring its output shape', () => {
  const x = Input({ shape: [4] });
  const doubled = new layers.Lambda((t) => ops.concat([t as Tensor, t as Tensor], -1)).apply(x);
  assert.deepEqual(doubled.shape, [null, 8]);
  const model = new Model(x, new layers.Dense(2).apply(doubled));
  assert.deepEqual(model.predict(random.uniform([3, 4])).shape, [3, 2]);
  const fixed = new layers.Lambda((t) => t, { outputShape: [null, 4] });
  assert.deepEqual(fixed.apply(x).shape, [null, 4]);
  assert.throws(() => new layers.Lambda('x => x' as never), /Lambda expects a function of tensors, got the string/);
});

test('a Lambda cannot be saved, and a Keras Lambda in a file is refused: Python code never runs', async () => {
  const x = Input({ shape: [2] });
  const model = new Model(x, new layers.Lambda((t) => t).apply(x));
  assert.throws(() => model.toJSON(), /holds a JavaScript function, which a config cannot hold/);
  const config = JSON.parse(
    strFromU8(unzipSync(new Uint8Array(readFileSync(join(FIXTURES, 'mlp', 'model.keras'))))['config.json']),
  ) as { config: { layers: Record<string, unknown>[] } };
  config.config.layers[1] = {
    ...config.config.layers[1],
    class_name: 'Lambda',
    module: 'keras.layers',
    config: {
      name: config.config.layers[1].name,
      function: { class_name: '__lambda__', config: { code: '4wEAAAAA' } },
    },
  };
  assert.throws(() => modelFromJSON(JSON.stringify(config)), /holds Python code, which Dendrite never runs/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Input, Model, Sequential, Tensor, layers, loadModel, random, setSeed, zeros } from '../src/index.js';
import { modelFromKeras } from '../src/models/keras_config.js';
import { type H5Group, readHdf5 } from '../src/saving/hdf5.js';
import { FIXTURES, fixtureArray, maxAbsError, maxRelativeError } from './helpers/fixtures.js';
import { fixtureData } from './helpers/parity.js';

const MODELS = ['mlp', 'qa', 'social', 'inception', 'residual', 'siamese', 'dual_camera'];
const CONV_STACKS = new Set(['social', 'inception', 'residual', 'dual_camera']);
const dir = mkdtempSync(join(tmpdir(), 'dendrite-saving-'));
const kerasFile = (folder: string): string => join(FIXTURES, folder, 'model.keras');
const outputsOf = (p: Tensor | Tensor[] | Readonly<Record<string, Tensor>>): Tensor[] => (Array.isArray(p) ? p : p instanceof Tensor ? [p] : Object.values(p));

/** Every group path in a weights tree that holds arrays or a `name` attribute. */
function groupPaths(g: H5Group, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, child] of g.groups) out.push(`${prefix}${k}`, ...groupPaths(child, `${prefix}${k}/`));
  return out;
}

for (const folder of MODELS) {
  test(`${folder}: Keras 3's model.keras loads with its weights, predictions and compile settings, and trains like Keras`, async () => {
    const { manifest: m, xs, ys } = fixtureData(folder);
    const model = await loadModel(kerasFile(folder));
    assert.deepEqual(model.inputNames, m.input_names);
    assert.deepEqual(model.outputNames, m.output_names);
    assert.equal(model.weights.length, m.weights.length);
    m.weights.forEach((w, i) => assert.equal(maxAbsError(model.weights[i].value, fixtureArray(folder, w.file)), 0, `${w.path} loaded exactly`));
    const tol = CONV_STACKS.has(folder) ? 1e-4 : 1e-5;
    const preds = outputsOf(model.predict(xs, { batchSize: xs[0].shape[0] }));
    m.predictions.forEach((p, i) => {
      const err = maxRelativeError(preds[i], fixtureArray(folder, p.file));
      assert.ok(err <= tol, `prediction ${p.output}: relative error ${err}`);
    });
    // compile_config restored: RMSprop at the file's learning rate and the same losses, so one
    // step from the loaded state must land on Keras's weights after its step.
    assert.equal(model.optimizer?.name, 'RMSprop');
    await model.trainOnBatch(xs, ys);
    m.train_step.weights_after.forEach((w, i) => {
      const err = maxAbsError(model.weights[i].value, fixtureArray(folder, w.file));
      assert.ok(err <= 1e-5, `${w.path} after one step: error ${err}`);
    });
  });

  test(`${folder}: saving writes Keras's config and weight layout, and loads back identical`, async () => {
    const original = await loadModel(kerasFile(folder));
    const path = join(dir, `${folder}.keras`);
    await original.save(path);
    const ours = unzipSync(new Uint8Array(readFileSync(path)));
    const theirs = unzipSync(new Uint8Array(readFileSync(kerasFile(folder))));
    assert.deepEqual(Object.keys(ours).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
    const oc = JSON.parse(strFromU8(ours['config.json'])) as { config: Record<string, unknown>; compile_config: Record<string, unknown> };
    const tc = JSON.parse(strFromU8(theirs['config.json'])) as { config: Record<string, unknown> };
    type Entry = { class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: { args: unknown }[] };
    const wiring = (c: Record<string, unknown>): unknown => (c.layers as Entry[]).map((l) => [l.class_name, l.name, l.inbound_nodes.map((n) => n.args)]);
    assert.deepEqual(wiring(oc.config), wiring(tc.config), 'layers, names and inbound nodes');
    assert.deepEqual(oc.config.input_layers, tc.config.input_layers);
    assert.deepEqual(oc.config.output_layers, tc.config.output_layers);
    // Every option written holds the value Keras wrote for it (dtype policies aside, which Keras shares by id).
    const check = (ol: Entry[], tl: Entry[]): void => ol.forEach((l, i) => {
      for (const [k, v] of Object.entries(l.config)) {
        if (k === 'dtype') continue;
        if (k === 'layers') { check(v as Entry[], tl[i].config.layers as Entry[]); continue; }
        assert.ok(k in tl[i].config, `${l.name}: Keras's config has no '${k}'`);
        assert.deepEqual(v, tl[i].config[k], `${l.name}.${k}`);
      }
    });
    check(oc.config.layers as Entry[], tc.config.layers as Entry[]);
    assert.equal((oc.compile_config.optimizer as { class_name: string }).class_name, 'RMSprop');
    // The weights file has Keras's groups (its optimizer state aside, which Dendrite does not write).
    const ow = groupPaths(await readHdf5(ours['model.weights.h5'], 'ours'));
    const tw = groupPaths(await readHdf5(theirs['model.weights.h5'], 'theirs')).filter((p) => !p.startsWith('optimizer'));
    assert.deepEqual(ow.sort(), tw.sort());
    const again = await loadModel(path);
    assert.equal(again.weights.length, original.weights.length);
    again.weights.forEach((w, i) => assert.deepEqual(w.value.values, original.weights[i].value.values, w.path));
  });
}

test("Keras's Xception config builds the same architecture: 20,861,480 parameters, (None, 8, 8, 2048)", () => {
  const config = JSON.parse(readFileSync(join(FIXTURES, 'xception_config', 'config.json'), 'utf8')) as Record<string, unknown>;
  const model = modelFromKeras(config);
  assert.equal(model.countParams(), 20861480);
  assert.deepEqual(model.outputs[0].shape, [null, 8, 8, 2048]);
});

test("saveWeights/loadWeights: Keras's weights file loads into the same architecture built in TypeScript", async () => {
  // The qa fixture's architecture, built through the API with other layer names: Keras addresses
  // weights by class and position, not by name, so the file still fits.
  const text = Input({ shape: [20], dtype: 'int32', name: 'text' });
  const question = Input({ shape: [20], dtype: 'int32', name: 'question' });
  const a = new layers.LSTM(16).apply(new layers.Embedding(300, 16).apply(text));
  const b = new layers.LSTM(8).apply(new layers.Embedding(200, 8).apply(question));
  const out = new layers.Dense(25, { activation: 'softmax' }).apply(layers.concatenate([a, b]));
  const model = new Model([text, question], out);
  const weights = unzipSync(new Uint8Array(readFileSync(kerasFile('qa'))))['model.weights.h5'];
  await model.loadWeights(weights);
  const { manifest: m, xs } = fixtureData('qa');
  m.weights.forEach((w, i) => assert.equal(maxAbsError(model.weights[i].value, fixtureArray('qa', w.file)), 0));
  assert.ok(maxRelativeError(model.predict(xs), fixtureArray('qa', 'pred0.npy')) <= 1e-5);
  const path = join(dir, 'qa.weights.h5');
  await model.saveWeights(path);
  const before = model.getWeights().map((t) => Float32Array.from(t.values));
  model.setWeights(model.getWeights().map((t) => zeros(t.shape)));
  await model.loadWeights(path);
  model.getWeights().forEach((t, i) => assert.deepEqual(t.values, before[i]));
});

test('a weights file that does not fit names the layer and shapes, and changes no weight', async () => {
  const weights = unzipSync(new Uint8Array(readFileSync(kerasFile('mlp'))))['model.weights.h5'];
  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(16, { activation: 'relu' }).apply(x);
  const model = new Model(input, new layers.Dense(10).apply(x));
  const before = model.getWeights().map((t) => Float32Array.from(t.values));
  await assert.rejects(model.loadWeights(weights), /do not fit model.*nothing was loaded[\s\S]*kernel of layer 'dense_\d+' \(Dense\) has shape \(32, 16\), the given bytes has \(32, 32\) at layers\/dense_1\/vars\/0/);
  model.getWeights().forEach((t, i) => assert.deepEqual(t.values, before[i]));
});

test('Sequential, Bidirectional, TimeDistributed and a nested model save and load back', async () => {
  setSeed(21);
  const inner = new Sequential([new layers.Dense(6, { activation: 'tanh', inputShape: [5] }), new layers.Dropout(0.2)], { name: 'inner' });
  const seqIn = Input({ shape: [7, 5], name: 'steps' });
  let h = new layers.TimeDistributed(inner).apply(seqIn);
  h = new layers.Bidirectional(new layers.GRU(4, { returnSequences: true }), { mergeMode: 'sum' }).apply(h);
  h = new layers.Bidirectional(new layers.LSTM(3)).apply(h);
  const model = new Model(seqIn, new layers.Dense(2, { activation: 'softmax' }).apply(h), { name: 'stacked' });
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['acc'] });
  const path = join(dir, 'stacked.keras');
  await model.save(path);
  const again = await loadModel(path);
  assert.deepEqual(again.layers.map((l) => l.className), model.layers.map((l) => l.className));
  assert.equal(again.optimizer?.name, 'Adam');
  const probe = random.uniform([3, 7, 5]);
  assert.deepEqual(Array.from((again.predict(probe) as Tensor).values), Array.from((model.predict(probe) as Tensor).values));
  const seq = new Sequential([new layers.Dense(3, { inputShape: [4] }), new layers.Dense(1)]);
  await seq.save(join(dir, 'seq.keras'));
  const seqAgain = await loadModel(join(dir, 'seq.keras'));
  assert.equal(seqAgain.className, 'Sequential');
  seqAgain.weights.forEach((w, i) => assert.deepEqual(w.value.values, seq.weights[i].value.values));
});

test('what a .keras file cannot hold, or Dendrite cannot honour, fails with the layer named', async () => {
  const input = Input({ shape: [3] });
  const custom = new Model(input, new layers.Dense(2, { activation: (t) => t }).apply(input));
  await assert.rejects(custom.save(join(dir, 'custom.keras')), /Layer 'dense_\d+' uses a custom activation function/);
  await assert.rejects(custom.save(join(dir, 'custom.h5')), /must end in \.keras/);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(kerasFile('mlp'))))['config.json'])) as { config: { layers: { config: Record<string, unknown> }[] } };
  config.config.layers[1].config.kernel_regularizer = { class_name: 'L2', config: { l2: 0.01 } };
  assert.throws(() => modelFromKeras(config as unknown as Record<string, unknown>), /Cannot load layer 'dense' \(Dense\): .*kernel_regularizer/);
  await assert.rejects(loadModel(new Uint8Array([1, 2, 3])), /not a \.keras file/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Model, Tensor, layers, loadModel, random, regularizers } from '../src/index.js';
import { type KerasObject, layerFromKeras } from '../src/layers/keras_config.js';

test('a model of the activation and noise layers saves to a .keras file and loads with the same configs and outputs', async () => {
  const input = Input({ shape: [4, 3] });
  let h = new layers.ReLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.2 }).apply(input);
  h = new layers.LeakyReLU().apply(h);
  h = new layers.PReLU({ sharedAxes: [1], alphaRegularizer: new regularizers.L2(0.01) }).apply(h);
  h = new layers.ELU({ alpha: 0.5 }).apply(h);
  h = new layers.GaussianNoise(0.1, { seed: 4 }).apply(h);
  h = new layers.GaussianDropout(0.2).apply(h);
  h = new layers.AlphaDropout(0.1, { noiseShape: [null, 1, null] }).apply(h);
  h = new layers.SpatialDropout1D(0.2).apply(h);
  h = new layers.ActivityRegularization({ l1: 0.01 }).apply(h);
  h = new layers.Identity().apply(h);
  h = new layers.Reshape([2, 2, 3]).apply(h);
  h = new layers.SpatialDropout2D(0.3).apply(h);
  const out = new layers.Softmax({ axis: [1, 2] }).apply(h);
  const model = new Model(input, out);
  // Non-zero alphas, so that the loaded weights matter.
  const prelu = model.layers.find((l) => l.className === 'PReLU');
  prelu?.setWeights([random.uniform([1, 3], 0.1, 0.5)]);

  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-new-layers-')), 'model.keras');
  await model.save(path);
  const again = await loadModel(path);
  assert.deepEqual(
    again.layers.map((l) => l.getConfig()),
    model.layers.map((l) => l.getConfig()),
  );
  const x = random.normal([2, 4, 3]);
  const got = again.predict(x);
  assert.ok(got instanceof Tensor, 'one output');
  assert.deepEqual([...got.dataSync()], [...model.predict(x).dataSync()]);
});

/** A layer entry as Keras 3 writes one into config.json. */
const entry = (className: string, config: Record<string, unknown>): KerasObject => ({
  module: 'keras.layers',
  class_name: className,
  config: {
    name: `${className.toLowerCase()}_k`,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
    ...config,
  },
  registered_name: null,
});

test("configs as Keras 3's get_config writes them load, with Keras's defaults", () => {
  const zeros = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };
  const cases: [KerasObject, Record<string, unknown>][] = [
    [
      entry('ReLU', { trainable: true, max_value: null, negative_slope: 0.0, threshold: 0.0 }),
      { maxValue: null, negativeSlope: 0, threshold: 0 },
    ],
    [entry('LeakyReLU', { trainable: true, negative_slope: 0.3 }), { negativeSlope: 0.3 }],
    [
      entry('PReLU', {
        trainable: true,
        alpha_initializer: zeros,
        alpha_regularizer: null,
        alpha_constraint: null,
        shared_axes: [1, 2],
      }),
      { sharedAxes: [1, 2] },
    ],
    [entry('ELU', { trainable: true, alpha: 1.0 }), { alpha: 1 }],
    [entry('Softmax', { trainable: true, axis: [1, 2] }), { axis: [1, 2] }],
    [entry('Identity', { trainable: true }), {}],
    [entry('GaussianNoise', { trainable: true, stddev: 0.1, seed: null }), { stddev: 0.1 }],
    [entry('GaussianDropout', { trainable: true, rate: 0.1, seed: null }), { rate: 0.1 }],
    [entry('AlphaDropout', { trainable: true, rate: 0.1, seed: null, noise_shape: null }), { noiseShape: null }],
    [entry('SpatialDropout1D', { rate: 0.1, seed: null }), { rate: 0.1 }],
    [
      entry('SpatialDropout2D', { rate: 0.1, seed: null, data_format: 'channels_last' }),
      { dataFormat: 'channels_last' },
    ],
    [entry('ActivityRegularization', { trainable: true, l1: 0.0, l2: 0.01 }), { l1: 0, l2: 0.01 }],
  ];
  for (const [keras, expected] of cases) {
    const layer = layerFromKeras(keras);
    assert.equal(layer.className, keras.class_name);
    const config = layer.getConfig();
    for (const [key, value] of Object.entries(expected))
      assert.deepEqual(config[key], value, `${keras.class_name}.${key}`);
  }
  assert.throws(
    () => layerFromKeras(entry('SpatialDropout2D', { rate: 0.1, data_format: 'channels_first' })),
    /data_format = "channels_first", which Dendrite does not support/,
  );
});

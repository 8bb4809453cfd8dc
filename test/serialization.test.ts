import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layers, type Layer } from '../src/index.js';

const samples: Layer[] = [
  new layers.Dense(7, { activation: 'tanh', useBias: false }),
  new layers.Activation('softmax'),
  new layers.Dropout(0.3),
  new layers.Flatten(),
  new layers.Reshape([4, -1]),
  new layers.Permute([2, 1]),
  new layers.RepeatVector(3),
  new layers.Conv1D(8, 5, { strides: 2, padding: 'same', activation: 'relu' }),
  new layers.Conv2D(4, [3, 2], { dilationRate: 2 }),
  new layers.SeparableConv2D(16, 3, { depthMultiplier: 2, padding: 'same' }),
  new layers.DepthwiseConv2D(3),
  new layers.Conv2DTranspose(4, 3, { strides: 2 }),
  new layers.MaxPooling1D(5),
  new layers.AveragePooling2D(3, { strides: 2, padding: 'same' }),
  new layers.GlobalMaxPooling1D(),
  new layers.GlobalAveragePooling2D({ keepdims: true }),
  new layers.ZeroPadding2D(1),
  new layers.Cropping1D([1, 2]),
  new layers.UpSampling2D(2),
  new layers.Add(),
  new layers.Concatenate({ axis: 1 }),
  new layers.Dot(1),
  new layers.BatchNormalization({ momentum: 0.9 }),
  new layers.LayerNormalization({ epsilon: 1e-5 }),
  new layers.Embedding(100, 8, { maskZero: true }),
  new layers.LSTM(16, { returnSequences: true, goBackwards: true }),
  new layers.GRU(8, { resetAfter: false }),
  new layers.SimpleRNN(4, { activation: 'relu' }),
  new layers.Average(),
  new layers.Maximum(),
  new layers.Minimum(),
  new layers.Multiply(),
  new layers.Subtract(),
  new layers.AveragePooling1D(2, { padding: 'same' }),
  new layers.MaxPooling2D([2, 3]),
  new layers.GlobalAveragePooling1D(),
  new layers.GlobalMaxPooling2D(),
  new layers.Conv1DTranspose(3, 2, { strides: 2 }),
  new layers.SeparableConv1D(4, 3),
  new layers.DepthwiseConv1D(3, { depthMultiplier: 2 }),
  new layers.Cropping2D([
    [1, 0],
    [0, 2],
  ]),
  new layers.UpSampling1D(3),
  new layers.ZeroPadding1D([1, 2]),
  new layers.Masking({ maskValue: -1 }),
  new layers.GroupNormalization({ groups: 4, epsilon: 1e-5 }),
  new layers.UnitNormalization({ axis: [1, 2] }),
  new layers.TimeDistributed(new layers.Dense(3)),
  new layers.Bidirectional(new layers.GRU(4, { returnSequences: true }), { mergeMode: 'sum' }),
  new layers.ReLU({ maxValue: 6, negativeSlope: 0.1 }),
  new layers.LeakyReLU({ negativeSlope: 0.1 }),
  new layers.PReLU({ sharedAxes: [1, 2], alphaRegularizer: 'l2' }),
  new layers.ELU({ alpha: 0.7 }),
  new layers.Softmax({ axis: [1, 2] }),
  new layers.Identity(),
  new layers.GaussianNoise(0.2, { seed: 7 }),
  new layers.GaussianDropout(0.4),
  new layers.AlphaDropout(0.1, { noiseShape: [null, 1, 4] }),
  new layers.SpatialDropout1D(0.25, { seed: 1 }),
  new layers.SpatialDropout2D(0.5, { dataFormat: 'channels_last' }),
  new layers.ActivityRegularization({ l1: 0.001, l2: 0.01 }),
  new layers.EinsumDense('ab,bc->ac', 4, { biasAxes: 'c', activation: 'relu' }),
  new layers.MultiHeadAttention(4, 16, {
    valueDim: 8,
    dropout: 0.1,
    outputShape: 32,
    attentionAxes: [1],
    useBias: false,
  }),
  new layers.Attention({ useScale: true, scoreMode: 'concat', dropout: 0.2 }),
  new layers.AdditiveAttention({ useScale: false }),
  new layers.GroupedQueryAttention(8, 4, 2, { dropout: 0.1, slidingWindow: 3, useGate: true }),
];

test('every layer rebuilds from its config with the same config', () => {
  for (const layer of samples) {
    const { className, config } = layers.serializeLayer(layer);
    const again = layers.deserializeLayer(className, config);
    assert.equal(again.className, layer.className);
    assert.deepEqual(again.getConfig(), config, className);
  }
});

test('an unknown class or a config with an unknown key is rejected', () => {
  assert.throws(() => layers.deserializeLayer('Bogus', {}), /Unknown layer class 'Bogus'/);
  assert.throws(
    () => layers.deserializeLayer('Dense', { units: 2, kernelSize: 3 }),
    /Dense got an unexpected option 'kernelSize'/,
  );
});

test('every layer class the namespace exports states its Keras name, and loads by it', () => {
  const exported: unknown[] = Object.values(layers);
  const classes = exported.filter(
    (v): v is typeof layers.Dense => typeof v === 'function' && v.prototype instanceof layers.Layer,
  );
  const concrete = classes.filter((cls) => !['RecurrentLayer'].includes(cls.name));
  assert.ok(concrete.length >= 40, `only ${concrete.length} layer classes exported`);
  for (const cls of concrete) {
    assert.ok(Object.hasOwn(cls, 'className'), `${cls.name} declares no static className`);
    assert.equal(layers.layerClassFor(cls.className), cls, `${cls.className} does not load as itself`);
  }
  const sampled = new Set(samples.map((l) => l.className));
  // InputLayer is no layer to call; a Lambda holds a function, which no config can.
  const missing = concrete
    .map((c) => c.className)
    .filter((n) => !sampled.has(n) && !['InputLayer', 'Lambda'].includes(n));
  // Each exported layer needs a sample above, so that its config round trip is tested.
  assert.deepEqual(missing, [], `no config round-trip sample for: ${missing.join(', ')}`);
});

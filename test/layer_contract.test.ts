import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Layer, layers } from '../src/index.js';
import { type ContractCase, runLayerContract } from './helpers/layer_contract.js';

type Extra = Record<string, unknown> | undefined;
const o = (extra: Extra, base: object = {}): never => ({ ...base, ...extra }) as never;

/** Every built-in layer with a small call. Cases that skip a check say why. */
const CASES: Record<string, ContractCase> = {
  Dense: { make: (e) => new layers.Dense(3, o(e, { activation: 'tanh' })), inputs: [[4]] },
  Activation: { make: (e) => new layers.Activation('sigmoid', o(e)), inputs: [[4]] },
  Dropout: { make: (e) => new layers.Dropout(0.5, o(e)), inputs: [[4]] },
  Flatten: { make: (e) => new layers.Flatten(o(e)), inputs: [[2, 3]] },
  Reshape: { make: (e) => new layers.Reshape([3, -1], o(e)), inputs: [[6]] },
  Permute: { make: (e) => new layers.Permute([2, 1], o(e)), inputs: [[2, 3]] },
  RepeatVector: { make: (e) => new layers.RepeatVector(2, o(e)), inputs: [[3]] },
  Conv1D: { make: (e) => new layers.Conv1D(2, 2, o(e, { padding: 'causal' })), inputs: [[5, 2]] },
  Conv2D: { make: (e) => new layers.Conv2D(2, 2, o(e, { strides: 2 })), inputs: [[4, 4, 2]] },
  SeparableConv1D: { make: (e) => new layers.SeparableConv1D(2, 2, o(e)), inputs: [[5, 2]] },
  SeparableConv2D: { make: (e) => new layers.SeparableConv2D(2, 2, o(e, { padding: 'same' })), inputs: [[3, 3, 2]] },
  DepthwiseConv1D: { make: (e) => new layers.DepthwiseConv1D(2, o(e, { depthMultiplier: 2 })), inputs: [[5, 2]] },
  DepthwiseConv2D: { make: (e) => new layers.DepthwiseConv2D(2, o(e)), inputs: [[3, 3, 2]] },
  Conv1DTranspose: { make: (e) => new layers.Conv1DTranspose(2, 2, o(e, { strides: 2 })), inputs: [[3, 2]] },
  Conv2DTranspose: { make: (e) => new layers.Conv2DTranspose(2, 2, o(e)), inputs: [[3, 3, 2]] },
  // Max pooling's gradient jumps where two inputs tie for the maximum; its own tests check it exactly.
  MaxPooling1D: { make: (e) => new layers.MaxPooling1D(2, o(e)), inputs: [[4, 2]], noGradients: true },
  MaxPooling2D: { make: (e) => new layers.MaxPooling2D(2, o(e)), inputs: [[4, 4, 1]], noGradients: true },
  AveragePooling1D: { make: (e) => new layers.AveragePooling1D(2, o(e)), inputs: [[4, 2]] },
  AveragePooling2D: { make: (e) => new layers.AveragePooling2D(2, o(e, { padding: 'same' })), inputs: [[3, 3, 1]] },
  GlobalMaxPooling1D: { make: (e) => new layers.GlobalMaxPooling1D(o(e)), inputs: [[4, 2]], noGradients: true },
  GlobalMaxPooling2D: { make: (e) => new layers.GlobalMaxPooling2D(o(e)), inputs: [[3, 3, 2]], noGradients: true },
  GlobalAveragePooling1D: { make: (e) => new layers.GlobalAveragePooling1D(o(e)), inputs: [[4, 2]] },
  GlobalAveragePooling2D: { make: (e) => new layers.GlobalAveragePooling2D(o(e)), inputs: [[3, 3, 2]] },
  ZeroPadding1D: { make: (e) => new layers.ZeroPadding1D(1, o(e)), inputs: [[3, 2]] },
  ZeroPadding2D: { make: (e) => new layers.ZeroPadding2D(1, o(e)), inputs: [[2, 2, 1]] },
  Cropping1D: { make: (e) => new layers.Cropping1D(1, o(e)), inputs: [[4, 2]] },
  Cropping2D: { make: (e) => new layers.Cropping2D(1, o(e)), inputs: [[4, 4, 1]] },
  UpSampling1D: { make: (e) => new layers.UpSampling1D(2, o(e)), inputs: [[3, 2]] },
  UpSampling2D: { make: (e) => new layers.UpSampling2D(2, o(e)), inputs: [[2, 2, 1]] },
  Add: { make: (e) => new layers.Add(o(e)), inputs: [[3], [3]] },
  Subtract: { make: (e) => new layers.Subtract(o(e)), inputs: [[3], [3]] },
  Multiply: { make: (e) => new layers.Multiply(o(e)), inputs: [[3], [3]] },
  Average: { make: (e) => new layers.Average(o(e)), inputs: [[3], [3]] },
  // Maximum and Minimum have kinks where the inputs tie, like max pooling.
  Maximum: { make: (e) => new layers.Maximum(o(e)), inputs: [[3], [3]], noGradients: true },
  Minimum: { make: (e) => new layers.Minimum(o(e)), inputs: [[3], [3]], noGradients: true },
  Concatenate: { make: (e) => new layers.Concatenate(o(e)), inputs: [[3], [2]] },
  Dot: { make: (e) => new layers.Dot(1, o(e)), inputs: [[3], [3]] },
  BatchNormalization: { make: (e) => new layers.BatchNormalization(o(e)), inputs: [[3]] },
  LayerNormalization: { make: (e) => new layers.LayerNormalization(o(e)), inputs: [[4]] },
  GroupNormalization: { make: (e) => new layers.GroupNormalization(o(e, { groups: 2 })), inputs: [[3, 4]] },
  UnitNormalization: { make: (e) => new layers.UnitNormalization(o(e)), inputs: [[4]] },
  // Indices are not differentiable.
  Embedding: { make: (e) => new layers.Embedding(6, 3, o(e)), inputs: [[4]], dtype: 'int32' },
  Masking: { make: (e) => new layers.Masking(o(e)), inputs: [[3, 2]] },
  LSTM: { make: (e) => new layers.LSTM(2, o(e)), inputs: [[3, 2]] },
  GRU: { make: (e) => new layers.GRU(2, o(e, { returnSequences: true })), inputs: [[3, 2]] },
  SimpleRNN: { make: (e) => new layers.SimpleRNN(2, o(e)), inputs: [[3, 2]] },
  Bidirectional: { make: (e) => new layers.Bidirectional(new layers.LSTM(2), o(e)), inputs: [[3, 2]] },
  TimeDistributed: { make: (e) => new layers.TimeDistributed(new layers.Dense(2), o(e)), inputs: [[3, 2]] },
  // A threshold makes ReLU jump (from 0 to the threshold); its own tests check that case exactly.
  ReLU: { make: (e) => new layers.ReLU(o(e, { maxValue: 0.8, negativeSlope: 0.1 })), inputs: [[4]] },
  LeakyReLU: { make: (e) => new layers.LeakyReLU(o(e)), inputs: [[4]] },
  PReLU: { make: (e) => new layers.PReLU(o(e, { sharedAxes: [1] })), inputs: [[3, 2]] },
  ELU: { make: (e) => new layers.ELU(o(e, { alpha: 0.5 })), inputs: [[4]] },
  Softmax: { make: (e) => new layers.Softmax(o(e, { axis: [1, 2] })), inputs: [[2, 3]] },
  Identity: { make: (e) => new layers.Identity(o(e)), inputs: [[4]] },
  GaussianNoise: { make: (e) => new layers.GaussianNoise(0.1, o(e)), inputs: [[4]] },
  GaussianDropout: { make: (e) => new layers.GaussianDropout(0.2, o(e, { seed: 3 })), inputs: [[4]] },
  AlphaDropout: { make: (e) => new layers.AlphaDropout(0.2, o(e, { noiseShape: [null, 1, null] })), inputs: [[3, 2]] },
  SpatialDropout1D: { make: (e) => new layers.SpatialDropout1D(0.3, o(e)), inputs: [[3, 2]] },
  SpatialDropout2D: { make: (e) => new layers.SpatialDropout2D(0.3, o(e)), inputs: [[2, 2, 3]] },
  ActivityRegularization: {
    make: (e) => new layers.ActivityRegularization(o(e, { l1: 0.01, l2: 0.02 })),
    inputs: [[4]],
  },
  EinsumDense: {
    make: (e) => new layers.EinsumDense('abc,cde->abde', [null, 2, 3], o(e, { biasAxes: 'de' })),
    inputs: [[3, 4]],
  },
  // Query and value of different lengths; masks, causal calls and scores have their own tests.
  MultiHeadAttention: {
    make: (e) => new layers.MultiHeadAttention(2, 3, o(e)),
    inputs: [
      [3, 4],
      [5, 4],
    ],
  },
  Attention: {
    make: (e) => new layers.Attention(o(e, { useScale: true })),
    inputs: [
      [3, 4],
      [5, 4],
    ],
  },
  GroupedQueryAttention: {
    make: (e) => new layers.GroupedQueryAttention(2, 4, 2, o(e)),
    inputs: [
      [3, 4],
      [5, 4],
    ],
  },
  AdditiveAttention: {
    make: (e) => new layers.AdditiveAttention(o(e)),
    inputs: [
      [3, 4],
      [5, 4],
    ],
  },
};

/** Exported classes that are no layer to call alone: the input itself, the abstract bases, and a Lambda (no config). */
const NOT_UNDER_CONTRACT = new Set(['Layer', 'InputLayer', 'RecurrentLayer', 'Lambda']);

for (const [name, c] of Object.entries(CASES)) {
  test(`layer contract: ${name}`, () => runLayerContract(c));
}

test('every exported layer class is under contract', () => {
  const exported: unknown[] = Object.values(layers);
  const names = exported
    .filter((v): v is typeof Layer => typeof v === 'function' && v.prototype instanceof layers.Layer)
    .map((cls) => cls.className)
    .filter((n) => !NOT_UNDER_CONTRACT.has(n));
  assert.deepEqual(
    names.filter((n) => !(n in CASES)),
    [],
    'add a case for each new layer',
  );
});

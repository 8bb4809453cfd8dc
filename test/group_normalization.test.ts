import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers } from '../src/index.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

/** Keras's formula in plain numbers: per sample and group, over positions and the group's channels. */
function reference(
  x: Float32Array,
  [n, p, c]: number[],
  groups: number,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
): number[] {
  const out = new Array<number>(x.length);
  const size = c / groups;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = [];
      for (let q = 0; q < p; q++) for (let k = 0; k < size; k++) idx.push(b * p * c + q * c + g * size + k);
      const mean = idx.reduce((s, i) => s + x[i], 0) / idx.length;
      const variance = idx.reduce((s, i) => s + (x[i] - mean) ** 2, 0) / idx.length;
      for (const i of idx) out[i] = ((x[i] - mean) / Math.sqrt(variance + eps)) * gamma[i % c] + beta[i % c];
    }
  }
  return out;
}

test('GroupNormalization normalizes per sample and channel group, as Keras 3', () => {
  const layer = new layers.GroupNormalization({ groups: 2, epsilon: 1e-3 });
  const x = randTensor([3, 5, 4], 1, -2, 2);
  layer.apply(x);
  const gamma = randTensor([4], 2, 0.5, 1.5);
  const beta = randTensor([4], 3, -0.5, 0.5);
  layer.setWeights([gamma, beta]);
  const y = layer.apply(x);
  const expected = reference(
    x.values as Float32Array,
    [3, 5, 4],
    2,
    gamma.values as Float32Array,
    beta.values as Float32Array,
    1e-3,
  );
  y.dataSync().forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-5, `element ${i}: ${v} vs ${expected[i]}`));
  assert.deepEqual(
    layer.weights.map((w) => w.path.split('/')[1]),
    ['gamma', 'beta'],
  );
});

test('GroupNormalization: gradients, shapes, instance normalization, config, and clear errors', () => {
  const layer = new layers.GroupNormalization({ groups: 2 });
  const x = randTensor([2, 3, 4], 4);
  layer.apply(x);
  checkLayerGradients(layer, [x]);
  const input = Input({ shape: [6, 6, 8] });
  assert.deepEqual(new layers.GroupNormalization({ groups: -1 }).apply(input).shape, [null, 6, 6, 8]);
  const model = new Model(input, new layers.GroupNormalization({ groups: 4 }).apply(input));
  assert.equal(model.countParams(), 16);
  const again = layers.GroupNormalization.fromConfig(
    new layers.GroupNormalization({ groups: 4, center: false }).getConfig(),
  );
  assert.equal(again.groups, 4);
  assert.equal(again.center, false);
  assert.throws(
    () => new layers.GroupNormalization({ groups: 3 }).apply(input),
    /8 channels do not divide into 3 groups/,
  );
  assert.throws(() => new layers.GroupNormalization({ groups: 0 }), /groups must be a positive integer or -1/);
});

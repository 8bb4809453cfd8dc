import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, type Tensor, layers, tensor } from '../src/index.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `element ${i}: ${actual[i]} vs ${expected[i]}`);
};

/** Per-channel mean and biased variance of a [n, c] view. */
function stats(x: Tensor): { mean: number[]; variance: number[] } {
  const c = x.shape[x.rank - 1];
  const n = x.size / c;
  const mean = new Array<number>(c).fill(0);
  const variance = new Array<number>(c).fill(0);
  for (let i = 0; i < x.size; i++) mean[i % c] += x.values[i] / n;
  for (let i = 0; i < x.size; i++) variance[i % c] += (x.values[i] - mean[i % c]) ** 2 / n;
  return { mean, variance };
}

test('BatchNormalization: Keras weights in order gamma, beta, moving_mean, moving_variance; moving stats non-trainable', () => {
  const bn = new layers.BatchNormalization();
  assert.deepEqual(bn.apply(Input({ shape: [5, 5, 8] })).shape, [null, 5, 5, 8]);
  assert.deepEqual(
    bn.weights.map((w) => [w.name, w.shape, w.trainable]),
    [
      ['gamma', [8], true],
      ['beta', [8], true],
      ['moving_mean', [8], false],
      ['moving_variance', [8], false],
    ],
  );
  assert.deepEqual(
    bn.trainableWeights.map((w) => w.name),
    ['gamma', 'beta'],
  );
  assert.deepEqual(
    bn.nonTrainableWeights.map((w) => w.name),
    ['moving_mean', 'moving_variance'],
  );
  assert.equal(bn.countParams(), 32);
  assert.ok(bn.name.startsWith('batch_normalization'));
  const plain = new layers.BatchNormalization({ center: false, scale: false });
  plain.apply(Input({ shape: [3] }));
  assert.deepEqual(
    plain.weights.map((w) => w.name),
    ['moving_mean', 'moving_variance'],
  );
});

test('BatchNormalization inference uses the moving statistics and leaves them alone', () => {
  const bn = new layers.BatchNormalization({ epsilon: 0.01 });
  bn.apply(Input({ shape: [2] }));
  bn.setWeights([tensor([2, 0.5]), tensor([1, -1]), tensor([0.5, -2]), tensor([4, 0.25])]);
  const y = bn.apply(
    tensor([
      [1, 2],
      [3, -2],
    ]),
  );
  const expect = (x: number, c: number): number =>
    ([2, 0.5][c] * (x - [0.5, -2][c])) / Math.sqrt([4, 0.25][c] + 0.01) + [1, -1][c];
  close(y.values, [expect(1, 0), expect(2, 1), expect(3, 0), expect(-2, 1)]);
  close(bn.getWeights()[2].values, [0.5, -2]);
});

test('BatchNormalization training normalises with batch statistics and updates the moving ones (biased variance)', () => {
  const bn = new layers.BatchNormalization({ momentum: 0.9 });
  bn.apply(Input({ shape: [4, 3] }));
  const x = randTensor([5, 4, 3], 51, -2, 3);
  const y = bn.apply(x, { training: true });
  const { mean, variance } = stats(x);
  const out = stats(y);
  close(out.mean, [0, 0, 0], 1e-5);
  close(
    out.variance,
    variance.map((v) => v / (v + 1e-3)),
    1e-4,
  );
  close(
    bn.getWeights()[2].values,
    mean.map((m) => 0.1 * m),
    1e-6,
  );
  close(
    bn.getWeights()[3].values,
    variance.map((v) => 0.9 + 0.1 * v),
    1e-6,
  );
  // A second step moves them again from where they are.
  bn.apply(x, { training: true });
  close(
    bn.getWeights()[2].values,
    mean.map((m) => 0.9 * 0.1 * m + 0.1 * m),
    1e-6,
  );
  // A frozen layer normalises with its moving statistics even in training, as Keras does.
  const before = bn.getWeights();
  bn.trainable = false;
  const frozen = bn.apply(x, { training: true });
  const inference = bn.apply(x);
  close(frozen.values, inference.values, 0);
  close(bn.getWeights()[2].values, before[2].values, 0);
});

test('BatchNormalization on another axis, and with a [batch, steps] mask in training', () => {
  const bn = new layers.BatchNormalization({ axis: 1 });
  assert.deepEqual(bn.apply(Input({ shape: [3, 4, 4] })).shape, [null, 3, 4, 4]);
  assert.deepEqual(bn.weights[0].shape, [3]);
  const masked = new layers.BatchNormalization({ momentum: 0 });
  masked.apply(Input({ shape: [3, 2] }));
  const x = tensor([
    [
      [1, 10],
      [3, 20],
      [100, 100],
    ],
  ]);
  const mask = tensor(new Uint8Array([1, 1, 0]), [1, 3], 'bool');
  masked.invoke([x], { training: true, masks: [mask] });
  close(masked.getWeights()[2].values, [2, 15], 1e-4);
  close(masked.getWeights()[3].values, [1, 25], 1e-3);
});

test('BatchNormalization gradients (through the batch statistics in training) and in inference', () => {
  const bn = new layers.BatchNormalization();
  bn.apply(Input({ shape: [3, 4] }));
  checkLayerGradients(bn, [randTensor([3, 3, 4], 52)], { training: true });
  bn.setWeights([tensor([1, 2, 0.5, 1]), tensor([0, 1, 0, -1]), tensor([0.1, 0, -0.2, 0.3]), tensor([0.5, 1, 2, 0.8])]);
  checkLayerGradients(bn, [randTensor([3, 3, 4], 53)], { training: false });
  const axis1 = new layers.BatchNormalization({ axis: 1 });
  axis1.apply(Input({ shape: [2, 3, 2] }));
  checkLayerGradients(axis1, [randTensor([2, 2, 3, 2], 54)], { training: true });
});

test('LayerNormalization: weights, per-sample statistics over one or several axes, gradients', () => {
  const ln = new layers.LayerNormalization();
  assert.deepEqual(ln.apply(Input({ shape: [5, 4] })).shape, [null, 5, 4]);
  assert.deepEqual(
    ln.weights.map((w) => [w.name, w.shape]),
    [
      ['gamma', [4]],
      ['beta', [4]],
    ],
  );
  const x = randTensor([2, 5, 4], 55, -3, 3);
  const y = ln.apply(x);
  for (let row = 0; row < 10; row++) {
    const v = Array.from(x.values.subarray(row * 4, row * 4 + 4));
    const m = v.reduce((p, q) => p + q, 0) / 4;
    const s = v.reduce((p, q) => p + (q - m) ** 2, 0) / 4;
    close(
      y.values.subarray(row * 4, row * 4 + 4),
      v.map((q) => (q - m) / Math.sqrt(s + 1e-3)),
      1e-5,
    );
  }
  checkLayerGradients(ln, [x]);
  const both = new layers.LayerNormalization({ axis: [1, 2], center: false });
  both.apply(Input({ shape: [3, 2] }));
  assert.deepEqual(
    both.weights.map((w) => [w.name, w.shape]),
    [['gamma', [3, 2]]],
  );
  checkLayerGradients(both, [randTensor([2, 3, 2], 56)]);
});

test('normalization errors and unknown options', () => {
  const js = (o: object): Record<string, never> => o as Record<string, never>;
  assert.throws(() => new layers.BatchNormalization(js({ renorm: true })), {
    name: 'TypeError',
    message: /^BatchNormalization got an unexpected option 'renorm'/,
  });
  assert.throws(() => new layers.LayerNormalization(js({ momentum: 0.9 })), {
    name: 'TypeError',
    message: /^LayerNormalization got an unexpected option 'momentum'/,
  });
  assert.throws(
    () => new layers.BatchNormalization().apply(Input({ shape: [4, null] })),
    /needs a known size on axis -1/,
  );
  assert.throws(
    () => new layers.BatchNormalization({ axis: 3 }).apply(Input({ shape: [4] })),
    /axis 3 is out of range for input shape \(None, 4\)/,
  );
  const bn = new layers.BatchNormalization();
  bn.apply(Input({ shape: [4] }));
  assert.throws(() => bn.apply(Input({ shape: [5] })), /was built for 4 features/);
});

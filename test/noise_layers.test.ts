import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, type Tensor, layers, ops, random, setSeed, tensor, valueAndGrads } from '../src/index.js';
import { randTensor } from './helpers/gradcheck.js';

const stats = (v: ArrayLike<number>): { mean: number; std: number } => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i] - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
};
const near = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

const noiseLayers = (): layers.Layer[] => [
  new layers.Identity(),
  new layers.GaussianNoise(0.5),
  new layers.GaussianDropout(0.3),
  new layers.AlphaDropout(0.3),
  new layers.SpatialDropout1D(0.5),
  new layers.ActivityRegularization({ l1: 0.1 }),
];

test('every noise layer is the identity in inference, eagerly and inside a model', () => {
  const x = randTensor([2, 3, 4], 1);
  for (const layer of noiseLayers()) {
    assert.equal(layer.apply(x), x, layer.className);
    const input = Input({ shape: [3, 4] });
    const out = new Model(input, layer.apply(input)).predict(x);
    assert.deepEqual([...out.dataSync()], [...x.dataSync()], layer.className);
  }
});

test('Identity keeps dtype and mask; it is a placeholder', () => {
  const ints = Input({ shape: [3], dtype: 'int32' });
  assert.equal(new layers.Identity().apply(ints).dtype, 'int32');
  const t = tensor([[1, 2]], [1, 2], 'int32');
  assert.equal(new layers.Identity().apply(t).dtype, 'int32');
  assert.equal(new layers.Identity().supportsMasking, true);
});

test('GaussianNoise adds N(0, stddev²) noise in training, reproducibly after setSeed', () => {
  const x = random.uniform([200, 100]);
  const layer = new layers.GaussianNoise(0.3);
  setSeed(11);
  const y = layer.apply(x, { training: true });
  const noise = ops.sub(y, x).dataSync();
  near(stats(noise).mean, 0, 0.01, 'mean');
  near(stats(noise).std, 0.3, 0.01, 'std');
  setSeed(11);
  assert.deepEqual([...layer.apply(x, { training: true }).dataSync()], [...y.dataSync()]);
  // The noise does not depend on x, so the gradient is 1.
  const { grads } = valueAndGrads(() => ops.sum(layer.apply(x, { training: true })), [x]);
  assert.ok([...grads[0].dataSync()].every((g) => g === 1));
});

test('GaussianDropout multiplies by N(1, rate / (1 − rate)) noise in training, and the gradient is that noise', () => {
  const x = random.uniform([200, 100], 0.5, 1.5);
  const layer = new layers.GaussianDropout(0.2);
  setSeed(3);
  const y = layer.apply(x, { training: true });
  const factor = ops.div(y, x).dataSync();
  near(stats(factor).mean, 1, 0.01, 'mean');
  near(stats(factor).std, Math.sqrt(0.2 / 0.8), 0.01, 'std');
  setSeed(3);
  const { grads } = valueAndGrads(() => ops.sum(layer.apply(x, { training: true })), [x]);
  const g = grads[0].dataSync();
  for (let i = 0; i < 50; i++) near(g[i], factor[i], 1e-5, `grad ${i}`);
});

/** Keras's AlphaDropout constants and affine map, for plain numbers. */
const SATURATION = -1.6732632423543772 * 1.0507009873554805;
const affine = (rate: number): { a: number; b: number } => {
  const a = ((1 - rate) * (1 + rate * SATURATION ** 2)) ** -0.5;
  return { a, b: -a * SATURATION * rate };
};

test("AlphaDropout: each unit is a·x + b or a·α' + b (Keras's formula); SELU activations keep mean 0 and variance 1", () => {
  const rate = 0.2;
  const { a, b } = affine(rate);
  const x = random.normal([400, 100]);
  setSeed(5);
  const y = new layers.AlphaDropout(rate).apply(x, { training: true });
  setSeed(5);
  const { grads } = valueAndGrads(() => ops.sum(new layers.AlphaDropout(rate).apply(x, { training: true })), [x]);
  const [xv, yv, gv] = [x.dataSync(), y.dataSync(), grads[0].dataSync()];
  let dropped = 0;
  for (let i = 0; i < xv.length; i++) {
    const kept = gv[i] !== 0;
    if (!kept) dropped++;
    near(gv[i], kept ? a : 0, 1e-6, `grad ${i}`);
    near(yv[i], kept ? a * xv[i] + b : a * SATURATION + b, 1e-5, `value ${i}`);
  }
  near(dropped / xv.length, rate, 0.01, 'dropped fraction');
  near(stats(yv).mean, 0, 0.02, 'mean');
  near(stats(yv).std, 1, 0.02, 'std');
});

test('AlphaDropout with a noise shape drops the same units along its size-1 axes; bad shapes are refused', () => {
  const x = random.normal([3, 5, 4]);
  const y = new layers.AlphaDropout(0.5, { noiseShape: [null, 1, null] }).apply(x, { training: true });
  const { a, b } = affine(0.5);
  const dropValue = a * SATURATION + b;
  for (let n = 0; n < 3; n++) {
    for (let c = 0; c < 4; c++) {
      const column = [0, 1, 2, 3, 4].map((s) => y.dataSync()[n * 20 + s * 4 + c]);
      const isDropped = column.map((v) => Math.abs(v - dropValue) < 1e-6);
      assert.ok(
        isDropped.every((d) => d === isDropped[0]),
        `sample ${n} channel ${c}`,
      );
    }
  }
  assert.throws(() => new layers.AlphaDropout(0.1, { noiseShape: [null, 0] }), /noiseShape must be a list of positive/);
  assert.throws(
    () => new layers.AlphaDropout(0.1, { noiseShape: [null, 3] }).apply(Input({ shape: [4] })),
    /noiseShape \(None, 3\) does not broadcast to input shape \(None, 4\)/,
  );
  assert.throws(() => new layers.AlphaDropout(1), /AlphaDropout: rate must be a number in \[0, 1\), got number 1/);
});

/** Whether each (sample, channel) of a channels-last output is all zero or all x / (1 − rate). */
function wholeChannels(x: Tensor, y: Tensor, rate: number): { dropped: number; channels: number } {
  const channels = x.shape[x.rank - 1];
  const positions = x.size / x.shape[0] / channels;
  let dropped = 0;
  for (let n = 0; n < x.shape[0]; n++) {
    for (let c = 0; c < channels; c++) {
      const at = (p: number): number => n * positions * channels + p * channels + c;
      const zero = y.dataSync()[at(0)] === 0;
      if (zero) dropped++;
      for (let p = 0; p < positions; p++) {
        near(y.dataSync()[at(p)], zero ? 0 : x.dataSync()[at(p)] / (1 - rate), 1e-5, `n ${n} c ${c} p ${p}`);
      }
    }
  }
  return { dropped, channels: x.shape[0] * channels };
}

test('SpatialDropout1D and SpatialDropout2D drop whole channels in training and scale the rest by 1 / (1 − rate)', () => {
  const seq = random.uniform([20, 6, 10], 0.1, 1);
  const one = wholeChannels(seq, new layers.SpatialDropout1D(0.4).apply(seq, { training: true }), 0.4);
  near(one.dropped / one.channels, 0.4, 0.1, '1D dropped fraction');
  const image = random.uniform([20, 3, 4, 10], 0.1, 1);
  const two = wholeChannels(image, new layers.SpatialDropout2D(0.4).apply(image, { training: true }), 0.4);
  near(two.dropped / two.channels, 0.4, 0.1, '2D dropped fraction');
  assert.throws(
    () => new layers.SpatialDropout1D(0.1).apply(Input({ shape: [4] })),
    /SpatialDropout1D layer '.*' expects rank-3 inputs \(batch, steps, channels\), got shape \(None, 4\)/,
  );
  assert.throws(() => new layers.SpatialDropout2D(0.1).apply(Input({ shape: [4, 3] })), /expects rank-4 inputs/);
  assert.throws(() => new layers.SpatialDropout2D(0.1, { dataFormat: 'channels_first' as never }), /channels-last/);
  // Keras's spatial dropouts take no `trainable` and write none.
  assert.throws(() => new layers.SpatialDropout1D(0.1, { trainable: false } as never), /unexpected option 'trainable'/);
  assert.deepEqual(Object.keys(new layers.SpatialDropout2D(0.1).getConfig()).sort(), [
    'dataFormat',
    'dtype',
    'name',
    'rate',
  ]);
});

test('ActivityRegularization adds (l1·Σ|x| + l2·Σx²) / batch size to the losses, as Keras 3', () => {
  const x = tensor([
    [1, -2, 3],
    [0.5, 0, -1],
  ]);
  const layer = new layers.ActivityRegularization({ l1: 0.1, l2: 0.01 });
  assert.equal(layer.apply(x), x);
  const l1 = 1 + 2 + 3 + 0.5 + 0 + 1;
  const l2 = 1 + 4 + 9 + 0.25 + 0 + 1;
  assert.equal(layer.losses.length, 1);
  near(layer.losses[0].dataSync()[0], (0.1 * l1 + 0.01 * l2) / 2, 1e-6, 'penalty');
  assert.deepEqual(layer.getConfig(), { name: layer.name, trainable: true, dtype: 'float32', l1: 0.1, l2: 0.01 });
  assert.throws(
    () => new layers.ActivityRegularization({ l1: -1 }),
    /ActivityRegularization: l1 must be a finite number ≥ 0/,
  );
  assert.throws(
    () => new layers.ActivityRegularization({ activityRegularizer: 'l2' } as never),
    /unexpected option 'activityRegularizer'/,
  );
});

test("ActivityRegularization's penalty joins the model's loss in evaluate", async () => {
  const input = Input({ shape: [3] });
  const model = new Model(input, new layers.ActivityRegularization({ l2: 0.5 }).apply(input));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tensor([
    [1, 2, 3],
    [0, 1, 0],
  ]);
  const y = ops.scale(x, 0);
  const mse = (1 + 4 + 9 + 0 + 1 + 0) / 6;
  const penalty = (0.5 * 15) / 2;
  const { loss } = await model.evaluate(x, y, { verbose: 0, returnDict: true });
  near(loss, mse + penalty, 1e-5, 'loss');
});

test('a model of every noise layer trains, and the rates and seeds are checked', async () => {
  setSeed(1);
  const input = Input({ shape: [4, 3] });
  let h = new layers.GaussianNoise(0.1).apply(input);
  h = new layers.GaussianDropout(0.1).apply(h);
  h = new layers.AlphaDropout(0.1).apply(h);
  h = new layers.SpatialDropout1D(0.1, { seed: 2 }).apply(h);
  h = new layers.ActivityRegularization({ l1: 0.01 }).apply(h);
  const model = new Model(input, new layers.Dense(1).apply(new layers.Flatten().apply(h)));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const history = await model.fit(random.uniform([16, 4, 3]), random.uniform([16, 1]), { epochs: 2, verbose: 0 });
  assert.ok(history.history.loss.every(Number.isFinite));

  assert.throws(() => new layers.GaussianNoise(2), /GaussianNoise: stddev must be a number in \[0, 1\]/);
  assert.throws(() => new layers.GaussianDropout(-0.1), /GaussianDropout: rate must be a number in \[0, 1\)/);
  assert.throws(() => new layers.GaussianDropout(0.1, { seed: 1.5 }), /GaussianDropout: seed must be a whole number/);
  assert.throws(() => new layers.SpatialDropout2D(1), /SpatialDropout2D: rate must be a number in \[0, 1\)/);
  assert.throws(() => new layers.GaussianNoise(0.1, { rate: 1 } as never), /unexpected option 'rate'/);
});

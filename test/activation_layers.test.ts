import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, type Tensor, layers, ops, regularizers, tensor, valueAndGrads } from '../src/index.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): void => {
  assert.equal(actual.length, expected.length, `${what}: lengths`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
};
const grid = tensor([[-10, -5, -0.5, 0, 0.25, 0.5, 3, 5, 6.5, 10]]);
const each = (t: Tensor, f: (v: number) => number): number[] => [...t.dataSync()].map(f);

/** Keras 3's ReLU formula, written out for plain numbers. */
function reluRef(v: number, maxValue: number | null, slope: number, threshold: number): number {
  if (v > threshold) return maxValue === null ? v : Math.min(v, maxValue);
  return slope * (v - threshold);
}

test("ReLU matches Keras's formula and examples for every combination of its options", () => {
  // The examples of Keras's docstrings.
  close(
    new layers.ReLU({ maxValue: 10, negativeSlope: 0.5 }).apply(tensor([[-10, -5, 0, 5, 10]])).dataSync(),
    [-5, -2.5, 0, 5, 10],
  );
  close(new layers.ReLU({ maxValue: 5 }).apply(tensor([[-10, -5, 0, 5, 10]])).dataSync(), [0, 0, 0, 5, 5]);
  close(new layers.ReLU({ threshold: 5 }).apply(tensor([[-10, -5, 0, 5, 10]])).dataSync(), [0, 0, 0, 0, 10]);
  for (const maxValue of [null, 6, 4]) {
    for (const negativeSlope of [0, 0.2]) {
      for (const threshold of [0, 0.5]) {
        const y = new layers.ReLU({ maxValue, negativeSlope, threshold }).apply(grid);
        const what = `ReLU(${maxValue}, ${negativeSlope}, ${threshold})`;
        close(
          y.dataSync(),
          each(grid, (v) => reluRef(v, maxValue, negativeSlope, threshold)),
          1e-5,
          what,
        );
      }
    }
  }
});

test('ReLU: gradients away from its kinks are 1 on the linear part, the slope below the threshold, 0 when clipped', () => {
  const layer = new layers.ReLU({ maxValue: 4, negativeSlope: 0.2, threshold: 0.5 });
  const x = tensor([[-3, -0.2, 0.3, 1, 2, 3.5, 5, 9]]);
  const { grads } = valueAndGrads(() => ops.sum(layer.apply(x)), [x]);
  close(
    grads[0].dataSync(),
    each(x, (v) => (v > 0.5 ? (v < 4 ? 1 : 0) : 0.2)),
  );
  checkGradients((xs) => layer.apply(xs[0]), [tensor([[-3, -0.2, 0.3, 1, 2, 3.5, 5, 9]])]);
});

test('ReLU, LeakyReLU and ELU refuse what Keras refuses, naming the option', () => {
  assert.throws(() => new layers.ReLU({ maxValue: -1 }), /ReLU: maxValue must be a finite number ≥ 0, got number -1/);
  assert.throws(() => new layers.ReLU({ negativeSlope: -0.1 }), /negativeSlope must be a finite number ≥ 0/);
  assert.throws(() => new layers.ReLU({ threshold: Number.NaN }), /threshold must be a finite number ≥ 0/);
  assert.throws(() => new layers.LeakyReLU({ negativeSlope: -1 }), /LeakyReLU: negativeSlope must be/);
  assert.throws(() => new layers.ELU({ alpha: Number.POSITIVE_INFINITY }), /ELU: alpha must be a finite number/);
  assert.throws(() => new layers.ReLU({ alpha: 1 } as never), /ReLU got an unexpected option 'alpha'/);
});

test("LeakyReLU defaults to Keras's slope of 0.3; ELU to alpha 1", () => {
  close(new layers.LeakyReLU().apply(tensor([[-10, -5, 0, 5, 10]])).dataSync(), [-3, -1.5, 0, 5, 10]);
  close(
    new layers.LeakyReLU({ negativeSlope: 0.5 }).apply(grid).dataSync(),
    each(grid, (v) => (v > 0 ? v : 0.5 * v)),
  );
  close(
    new layers.ELU().apply(grid).dataSync(),
    each(grid, (v) => (v > 0 ? v : Math.expm1(v))),
  );
  close(
    new layers.ELU({ alpha: 0.7 }).apply(grid).dataSync(),
    each(grid, (v) => (v > 0 ? v : 0.7 * Math.expm1(v))),
  );
  assert.deepEqual(new layers.LeakyReLU().getConfig().negativeSlope, 0.3);
  assert.deepEqual(new layers.ELU().getConfig().alpha, 1);
});

test("PReLU's alpha has the input's shape with 1 on shared axes, starts at zero, and learns", () => {
  const image = Input({ shape: [4, 5, 3] });
  const shared = new layers.PReLU({ sharedAxes: [1, 2] });
  assert.deepEqual(shared.apply(image).shape, [null, 4, 5, 3]);
  assert.deepEqual(shared.alpha?.shape, [1, 1, 3]);
  const full = new layers.PReLU();
  full.apply(image);
  assert.deepEqual(full.alpha?.shape, [4, 5, 3]);
  assert.equal(full.countParams(), 60);
  // A shared axis may have any size, even an unknown one.
  const steps = new layers.PReLU({ sharedAxes: 1 });
  assert.deepEqual(steps.apply(Input({ shape: [null, 2] })).shape, [null, null, 2]);
  assert.deepEqual(steps.alpha?.shape, [1, 2]);

  // Zeros to begin with: a ReLU.
  const x = randTensor([2, 3], 4, -2, 2);
  const prelu = new layers.PReLU();
  close(
    prelu.apply(x).dataSync(),
    each(x, (v) => Math.max(v, 0)),
  );
  const alpha = [0.1, -0.5, 2];
  prelu.setWeights([tensor(alpha)]);
  const expected = [...x.dataSync()].map((v, i) => (v >= 0 ? v : alpha[i % 3] * v));
  close(prelu.apply(x).dataSync(), expected);
  // d/dalpha = min(x, 0), summed over the batch.
  const { grads } = valueAndGrads(() => ops.sum(prelu.apply(x)), [prelu.alpha!.value]);
  const dAlpha = [0, 0, 0];
  [...x.dataSync()].forEach((v, i) => (dAlpha[i % 3] += Math.min(v, 0)));
  close(grads[0].dataSync(), dAlpha);
});

test('PReLU: a regularized alpha adds its penalty; bad shared axes and unknown sizes are refused', () => {
  const layer = new layers.PReLU({ alphaInitializer: 'ones', alphaRegularizer: new regularizers.L2(0.1) });
  layer.apply(Input({ shape: [3] }));
  close(layer.losses[0].dataSync(), [0.3]);
  assert.throws(() => new layers.PReLU({ sharedAxes: [0] }), /sharedAxes must be axes ≥ 1/);
  assert.throws(() => new layers.PReLU({ sharedAxes: 1.5 }), /sharedAxes must be axes ≥ 1/);
  assert.throws(
    () => new layers.PReLU({ sharedAxes: [3] }).apply(Input({ shape: [2] })),
    /shared axis 3 is not an axis/,
  );
  assert.throws(() => new layers.PReLU().apply(Input({ shape: [null, 2] })), /needs a known size on axis 1/);
  const built = new layers.PReLU();
  built.apply(Input({ shape: [3] }));
  assert.throws(() => built.apply(Input({ shape: [4] })), /was built for inputs of shape \(None, 3\)/);
});

/** Softmax of plain numbers. */
function softmaxRef(v: readonly number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((a) => Math.exp(a - m));
  const s = e.reduce((p, a) => p + a, 0);
  return e.map((a) => a / s);
}

test("Softmax matches the plain formula on one axis, any axis, and several at once (Keras's example included)", () => {
  close(new layers.Softmax().apply(tensor([[1, 2, 1]])).dataSync(), [0.21194157, 0.5761169, 0.21194157]);
  const x = randTensor([2, 3, 4], 5, -3, 3);
  const v = [...x.dataSync()];
  const at = (b: number, i: number, j: number): number => b * 12 + i * 4 + j;
  const last = new layers.Softmax().apply(x).dataSync();
  const middle = new layers.Softmax({ axis: 1 }).apply(x).dataSync();
  const both = new layers.Softmax({ axis: [1, 2] }).apply(x).dataSync();
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 3; i++) {
      const idx = [0, 1, 2, 3].map((j) => at(b, i, j));
      close(
        idx.map((k) => last[k]),
        softmaxRef(idx.map((k) => v[k])),
        1e-6,
        'axis -1',
      );
    }
    for (let j = 0; j < 4; j++) {
      const idx = [0, 1, 2].map((i) => at(b, i, j));
      close(
        idx.map((k) => middle[k]),
        softmaxRef(idx.map((k) => v[k])),
        1e-6,
        'axis 1',
      );
    }
    const idx = Array.from({ length: 12 }, (_, k) => b * 12 + k);
    close(
      idx.map((k) => both[k]),
      softmaxRef(idx.map((k) => v[k])),
      1e-6,
      'axes [1, 2]',
    );
  }
  checkGradients((xs) => new layers.Softmax({ axis: [0, 2] }).apply(xs[0]), [x]);
});

test('Softmax with a mask gives masked entries no probability, and a slice masked throughout all zeros', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const mask = tensor(
    [
      [1, 0, 1],
      [0, 0, 0],
    ],
    [2, 3],
    'bool',
  );
  const y = new layers.Softmax().apply(x, { mask });
  close(y.dataSync(), [...softmaxRef([1, 3]).flatMap((p, i) => (i === 0 ? [p, 0] : [p])), 0, 0, 0]);
  // The gradient does not reach masked entries.
  const { grads } = valueAndGrads(() => ops.sum(ops.mul(new layers.Softmax().apply(x, { mask }), x)), [x]);
  assert.equal(grads[0].dataSync()[1], 0);
  assert.deepEqual([...grads[0].dataSync().slice(3)], [0, 0, 0]);

  // A mask over the leading axes, as an Embedding makes, masks whole steps; it flows in a model.
  const tokens = Input({ shape: [null], dtype: 'int32' });
  const probs = new layers.Softmax().apply(new layers.Embedding(5, 3, { maskZero: true }).apply(tokens));
  const out = new Model(tokens, probs).predict(tensor([[2, 0, 4]], [1, 3], 'int32'));
  const rows = [0, 1, 2].map((s) => [...out.dataSync().slice(s * 3, s * 3 + 3)]);
  close(rows[1], [0, 0, 0]);
  close([rows[0].reduce((p, a) => p + a, 0), rows[2].reduce((p, a) => p + a, 0)], [1, 1]);
});

test('Softmax refuses bad axes clearly', () => {
  assert.throws(() => new layers.Softmax({ axis: 1.5 }), /axis must be an integer or a non-empty list/);
  assert.throws(() => new layers.Softmax({ axis: [] }), /axis must be an integer or a non-empty list/);
  assert.throws(
    () => new layers.Softmax({ axis: 2 }).apply(Input({ shape: [3] })),
    /axis 2 is not an axis of a rank-2/,
  );
  assert.throws(() => new layers.Softmax({ axis: [1, -1] }).apply(Input({ shape: [3] })), /names an axis twice/);
});

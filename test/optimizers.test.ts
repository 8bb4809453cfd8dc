import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, Variable, optimizers } from '../src/index.js';

/** Runs `steps` updates of `opt` on one weight with fixed gradients; returns the weight. */
function run(opt: optimizers.Optimizer, w0: number[], grads: number[][]): Float32Array {
  const v = new Variable('w', new Tensor(Float32Array.from(w0), [w0.length], 'float32'), true, 'test');
  for (const g of grads) opt.applyGradients([new Tensor(Float32Array.from(g), [g.length], 'float32')], [v]);
  return v.value.values as Float32Array;
}

const W0 = [0.5, -1.2, 2.0];
const G = [
  [0.1, -0.3, 0.7],
  [0.2, 0.05, -0.4],
  [-0.6, 0.3, 0.1],
];

function close(actual: Float32Array, expected: number[], tol = 1e-6): void {
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual[i] - e) <= tol * Math.max(1, Math.abs(e)), `element ${i}: ${actual[i]} vs ${e}`),
  );
}

// Each reference below restates Keras 3's update rule in float64, independently of the kernels.

test('SGD, with momentum and Nesterov', () => {
  close(
    run(new optimizers.SGD({ learningRate: 0.1 }), W0, G),
    W0.map((w, i) => w - 0.1 * G.reduce((p, g) => p + g[i], 0)),
  );
  for (const nesterov of [false, true]) {
    const w = [...W0];
    const m = [0, 0, 0];
    for (const g of G)
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i] - 0.1 * g[i];
        w[i] += nesterov ? 0.9 * m[i] - 0.1 * g[i] : m[i];
      }
    close(run(new optimizers.SGD({ learningRate: 0.1, momentum: 0.9, nesterov }), W0, G), w);
  }
});

test('RMSprop (Keras 3: epsilon inside the square root)', () => {
  const w = [...W0];
  const v = [0, 0, 0];
  for (const g of G)
    for (let i = 0; i < 3; i++) {
      v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i];
      w[i] -= (0.01 * g[i]) / Math.sqrt(v[i] + 1e-7);
    }
  close(run(new optimizers.RMSprop({ learningRate: 0.01 }), W0, G), w);
});

test('Adam, AMSGrad and AdamW', () => {
  for (const [amsgrad, wd] of [
    [false, 0],
    [true, 0],
    [false, 0.004],
  ] as const) {
    const w = [...W0];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    const vh = [0, 0, 0];
    G.forEach((g, t) => {
      const step = t + 1;
      const alpha = (0.01 * Math.sqrt(1 - 0.999 ** step)) / (1 - 0.9 ** step);
      for (let i = 0; i < 3; i++) {
        w[i] -= w[i] * wd * 0.01;
        m[i] += (g[i] - m[i]) * 0.1;
        v[i] += (g[i] * g[i] - v[i]) * 0.001;
        vh[i] = Math.max(vh[i], v[i]);
        w[i] -= (alpha * m[i]) / (Math.sqrt(amsgrad ? vh[i] : v[i]) + 1e-7);
      }
    });
    const opt = wd
      ? new optimizers.AdamW({ learningRate: 0.01, weightDecay: wd })
      : new optimizers.Adam({ learningRate: 0.01, amsgrad });
    close(run(opt, W0, G), w, 1e-5);
  }
});

test('Adagrad starts its accumulator at 0.1', () => {
  const w = [...W0];
  const acc = [0.1, 0.1, 0.1];
  for (const g of G)
    for (let i = 0; i < 3; i++) {
      acc[i] += g[i] * g[i];
      w[i] -= (0.05 * g[i]) / Math.sqrt(acc[i] + 1e-7);
    }
  close(run(new optimizers.Adagrad({ learningRate: 0.05 }), W0, G), w);
});

test('clipnorm, clipvalue and globalClipnorm', () => {
  const g = [[3, 4, 0]];
  close(run(new optimizers.SGD({ learningRate: 1, clipnorm: 1 }), [0, 0, 0], g), [-0.6, -0.8, 0]);
  close(run(new optimizers.SGD({ learningRate: 1, clipvalue: 0.5 }), [0, 0, 0], g), [-0.5, -0.5, 0]);
  close(run(new optimizers.SGD({ learningRate: 1, globalClipnorm: 10 }), [0, 0, 0], g), [-3, -4, 0]);
});

test('exponential decay schedule drives the learning rate by step', () => {
  const schedule = new optimizers.schedules.ExponentialDecay({
    initialLearningRate: 0.1,
    decaySteps: 2,
    decayRate: 0.5,
  });
  const opt = new optimizers.SGD({ learningRate: schedule });
  const w = [...W0];
  G.forEach((g, step) => {
    for (let i = 0; i < 3; i++) w[i] -= 0.1 * 0.5 ** (step / 2) * g[i];
  });
  close(run(opt, W0, G), w);
  const stair = new optimizers.schedules.ExponentialDecay({
    initialLearningRate: 1,
    decaySteps: 2,
    decayRate: 0.5,
    staircase: true,
  });
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((step) => stair.call(step)),
    [1, 1, 0.5, 0.5, 0.25],
  );
});

test('unknown optimizer options are TypeErrors', () => {
  const bad = { learningRate: 0.1, lr: 0.1 } as unknown as optimizers.RMSpropArgs;
  assert.throws(() => new optimizers.RMSprop(bad), /RMSprop got an unexpected option 'lr'/);
});

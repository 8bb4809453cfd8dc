import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Variable, optimizers, tensor, type Tensor } from '../src/index.js';

function variable(values: number[]): Variable {
  return new Variable('w', tensor(values), true, 'layer');
}
const close = (a: ArrayLike<number>, b: number[]): void =>
  b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < 1e-6, `element ${i}: ${a[i]} vs ${v}`));

test('Lion, Adamax and Adadelta take the step Keras 3 takes, twice', () => {
  const g = tensor([0.5, -2]);
  // Lion: w -= lr·sign(β1·m + (1−β1)·g); m = β2·m + (1−β2)·g.
  const lion = new optimizers.Lion({ learningRate: 0.1 });
  const wl = variable([1, 1]);
  lion.applyGradients([g], [wl]);
  lion.applyGradients([g], [wl]);
  close(wl.value.dataSync(), [1 - 0.2, 1 + 0.2]);
  // Adamax: m += (g − m)(1−β1); u = max(β2·u, |g|); w -= lr·m / ((1 − β1^t)(u + ε)).
  const adamax = new optimizers.Adamax({ learningRate: 0.1 });
  const wa = variable([1, 1]);
  adamax.applyGradients([g], [wa]);
  let w = [1, 1];
  const m = [0, 0];
  const u = [0, 0];
  for (let t = 1; t <= 2; t++) {
    if (t === 2) adamax.applyGradients([g], [wa]);
    const gs = [0.5, -2];
    for (let i = 0; i < 2; i++) {
      m[i] += (gs[i] - m[i]) * 0.1;
      u[i] = Math.max(0.999 * u[i], Math.abs(gs[i]));
      w = w.map((x, k) => (k === i ? x - (0.1 * m[i]) / ((1 - 0.9 ** t) * (u[i] + 1e-7)) : x));
    }
  }
  close(wa.value.dataSync(), w);
  // Adadelta's first step from zero accumulators.
  const adadelta = new optimizers.Adadelta({ learningRate: 1 });
  const wd = variable([1]);
  adadelta.applyGradients([tensor([0.5])], [wd]);
  const accGrad = 0.05 * 0.25;
  const delta = (-Math.sqrt(1e-7) * 0.5) / Math.sqrt(accGrad + 1e-7);
  close(wd.value.dataSync(), [1 + delta]);
});

test('weight decay shrinks weights before any rule updates them; applyGradients takes pairs', () => {
  const sgd = new optimizers.SGD({ learningRate: 0.1, weightDecay: 0.5 });
  const w = variable([2, -4]);
  const grads: Tensor[] = [tensor([0, 0])];
  sgd.applyGradients([[grads[0], w]]);
  close(w.value.dataSync(), [2 * 0.95, -4 * 0.95]);
  assert.equal(new optimizers.AdamW().weightDecay, 0.004);
  assert.equal(sgd.getConfig().weightDecay, 0.5);
  assert.throws(() => sgd.applyGradients([tensor([1, 2, 3])], [w]), /each gradient must have its variable's shape/);
  assert.throws(() => new optimizers.Lion({ beta1: 0 }), /beta1 must be in \(0, 1\]/);
  assert.throws(() => new optimizers.Adamax({ rho: 0.9 } as never), /Adamax got an unexpected option 'rho'/);
});

test("every exported optimizer is found by its lower-case id, as compile's strings name them", () => {
  for (const id of ['sgd', 'rmsprop', 'adam', 'adamw', 'adagrad', 'adamax', 'adadelta', 'lion'] as const) {
    assert.equal(optimizers.getOptimizer(id).className.toLowerCase(), id);
  }
  assert.throws(
    () => optimizers.getOptimizer('adamm' as never),
    /Unknown optimizer the string "adamm"\. Known: adadelta, adagrad, adam/,
  );
});

test('a model compiled with a newer rule saves and reloads with it, its options and weight decay', async () => {
  const { Input, Model, layers, loadModel } = await import('../src/index.js');
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const x = Input({ shape: [2] });
  const model = new Model(x, new layers.Dense(1).apply(x));
  model.compile({ optimizer: new optimizers.Lion({ learningRate: 0.01, beta2: 0.95, weightDecay: 0.1 }), loss: 'mse' });
  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-lion-')), 'lion.keras');
  await model.save(path);
  const again = await loadModel(path);
  const lion = again.optimizer as InstanceType<typeof optimizers.Lion>;
  assert.equal(lion.className, 'Lion');
  assert.equal(lion.beta2, 0.95);
  assert.ok(Math.abs(lion.weightDecay - 0.1) < 1e-9);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Layer, Model, constraints, layers, regularizers, tensor, type Tensor } from '../src/index.js';
import { checkParity } from './helpers/parity.js';

test("regularizers and constraints built through the API match Keras 3's 'regularized' fixture", async () => {
  const x = Input({ shape: [10], name: 'features' });
  let h = new layers.Dense(8, {
    activation: 'relu',
    kernelRegularizer: new regularizers.L2(0.01),
    biasRegularizer: new regularizers.L1(0.02),
    activityRegularizer: new regularizers.L1L2({ l1: 0.001, l2: 0.002 }),
    kernelConstraint: new constraints.MaxNorm({ maxValue: 0.5, axis: 0 }),
  }).apply(x);
  h = new layers.Dense(8, {
    activation: 'tanh',
    kernelConstraint: new constraints.NonNeg(),
    biasConstraint: new constraints.UnitNorm({ axis: 0 }),
  }).apply(h);
  h = new layers.Dense(3, {
    kernelRegularizer: new regularizers.L1L2({ l1: 0.003, l2: 0.004 }),
    kernelConstraint: new constraints.MinMaxNorm({ minValue: 0.1, maxValue: 0.9, rate: 0.5, axis: 0 }),
  }).apply(h);
  await checkParity('regularized', new Model(x, new layers.Activation('softmax').apply(h)));
});

test('penalties: L1, L2, L1L2 and orthogonal values; model.losses holds one per regularized weight', () => {
  const w = tensor([
    [1, -2],
    [3, 4],
  ]);
  const close = (t: Tensor, v: number): void => assert.ok(Math.abs(t.values[0] - v) < 1e-6, `${t.values[0]} vs ${v}`);
  close(new regularizers.L1(0.1).call(w), 1);
  close(new regularizers.L2(0.1).call(w), 3);
  close(new regularizers.L1L2({ l1: 0.1, l2: 0.1 }).call(w), 4);
  // Rows (1,-2)/√5 and (3,4)/5 have cosine (3 − 8)/(5√5); the off-diagonal holds it twice, for one pair.
  close(new regularizers.OrthogonalRegularizer({ factor: 2 }).call(w), (2 * 0.5 * 2 * 5) / (5 * Math.sqrt(5)));
  const x = Input({ shape: [2] });
  const model = new Model(x, new layers.Dense(2, { kernelRegularizer: 'l2', biasRegularizer: 'l1' }).apply(x));
  assert.equal(model.losses.length, 2);
  assert.throws(() => new regularizers.L2(-1), /L2: l2 must be a finite number ≥ 0, got number -1/);
  assert.throws(() => new layers.Dense(2, { kernelRegularizer: 'l3' as never }), /Unknown regularizer the string "l3"/);
});

test('constraints project weights in place along their axis', () => {
  const values = new Float32Array([3, 0, 4, 0]); // shape [2, 2]: column 0 has norm 5
  new constraints.MaxNorm({ maxValue: 1 }).apply(values, [2, 2]);
  assert.ok(Math.abs(values[0] - 0.6) < 1e-6 && Math.abs(values[2] - 0.8) < 1e-6);
  const negatives = new Float32Array([-1, 2]);
  new constraints.NonNeg().apply(negatives);
  assert.deepEqual([...negatives], [0, 2]);
  assert.throws(
    () => new constraints.UnitNorm({ axis: 3 }).apply(new Float32Array(4), [2, 2]),
    /axis number 3 is out of range for a weight of rank 2/,
  );
});

test('addLoss from a custom layer counts in training, once per run', async () => {
  class Penalized extends Layer {
    call(x: Tensor): Tensor {
      this.addLoss(tensor(0.5));
      return x;
    }
  }
  const x = Input({ shape: [1] });
  const model = new Model(x, new layers.Dense(1, { kernelInitializer: 'zeros' }).apply(new Penalized().apply(x)));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const loss = await model.evaluate(tensor([[1]]), tensor([[0]]), { verbose: 0 });
  assert.equal(loss, 0.5);
  assert.equal(model.losses.length, 1);
  model.predict(tensor([[1]]));
  assert.equal(model.losses.length, 1);
});

test('every layer with weights takes Keras regularizer and constraint options for them, and saves them', async () => {
  const { modelFromJSON } = await import('../src/index.js');
  const l2 = new regularizers.L2(0.01);
  const nonNeg = new constraints.NonNeg();
  const image = Input({ shape: [6, 6, 2] });
  const seq = Input({ shape: [5], dtype: 'int32' });
  let h = new layers.Conv2D(3, 3, { kernelRegularizer: l2, biasConstraint: nonNeg }).apply(image);
  h = new layers.SeparableConv2D(2, 2, { depthwiseRegularizer: l2, pointwiseRegularizer: l2 }).apply(h);
  h = new layers.DepthwiseConv2D(2, { depthwiseConstraint: nonNeg }).apply(h);
  h = new layers.Conv2DTranspose(2, 2, { kernelRegularizer: l2 }).apply(h);
  h = new layers.BatchNormalization({ gammaRegularizer: l2 }).apply(h);
  h = new layers.LayerNormalization({ betaRegularizer: l2 }).apply(new layers.Flatten().apply(h));
  let s = new layers.Embedding(10, 4, { embeddingsRegularizer: l2 }).apply(seq);
  s = new layers.LSTM(3, { recurrentRegularizer: l2, kernelConstraint: nonNeg }).apply(s);
  const model = new Model([image, seq], layers.concatenate([h, s]));
  // conv kernel, two separable kernels, transpose kernel, gamma, beta, embeddings, recurrent kernel
  assert.equal(model.losses.length, 8);
  const again = modelFromJSON(model.toJSON());
  assert.equal(again.losses.length, 8);
  const lstm = again.layers.find((l) => l.className === 'LSTM')!;
  assert.equal((lstm.getConfig().kernelConstraint as constraints.Constraint).className, 'NonNeg');
  assert.throws(
    () => new layers.Conv1D(2, 2, { pointwiseRegularizer: l2 } as never),
    /Conv1D got an unexpected option 'pointwiseRegularizer'/,
  );
});

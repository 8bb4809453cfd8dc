import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, type KerasTensor, LambdaCallback, Model, layers, tensor, zeros } from '../src/index.js';

function compiled(): Model<KerasTensor> {
  const x = Input({ shape: [2] });
  const model = new Model(x, new layers.Dense(1).apply(x));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}
const x = tensor([
  [1, 2],
  [3, 4],
]);
const y = tensor([[1], [0]]);

test('numbers given to fit, evaluate and predict are checked before anything runs', async () => {
  const model = compiled();
  const before = model.getWeights().map((w) => w.arraySync());
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ batchSize: 0 }, /fit: batchSize must be a whole number ≥ 1, got number 0/],
    [{ batchSize: -1 }, /batchSize must be a whole number ≥ 1, got number -1/],
    [{ batchSize: Number.NaN }, /batchSize must be a whole number ≥ 1, got number NaN/],
    [{ batchSize: Number.POSITIVE_INFINITY }, /batchSize must be a whole number/],
    [{ batchSize: 2.5 }, /batchSize must be a whole number ≥ 1, got number 2.5/],
    [{ batchSize: '4' }, /batchSize must be a whole number ≥ 1, got the string "4"/],
    [{ epochs: 2.5 }, /epochs must be a whole number ≥ 0, got number 2.5/],
    [{ initialEpoch: -1 }, /initialEpoch must be a whole number ≥ 0/],
    [{ validationSplit: Number.NaN }, /validationSplit must be a number in \[0, 1\), got number NaN/],
    [{ validationSplit: 1 }, /validationSplit must be a number in \[0, 1\)/],
    [{ verbose: 3 }, /verbose must be 0, 1 or 2, got number 3/],
    [{ shuffle: 'yes' }, /shuffle must be true or false/],
    [{ callbacks: new LambdaCallback({}) }, /callbacks must be a list of callbacks/],
  ];
  for (const [args, message] of bad) await assert.rejects(model.fit(x, y, args as never), message);
  await assert.rejects(model.evaluate(x, y, { batchSize: 0 }), /evaluate: batchSize must be a whole number ≥ 1/);
  assert.throws(() => model.predict(x, { batchSize: -2 }), /predict: batchSize must be a whole number ≥ 1/);
  assert.deepEqual(
    model.getWeights().map((w) => w.arraySync()),
    before,
  );
});

test('empty data is refused with a clear error, not a NaN or undefined result', async () => {
  const model = compiled();
  await assert.rejects(model.evaluate(zeros([0, 2]), zeros([0, 1])), /evaluate: the data has no samples/);
  await assert.rejects(model.trainOnBatch(zeros([0, 2]), zeros([0, 1])), /trainOnBatch: the batch has no samples/);
  await assert.rejects(model.fit(zeros([0, 2]), zeros([0, 1]), { verbose: 0 }), /no training samples/);
});

test('a second fit while one runs is refused; predict during fit works', async () => {
  const model = compiled();
  let predicted: number[] = [];
  const first = model.fit(x, y, {
    epochs: 3,
    verbose: 0,
    callbacks: [new LambdaCallback({ onEpochEnd: () => void (predicted = [...model.predict(x).dataSync()]) })],
  });
  await assert.rejects(model.fit(x, y, { verbose: 0 }), /is already training: wait for the running fit\(\) to finish/);
  await first;
  assert.equal(predicted.length, 2);
  await model.fit(x, y, { verbose: 0 });
});

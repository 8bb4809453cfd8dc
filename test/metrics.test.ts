import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, tensor } from '../src/index.js';

test('acc resolves by shapes as Keras 3 does', () => {
  const binary = metrics.createMetric('acc', [null, 1], [null, 1]);
  binary.update(tensor([[1], [0], [1]]), tensor([[0.9], [0.2], [0.3]]), null);
  assert.ok(Math.abs(binary.result() - 2 / 3) < 1e-6);

  const categorical = metrics.createMetric('accuracy', [null, 3], [null, 3]);
  categorical.update(
    tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]),
    tensor([
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
    ]),
    null,
  );
  assert.equal(categorical.result(), 0.5);
  assert.equal(categorical.name, 'accuracy');

  const sparse = metrics.createMetric('acc', [null], [null, 3]);
  sparse.update(
    tensor([1, 0]),
    tensor([
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
    ]),
    null,
  );
  assert.equal(sparse.result(), 0.5);
});

test('sample weights weight each sample; reset starts over', () => {
  const m = metrics.createMetric('mae', [null, 1], [null, 1]);
  m.update(tensor([[0], [0]]), tensor([[1], [3]]), new Float32Array([3, 1]));
  assert.equal(m.result(), (3 * 1 + 1 * 3) / 4);
  m.reset();
  m.update(tensor([[0]]), tensor([[2]]), null);
  assert.equal(m.result(), 2);
});

test('AUC: 1 for a perfect ranking, 0.5 for a constant score', () => {
  const perfect = metrics.createMetric('auc', [null, 1], [null, 1]);
  perfect.update(tensor([[0], [0], [1], [1]]), tensor([[0.1], [0.3], [0.6], [0.9]]), null);
  assert.ok(Math.abs(perfect.result() - 1) < 1e-6);
  const flat = metrics.createMetric('auc', [null, 1], [null, 1]);
  flat.update(tensor([[0], [1], [0], [1]]), tensor([[0.5], [0.5], [0.5], [0.5]]), null);
  assert.ok(Math.abs(flat.result() - 0.5) < 1e-6);
});

test('metrics ignore sample weights; weightedMetrics use them, named weighted_ on a clash, as Keras 3', async () => {
  const { Input, Model, layers } = await import('../src/index.js');
  const x = Input({ shape: [1] });
  const model = new Model(x, new layers.Dense(1, { activation: 'sigmoid' }).apply(x));
  model.setWeights([tensor([[1]]), tensor([0])]);
  model.compile({
    optimizer: 'sgd',
    loss: 'binary_crossentropy',
    metrics: ['accuracy'],
    weightedMetrics: ['accuracy'],
  });
  // Predictions [1, 0, 1, 1] against targets [1, 1, 0, 1]: samples 0 and 3 are right.
  const logs = await model.evaluate(tensor([[2], [-2], [2], [2]]), tensor([[1], [1], [0], [1]]), {
    sampleWeight: [1, 1, 1, 5],
    returnDict: true,
    verbose: 0,
  });
  assert.equal(logs.accuracy, 0.5);
  assert.equal(logs.weighted_accuracy, 0.75);
  assert.deepEqual(Object.keys(logs), ['loss', 'accuracy', 'weighted_accuracy']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CSVLogger,
  EarlyStopping,
  Input,
  LambdaCallback,
  Model,
  ReduceLROnPlateau,
  Sequential,
  Tensor,
  TerminateOnNaN,
  layers,
  optimizers,
  random,
  setSeed,
  tensor,
} from '../src/index.js';

/** Two Gaussian-ish blobs separated along a random direction: learnable to ~100%. */
function blobs(n: number, dim: number): { x: Tensor; y: Tensor; labels: Int32Array } {
  const x = random.normal([n, dim]);
  const labels = new Int32Array(n);
  const y = new Float32Array(n * 2);
  const xv = x.values as Float32Array;
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    labels[i] = cls;
    y[i * 2 + cls] = 1;
    for (let d = 0; d < dim; d++) xv[i * dim + d] += cls === 1 ? 1.5 : -1.5;
  }
  return { x, y: new Tensor(y, [n, 2], 'float32'), labels };
}

test('a model trained on a learnable task reaches high accuracy, with acc logged under the name given', async () => {
  setSeed(1);
  const { x, y } = blobs(512, 8);
  const input = Input({ shape: [8] });
  const h = new layers.Dense(16, { activation: 'relu' }).apply(input);
  const model = new Model(input, new layers.Dense(2, { activation: 'softmax' }).apply(h));
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['acc'] });
  const history = await model.fit(x, y, { epochs: 8, batchSize: 32, verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), ['acc', 'loss']);
  assert.equal(history.history.loss.length, 8);
  assert.ok(history.history.loss[7] < history.history.loss[0]);
  assert.ok(history.history.acc[7] > 0.95, `accuracy ${history.history.acc[7]}`);
  const result = await model.evaluate(x, y, { verbose: 0, returnDict: true });
  assert.ok(result.acc > 0.95);
  const score = await model.evaluate(x, y, { verbose: 0 });
  assert.ok(Array.isArray(score) && score.length === 2);
});

test('sparse targets: accuracy resolves to sparse_categorical_accuracy', async () => {
  setSeed(2);
  const { x, labels } = blobs(256, 4);
  const model = new Sequential([new layers.Dense(2, { activation: 'softmax', inputShape: [4] })]);
  model.compile({
    optimizer: new optimizers.Adam({ learningRate: 0.05 }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  const h = await model.fit(x, tensor(labels, [256], 'int32'), { epochs: 5, batchSize: 32, verbose: 0 });
  assert.ok(h.history.accuracy[4] > 0.95);
});

test('multi-output: per-output losses logged unweighted as <output>_loss, total weighted by lossWeights', async () => {
  setSeed(3);
  const input = Input({ shape: [3] });
  const a = new layers.Dense(1, { name: 'a' }).apply(input);
  const b = new layers.Dense(1, { activation: 'sigmoid', name: 'b' }).apply(input);
  const model = new Model(input, [a, b]);
  model.compile({
    optimizer: 'sgd',
    loss: { a: 'mse', b: 'binary_crossentropy' },
    lossWeights: { a: 0.25, b: 10 },
    metrics: { b: ['acc'] },
  });
  const x = random.uniform([20, 3]);
  const ya = random.uniform([20, 1]);
  const yb = random.randint(0, 2, [20]);
  const logs = await model.testOnBatch(x, { a: ya, b: yb }, { returnDict: true });
  assert.deepEqual(Object.keys(logs).sort(), ['a_loss', 'b_acc', 'b_loss', 'loss']);
  assert.ok(Math.abs(logs.loss - (0.25 * logs.a_loss + 10 * logs.b_loss)) < 1e-4);
  const [pa, pb] = model.predict(x);
  assert.deepEqual(pa.shape, [20, 1]);
  assert.deepEqual(pb.shape, [20, 1]);
  const hist = await model.fit(x, [ya, yb], { epochs: 2, batchSize: 8, verbose: 0, validationSplit: 0.25 });
  assert.deepEqual(Object.keys(hist.history).sort(), [
    'a_loss',
    'b_acc',
    'b_loss',
    'loss',
    'val_a_loss',
    'val_b_acc',
    'val_b_loss',
    'val_loss',
  ]);
});

test('sample weights scale each sample and classWeight weights each class', async () => {
  const input = Input({ shape: [1] });
  const model = new Model(input, new layers.Dense(1, { kernelInitializer: 'zeros' }).apply(input));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tensor([[1], [1]]);
  const y = tensor([[1], [3]]);
  // Predictions are 0: per-sample losses 1 and 9; weights 1 and 0 → mean over the batch = 0.5.
  const weighted = await model.testOnBatch(x, y, { sampleWeight: [1, 0] });
  assert.ok(Math.abs((weighted as number) - 0.5) < 1e-6);
  const plain = await model.testOnBatch(x, y);
  assert.ok(Math.abs((plain as number) - 5) < 1e-6);
});

test('callbacks: EarlyStopping restores the best weights, LambdaCallback sees every epoch, CSVLogger writes rows', async () => {
  setSeed(4);
  const { x, y } = blobs(64, 4);
  const model = new Sequential([new layers.Dense(2, { activation: 'softmax', inputShape: [4] })]);
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
  const seen: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-'));
  const csv = join(dir, 'log.csv');
  const early = new EarlyStopping({ monitor: 'loss', patience: 0, minDelta: 10, restoreBestWeights: true });
  const history = await model.fit(x, y, {
    epochs: 10,
    verbose: 0,
    callbacks: [
      early,
      new LambdaCallback({
        onEpochEnd: (e) => {
          seen.push(e);
        },
      }),
      new CSVLogger(csv),
    ],
  });
  // minDelta 10 means nothing counts as improvement after the first epoch: stop at epoch 2.
  assert.equal(history.epoch.length, 2);
  assert.deepEqual(seen, [0, 1]);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'epoch,loss');
  assert.equal(rows.length, 3);
});

test('TerminateOnNaN stops at the first non-finite loss; ReduceLROnPlateau lowers the rate', async () => {
  const input = Input({ shape: [1] });
  const model = new Model(input, new layers.Dense(1).apply(input));
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 1e30 }), loss: 'mse' });
  const h = await model.fit(tensor([[1e30], [2e30]]), tensor([[1], [2]]), {
    epochs: 5,
    batchSize: 1,
    verbose: 0,
    callbacks: [new TerminateOnNaN()],
  });
  assert.equal(h.epoch.length, 1);

  const m2 = new Model(input, new layers.Dense(1).apply(input));
  const opt = new optimizers.SGD({ learningRate: 0.1 });
  m2.compile({ optimizer: opt, loss: 'mse' });
  await m2.fit(tensor([[1]]), tensor([[1]]), {
    epochs: 3,
    verbose: 0,
    callbacks: [new ReduceLROnPlateau({ monitor: 'loss', patience: 0, minDelta: 100, factor: 0.5 })],
  });
  assert.ok(opt.learningRate < 0.1);
});

test('fit accepts nested arrays and records by input name; predict of one output is one tensor', async () => {
  const input = Input({ shape: [2], name: 'xy' });
  const model = new Model(input, new layers.Dense(1).apply(input));
  model.compile({ optimizer: 'sgd', loss: 'mae', metrics: ['mse'] });
  await model.fit(
    [
      [0, 1],
      [1, 0],
    ],
    [[1], [0]],
    { epochs: 1, verbose: 0 },
  );
  await model.fit(
    {
      xy: [
        [0, 1],
        [1, 0],
      ],
    },
    [[1], [0]],
    { epochs: 1, verbose: 0 },
  );
  const p: Tensor = model.predict(new Float32Array([1, 2, 3, 4]));
  assert.deepEqual(p.shape, [2, 1]);
});

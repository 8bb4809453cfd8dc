import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input,
  type KerasTensor,
  LambdaCallback,
  Model,
  Sequential,
  type Tensor,
  layers,
  ops,
  random,
  setSeed,
} from '../src/index.js';
import { Dataset, Sequence } from '../src/data/index.js';

function model(seed = 1): Model<KerasTensor> {
  setSeed(seed);
  const x = Input({ shape: [3] });
  const m = new Model(x, new layers.Dense(1).apply(new layers.Dense(4, { activation: 'tanh' }).apply(x)));
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
setSeed(123);
const X = random.normal([20, 3]);
const Y = random.normal([20, 1]);
const batch = (i: number, size = 4): [Tensor, Tensor] => {
  const end = Math.min(i * size + size, 20);
  return [ops.rowRange(X, i * size, end), ops.rowRange(Y, i * size, end)];
};
const weights = (m: Model) => m.getWeights().map((w) => [...w.dataSync()]);

class Batches extends Sequence<[Tensor, Tensor]> {
  ended = 0;
  readonly length = 5;
  getItem(i: number): [Tensor, Tensor] {
    return batch(i);
  }
  override onEpochEnd(): void {
    this.ended++;
  }
}

test('fit from arrays, a Dataset, a generator, an async generator and a Sequence gives identical weights', async () => {
  const fromArrays = model();
  await fromArrays.fit(X, Y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const expected = weights(fromArrays);

  const fromDataset = model();
  await fromDataset.fit(Dataset.fromTensorSlices([X, Y]).batch(4), { epochs: 2, verbose: 0 });
  assert.deepEqual(weights(fromDataset), expected);

  const fromGenerator = model();
  const gen = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 5; i++) yield batch(i);
  });
  await fromGenerator.fit(gen, { epochs: 2, verbose: 0 });
  assert.deepEqual(weights(fromGenerator), expected);

  const fromAsync = model();
  async function* batches() {
    for (let e = 0; e < 2; e++) for (let i = 0; i < 5; i++) yield batch(i);
  }
  await fromAsync.fit(batches(), { epochs: 2, stepsPerEpoch: 5, verbose: 0 });
  assert.deepEqual(weights(fromAsync), expected);

  const fromSequence = model();
  const seq = new Batches();
  const h = await fromSequence.fit(seq, { epochs: 2, shuffle: false, verbose: 0 });
  assert.deepEqual(weights(fromSequence), expected);
  assert.equal(seq.ended, 2, 'onEpochEnd after each epoch');
  assert.equal(h.history.loss.length, 2);

  const ev = await fromDataset.evaluate(Dataset.fromTensorSlices([X, Y]).batch(4), { verbose: 0 });
  assert.ok(Math.abs(Number(ev) - Number(await fromDataset.evaluate(X, Y, { verbose: 0, batchSize: 4 }))) < 1e-6);
  const preds = await fromDataset.predict(Dataset.fromTensorSlices(X).batch(6));
  assert.deepEqual([...preds.dataSync()], [...fromDataset.predict(X).dataSync()]);
});

test('stepsPerEpoch, validation on a dataset, callbacks and an unbuilt Sequential', async () => {
  const seqModel = new Sequential([new layers.Dense(2, { activation: 'relu' }), new layers.Dense(1)]);
  seqModel.compile({ optimizer: 'adam', loss: 'mse' });
  const seen: string[] = [];
  const cb = new LambdaCallback({
    onTrainBegin: () => void seen.push('begin'),
    onEpochEnd: (e) => void seen.push(`epoch${e}`),
    onTrainBatchEnd: (b) => void seen.push(`b${b}`),
    onTrainEnd: () => void seen.push('end'),
  });
  const train = Dataset.fromTensorSlices([X, Y]).shuffle(20, { seed: 1 }).batch(8).repeat();
  const h = await seqModel.fit(train, {
    epochs: 2,
    stepsPerEpoch: 2,
    validationData: Dataset.fromTensorSlices([X, Y]).batch(10),
    callbacks: [cb],
    verbose: 0,
  });
  assert.deepEqual(seen, ['begin', 'b0', 'b1', 'epoch0', 'b0', 'b1', 'epoch1', 'end']);
  assert.deepEqual(Object.keys(h.history).sort(), ['loss', 'val_loss']);
  assert.equal(seqModel.inputs[0].shape[1], 3, 'built from the first batch');
});

test('streams are refused with clear errors, and a failed call changes nothing', async () => {
  const m = model();
  const before = weights(m);
  const ds = Dataset.fromTensorSlices([X, Y]).batch(4);
  await assert.rejects(
    m.fit(ds.repeat(), { verbose: 0 }),
    /no end \(its cardinality is Infinity.*stepsPerEpoch is required/,
  );
  await assert.rejects(m.fit(ds, { batchSize: 4 } as never), /batchSize is not accepted with a dataset/);
  await assert.rejects(m.fit(ds, { validationSplit: 0.2 } as never), /validationSplit is not accepted/);
  await assert.rejects(m.fit(ds, Y as never), /holds the targets in its batches/);
  await assert.rejects(m.fit(ds.take(0), { verbose: 0 }), /fit: the data gave no batches/);
  await assert.rejects(m.evaluate(ds.repeat()), /steps is required/);
  await assert.rejects(m.predict(ds.repeat()), /steps is required/);
  await assert.rejects(
    m.fit(Dataset.fromTensorSlices(X).batch(4) as never, { verbose: 0 }),
    /the batch has no targets/,
  );
  const wrong = Dataset.fromTensorSlices([random.normal([8, 5]), random.normal([8, 1])]).batch(4);
  await assert.rejects(
    m.fit(wrong, { verbose: 0 }),
    /fit \(batch 0\): Input .* expects data of shape \(None, 3\), got \(4, 5\)/,
  );
  assert.deepEqual(weights(m), before);
});

test('a generator that throws mid-epoch stops fit with onTrainEnd run and no half-done step', async () => {
  const m = model();
  let trained: number[][] = [];
  let ended = false;
  let closed = false;
  function* failing() {
    try {
      yield batch(0);
      yield batch(1);
      throw new Error('disk gone');
    } finally {
      closed = true;
    }
  }
  const cb = new LambdaCallback({
    onTrainBatchEnd: () => void (trained = weights(m)),
    onTrainEnd: () => void (ended = true),
  });
  await assert.rejects(m.fit(failing(), { callbacks: [cb], verbose: 0 }), /disk gone/);
  assert.ok(ended, 'onTrainEnd ran');
  assert.ok(closed, 'the generator was closed');
  assert.deepEqual(weights(m), trained, 'weights as after the last whole step');
  // A model may be fitted again afterwards.
  await m.fit(Dataset.fromTensorSlices([X, Y]).batch(4), { verbose: 0 });
});

test('streaming many batches keeps the heap flat', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  const m = model();
  const rows = 4096;
  // Typed arrays live outside the JavaScript heap: count both.
  const used = () => {
    const u = process.memoryUsage();
    return u.heapUsed + u.arrayBuffers;
  };
  function* many(count: number) {
    for (let i = 0; i < count; i++) yield [random.normal([rows, 3]), random.normal([rows, 1])] as const;
  }
  await m.fit(many(10), { verbose: 0 });
  gc();
  const start = used();
  // 200 batches of 64 KB: 13 MB if any pass kept them, against a bound of 8 MB.
  await m.fit(many(200), { verbose: 0 });
  gc();
  const grown = used() - start;
  assert.ok(grown < 8 * 1024 * 1024, `memory grew by ${(grown / 1e6).toFixed(1)} MB`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Tensor, setSeed, tensor } from '../src/index.js';
import { Dataset } from '../src/data/index.js';

const rows = (n: number, w: number) =>
  tensor(Array.from({ length: n }, (_, i) => Array.from({ length: w }, (_, j) => i * w + j)));
const nums = async (ds: Dataset<Tensor>) => (await ds.toArray()).map((t) => t.arraySync());
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

test('fromTensorSlices gives rows of a tensor, of a list and of a record, with the cardinality', async () => {
  const x = rows(5, 2);
  const y = tensor([0, 1, 2, 3, 4]);
  assert.deepEqual(await nums(Dataset.fromTensorSlices(x)), x.arraySync());
  const pairs = Dataset.fromTensorSlices([x, y]);
  assert.equal(pairs.cardinality, 5);
  const got = await pairs.toArray();
  assert.deepEqual(
    got.map(([a, b]) => [a.arraySync(), b.arraySync()]),
    range(5).map((i) => [[2 * i, 2 * i + 1], i]),
  );
  const rec = await Dataset.fromTensorSlices({ image: x, label: y }).toArray();
  assert.deepEqual(rec[3].image.arraySync(), [6, 7]);
  assert.deepEqual(rec[3].label.arraySync(), 3);
  assert.throws(
    () => Dataset.fromTensorSlices([x, tensor([1, 2])]),
    /same size on axis 0.*\[0\] has 5 and \[1\] has 2/,
  );
  assert.throws(() => Dataset.fromTensorSlices([x, [1, 2]] as never), /\[1\]\[0\] of the element is number 1/);
});

test('batch, unbatch, take, skip, repeat and range match their plain-array reference', async () => {
  const ds = Dataset.range(7);
  assert.deepEqual(await nums(ds), range(7));
  assert.deepEqual(await nums(Dataset.range(2, 11, 3)), [2, 5, 8]);
  const b = ds.batch(3);
  assert.equal(b.cardinality, 3);
  assert.deepEqual(await nums(b), [[0, 1, 2], [3, 4, 5], [6]]);
  assert.deepEqual(await nums(ds.batch(3, { dropRemainder: true })), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  assert.equal(ds.batch(3, { dropRemainder: true }).cardinality, 2);
  assert.deepEqual(await nums(b.unbatch()), range(7));
  assert.deepEqual(await nums(ds.skip(2).take(3)), [2, 3, 4]);
  assert.deepEqual(await nums(ds.take(3).repeat(2)), [0, 1, 2, 0, 1, 2]);
  assert.equal(ds.repeat().cardinality, Number.POSITIVE_INFINITY);
  assert.deepEqual(await nums(ds.repeat().take(9)), [...range(7), 0, 1]);
  assert.equal(ds.skip(10).cardinality, 0);
  const x = rows(4, 3);
  const batched = await Dataset.fromTensorSlices([x, tensor([1, 2, 3, 4])])
    .batch(3)
    .toArray();
  assert.deepEqual(batched[0][0].shape, [3, 3]);
  assert.deepEqual(batched[1][0].arraySync(), [[9, 10, 11]]);
  assert.deepEqual(batched[1][1].arraySync(), [4]);
});

test('map, filter, zip, cache and prefetch match their plain-array reference', async () => {
  const ds = Dataset.range(10);
  const doubled = ds.map((t) => tensor([t.values[0] * 2]));
  assert.deepEqual(
    await nums(doubled),
    range(10).map((i) => [2 * i]),
  );
  const asyncEven = ds.filter(async (t) => t.values[0] % 2 === 0);
  assert.equal(asyncEven.cardinality, null);
  assert.deepEqual(await nums(asyncEven), [0, 2, 4, 6, 8]);
  const zipped = await Dataset.zip([ds, ds.skip(3)]).toArray();
  assert.deepEqual(
    zipped.map(([a, b]) => [a.values[0], b.values[0]]),
    range(7).map((i) => [i, i + 3]),
  );
  const rec = await Dataset.zip({ a: ds.take(2), b: ds }).toArray();
  assert.deepEqual(
    rec.map((e) => [e.a.values[0], e.b.values[0]]),
    [
      [0, 0],
      [1, 1],
    ],
  );
  let calls = 0;
  const cached = Dataset.fromGenerator(function* () {
    calls++;
    yield* range(4).map((i) => tensor([i]));
  }).cache();
  assert.deepEqual(await nums(cached), [[0], [1], [2], [3]]);
  assert.deepEqual(await nums(cached), [[0], [1], [2], [3]]);
  assert.equal(calls, 1, 'the second pass replays the cache');
  assert.deepEqual(await nums(ds.prefetch(3)), range(10));
  assert.throws(() => ds.map(3 as never), /Dataset.map: expects a function/);
  await assert.rejects(ds.map(() => [1, 2] as never).toArray(), /result for element 0/);
});

test('shuffle is a permutation, reproducible under setSeed or its own seed, and reshuffles each pass', async () => {
  const ds = Dataset.range(50);
  setSeed(7);
  const s = ds.shuffle(50);
  const first = await nums(s);
  const second = await nums(s);
  assert.deepEqual(
    [...first].sort((a, b) => Number(a) - Number(b)),
    range(50),
  );
  assert.notDeepEqual(first, range(50));
  assert.notDeepEqual(first, second, 'a new order each pass');
  setSeed(7);
  const again = ds.shuffle(50);
  assert.deepEqual(await nums(again), first);
  assert.deepEqual(await nums(again), second);
  const fixed = ds.shuffle(10, { seed: 3, reshuffleEachIteration: false });
  assert.deepEqual(await nums(fixed), await nums(fixed));
  assert.deepEqual(await nums(ds.shuffle(10, { seed: 3 })), await nums(ds.shuffle(10, { seed: 3 })));
  // A buffer of one keeps the order, as tf.data's.
  assert.deepEqual(await nums(ds.shuffle(1)), range(50));
});

test('fromGenerator takes sync and async generators; a generator object is read once', async () => {
  const sync = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 3; i++) yield tensor([i, i]);
  });
  assert.deepEqual(await nums(sync), [
    [0, 0],
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(
    await nums(sync),
    [
      [0, 0],
      [1, 1],
      [2, 2],
    ],
    'a function restarts each pass',
  );
  const asyncDs = Dataset.fromGenerator(async function* () {
    for (let i = 0; i < 3; i++) yield [tensor([i]), tensor(i * 10)] as const;
  });
  const pairs = await asyncDs.batch(2).toArray();
  assert.deepEqual(pairs[0][1].arraySync(), [0, 10]);
  const once = Dataset.fromGenerator(
    (function* () {
      yield tensor([1]);
    })(),
  );
  assert.equal((await once.toArray()).length, 1);
  await assert.rejects(once.toArray(), /already read to its end.*pass a function/);
});

test('arguments are checked with clear errors, and element mismatches name the element', async () => {
  const ds = Dataset.range(4);
  assert.throws(() => ds.batch(0), /Dataset.batch: batchSize must be a whole number ≥ 1, got number 0/);
  assert.throws(() => ds.batch(2, { drop: true } as never), /unexpected option 'drop'/);
  assert.throws(() => ds.shuffle(-1), /bufferSize must be a whole number ≥ 1/);
  assert.throws(() => ds.take(1.5), /count must be a whole number/);
  assert.throws(() => Dataset.range(0, 5, 0), /step must not be 0/);
  assert.throws(() => Dataset.zip([ds, 3] as never), /entry 1 is number 3, not a Dataset/);
  await assert.rejects(ds.repeat().toArray(), /no end/);
  const ragged = Dataset.fromGenerator(function* () {
    yield [tensor([1, 2]), tensor(1)] as const;
    yield [tensor([1, 2, 3]), tensor(1)] as const;
  });
  await assert.rejects(
    ragged.batch(2).toArray(),
    /element 1 \(at \[0\]\) has shape \(3,\) and dtype float32, but element 0 has \(2,\)/,
  );
  const dtypes = Dataset.fromGenerator(function* () {
    yield tensor([1]);
    yield tensor(new Int32Array([1]), [1], 'int32');
  });
  await assert.rejects(
    dtypes.batch(2).toArray(),
    /element 1 has shape \(1,\) and dtype int32, but element 0 has \(1,\) and float32/,
  );
});

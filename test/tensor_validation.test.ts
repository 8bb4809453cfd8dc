// Tensors are built only from well-formed shapes and numeric data: a negative dimension once made
// ops.transpose loop for ever, and a string in training data trained into NaN weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input,
  Model,
  type NestedArray,
  Tensor,
  type TypedArray,
  layers,
  ops,
  random,
  scalar,
  tensor,
  zeros,
} from '../src/index.js';

test('tensor() and new Tensor refuse negative, fractional and non-finite dimensions', () => {
  assert.throws(
    () => tensor(new Float32Array(4), [-2, -2]),
    /shape \[-2, -2\] has -2 at axis 0; every dimension must be a non-negative integer/,
  );
  for (const bad of [[1.5, 2], [Number.NaN], [Number.POSITIVE_INFINITY], [2, -1]]) {
    assert.throws(() => new Tensor(new Float32Array(4), bad), /every dimension must be a non-negative integer/);
    assert.throws(() => tensor([1, 2, 3, 4], bad), /every dimension must be a non-negative integer/);
  }
  assert.throws(() => new Tensor(new Float32Array(4), '4' as unknown as number[]), /a shape must be an array/);
  assert.throws(() => new Tensor(new Float32Array(4), ['2', 2] as unknown as number[]), /has "2" at axis 0/);
});

test('a shape whose size does not match the data is an error, whatever the source', () => {
  assert.throws(() => tensor(new Float32Array(4), [3]), /4 values do not fill shape \(3,\)/);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /3 values do not fill shape \(2, 2\)/);
  assert.throws(() => new Tensor(new Float32Array(3), [2, 2]), /needs 4 values, got 3/);
  assert.throws(() => tensor(tensor([1, 2, 3]), [2, 2]), /does not match the given tensor of shape \(3,\)/);
  assert.throws(() => ops.reshape(tensor([1, 2, 3, 4]), [1.5, 2]), /Cannot reshape/);
});

test('strings and other non-numbers inside nested arrays are refused, naming where they are', () => {
  assert.throws(
    () =>
      tensor([
        [1, 2],
        [3, '4'],
      ] as unknown as NestedArray),
    /element at \[1\]\[1\] is "4"; expected a number or a boolean/,
  );
  assert.throws(() => tensor([null, 1] as unknown as NestedArray), /element at \[0\] is null/);
  assert.throws(() => tensor([{}, 1] as unknown as NestedArray), /element at \[0\] is an object/);
  assert.throws(() => tensor('abc' as unknown as NestedArray), /element at the top level is "abc"/);
  assert.throws(
    () => tensor([new Float32Array(2), new Float32Array(2)] as unknown as NestedArray),
    /is a Float32Array/,
  );
  // Numbers (NaN included: it is a number) and booleans are data.
  assert.deepEqual(
    Array.from(
      tensor([
        [1, Number.NaN],
        [true, false],
      ]).dataSync(),
    ),
    [1, Number.NaN, 1, 0],
  );
});

test('training data with a string in it fails at fit, before a weight changes', async () => {
  const input = Input({ shape: [2] });
  const model = new Model(input, new layers.Dense(1).apply(input));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const x = [
    [1, 2],
    [3, 'four'],
  ] as unknown as NestedArray;
  await assert.rejects(model.fit(x, [[1], [2]], { epochs: 1, verbose: 0 }), /expected a number or a boolean/);
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    before,
  );
});

test('typed arrays: the three storage types are used as they are, other numeric ones converted, the rest refused', () => {
  const f64 = tensor(new Float64Array([1.5, 2.5]));
  assert.equal(f64.dtype, 'float32');
  assert.ok(f64.dataSync() instanceof Float32Array);
  assert.deepEqual(Array.from(tensor(new Int16Array([1, -2]), undefined, 'int32').dataSync()), [1, -2]);
  assert.throws(
    () => tensor(new DataView(new ArrayBuffer(8)) as unknown as TypedArray),
    /cannot read numbers from a DataView/,
  );
  assert.throws(
    () => new Tensor(new Float64Array(2) as unknown as Float32Array, [2]),
    /stores a Float32Array, Int32Array or Uint8Array, got Float64Array/,
  );
  assert.throws(
    () => new Tensor(new Float32Array(2), [2], 'int32'),
    /dtype 'int32' keeps its values in an Int32Array, got a Float32Array/,
  );
});

test('zeros, scalar and random draws check their shapes and values too', () => {
  assert.throws(() => zeros([-1]), /zeros\(\): shape \[-1\] has -1 at axis 0/);
  assert.throws(() => scalar('1' as unknown as number), /scalar\(\): the value must be a number or a boolean, got "1"/);
  assert.throws(() => random.uniform([2, 0.5]), /random.uniform: shape \[2, 0.5\] has 0.5 at axis 1/);
  assert.throws(() => random.normal([2], Number.NaN), /random.normal: mean must be a finite number, got NaN/);
  assert.throws(() => random.permutation(-1), /random.permutation: n must be a non-negative integer/);
  assert.deepEqual(zeros([2, 0]).shape, [2, 0]);
});

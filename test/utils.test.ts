import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ops, tensor, utils, valueAndGrads } from '../src/index.js';

test("toCategorical: one-hot rows as Keras's to_categorical, numClasses given or inferred", () => {
  const a = utils.toCategorical([0, 1, 2, 3], 4);
  assert.deepEqual(a.shape, [4, 4]);
  assert.equal(a.dtype, 'float32');
  assert.deepEqual(a.arraySync(), [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
  ]);
  // Inferred as the largest index + 1; a trailing axis of 1 is dropped; other axes stay.
  assert.deepEqual(utils.toCategorical([[2], [0]]).arraySync(), [
    [0, 0, 1],
    [1, 0, 0],
  ]);
  assert.deepEqual(utils.toCategorical(tensor([[1, 0]], [1, 2], 'int32'), 2).shape, [1, 2, 2]);
  assert.deepEqual(utils.toCategorical(new Int32Array([1]), 3).arraySync(), [[0, 1, 0]]);
  assert.deepEqual(utils.toCategorical(2, 3).arraySync(), [0, 0, 1]);
});

test('toCategorical refuses indices that are not classes, and bad numClasses', () => {
  assert.throws(
    () => utils.toCategorical([0, 1.5]),
    /class indices must be whole numbers ≥ 0, got 1.5 at flat position 1/,
  );
  assert.throws(() => utils.toCategorical([-1, 0]), /whole numbers ≥ 0, got -1/);
  assert.throws(() => utils.toCategorical([0, 3], 3), /class index 3 is out of range for numClasses = 3/);
  assert.throws(() => utils.toCategorical([0], 0), /numClasses must be a positive whole number, got 0/);
  assert.throws(() => utils.toCategorical([], null), /y is empty, so numClasses must be given/);
  assert.throws(
    () => utils.toCategorical('abc' as never),
    /y \(class indices\) must be a tensor, an array or a typed array/,
  );
  assert.deepEqual(utils.toCategorical([], 2).shape, [0, 2]);
});

test("padSequences: Keras's docstring examples (pre-padding and pre-truncating by default)", () => {
  const sequences = [[1], [2, 3], [4, 5, 6]];
  const padded = utils.padSequences(sequences);
  assert.equal(padded.dtype, 'int32');
  assert.deepEqual(padded.arraySync(), [
    [0, 0, 1],
    [0, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(utils.padSequences(sequences, { value: -1 }).arraySync(), [
    [-1, -1, 1],
    [-1, 2, 3],
    [4, 5, 6],
  ]);
  assert.deepEqual(utils.padSequences(sequences, { padding: 'post' }).arraySync(), [
    [1, 0, 0],
    [2, 3, 0],
    [4, 5, 6],
  ]);
  assert.deepEqual(utils.padSequences(sequences, { maxlen: 2 }).arraySync(), [
    [0, 1],
    [2, 3],
    [5, 6],
  ]);
  assert.deepEqual(utils.padSequences(sequences, { maxlen: 2, truncating: 'post', padding: 'post' }).arraySync(), [
    [1, 0],
    [2, 3],
    [4, 5],
  ]);
  const floats = utils.padSequences([new Float32Array([0.5]), []], { dtype: 'float32', maxlen: 3, value: 0.25 });
  assert.equal(floats.dtype, 'float32');
  assert.deepEqual(floats.arraySync(), [
    [0.25, 0.25, 0.5],
    [0.25, 0.25, 0.25],
  ]);
  assert.deepEqual(utils.padSequences([]).shape, [0, 0]);
});

test('padSequences validates every argument with a clear error', () => {
  assert.throws(() => utils.padSequences('abc' as never), /sequences must be an array of sequences/);
  assert.throws(() => utils.padSequences([[1], 2] as never), /sequence 1 is 2; expected an array of numbers/);
  assert.throws(() => utils.padSequences([[1, '2']] as never), /sequence 0\[1\] is "2"; expected a number/);
  assert.throws(
    () => utils.padSequences([[1.5]]),
    /sequence 0\[0\] is 1.5, which an int32 result cannot hold; pass dtype: 'float32'/,
  );
  assert.throws(() => utils.padSequences([[1]], { value: 0.5 }), /value is 0.5, which an int32 result cannot hold/);
  assert.throws(() => utils.padSequences([[1]], { maxlen: -1 }), /maxlen must be a whole number ≥ 0 or null, got -1/);
  assert.throws(
    () => utils.padSequences([[1]], { padding: 'both' as never }),
    /padding must be 'pre' or 'post', got "both"/,
  );
  assert.throws(() => utils.padSequences([[1]], { truncating: 'x' as never }), /truncating must be 'pre' or 'post'/);
  assert.throws(() => utils.padSequences([[1]], { dtype: 'float64' as never }), /dtype must be 'int32' or 'float32'/);
  assert.throws(() => utils.padSequences([[1]], { maxLen: 3 } as never), /unexpected option 'maxLen'/);
});

test('normalize divides by the norm along an axis, of any order, leaving zero vectors zero', () => {
  const x = tensor([
    [3, 4],
    [0, 0],
    [1, -1],
  ]);
  const l2 = utils.normalize(x).dataSync();
  const expected = [0.6, 0.8, 0, 0, Math.SQRT1_2, -Math.SQRT1_2];
  expected.forEach((e, i) => assert.ok(Math.abs(l2[i] - e) < 1e-6, `${i}: ${l2[i]} vs ${e}`));
  const l1 = utils.normalize(x, -1, 1).dataSync();
  [3 / 7, 4 / 7, 0, 0, 0.5, -0.5].forEach((e, i) => assert.ok(Math.abs(l1[i] - e) < 1e-6));
  // Along the first axis, with order 3: (Σ|x|³)^(1/3) per column.
  const n0 = Math.cbrt(27 + 0 + 1);
  const n1 = Math.cbrt(64 + 0 + 1);
  const l3 = utils.normalize(x, 0, 3).dataSync();
  [3 / n0, 4 / n1, 0, 0, 1 / n0, -1 / n1].forEach((e, i) => assert.ok(Math.abs(l3[i] - e) < 1e-6));
  assert.deepEqual(utils.normalize([[3, 4]]).shape, [1, 2]);
  // Built from ops: the gradient of the first coordinate of a unit vector.
  const v = tensor([[3, 4]]);
  const { grads } = valueAndGrads(() => ops.sum(ops.mul(utils.normalize(v), tensor([[1, 0]]))), [v]);
  // d(x/‖v‖)/dv = (e₀ − x·v/‖v‖²)/‖v‖ = [(1 − 9/25)/5, (−12/25)/5].
  [16 / 125, -12 / 125].forEach((e, i) => assert.ok(Math.abs(grads[0].dataSync()[i] - e) < 1e-6));
});

test('normalize refuses bad axes, orders and inputs', () => {
  const x = tensor([[1, 2]]);
  assert.throws(() => utils.normalize(x, 2), /axis must be a whole number in \[-2, 2\) for a rank-2 x, got 2/);
  assert.throws(() => utils.normalize(x, -1, 0), /order must be a whole number ≥ 1, got 0/);
  assert.throws(() => utils.normalize(x, -1, 2.5), /order must be a whole number ≥ 1/);
  assert.throws(() => utils.normalize(tensor([1], [1], 'bool')), /x must hold numbers, got a bool tensor/);
  assert.throws(() => utils.normalize({} as never), /utils.normalize: x must be a tensor, an array or a typed array/);
});

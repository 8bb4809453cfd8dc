import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, layers, tensor, zeros, type DType } from '../src/index.js';

// What a JavaScript caller can pass where TypeScript would refuse it.
const unsupported = ['float16', 'mixed_float16', 'float64', 'int8'] as unknown as DType[];

test('a dtype Dendrite does not compute in is refused, naming the ones it does', () => {
  for (const dtype of unsupported) {
    const expected = new RegExp(`dtype must be 'float32', 'int32' or 'bool', got "${dtype}"`);
    assert.throws(() => tensor([1, 2], undefined, dtype), expected);
    assert.throws(() => zeros([2], dtype), expected);
    assert.throws(() => tensor([1, 2]).cast(dtype), expected);
    assert.throws(() => Input({ shape: [3], dtype }), expected);
    assert.throws(() => new layers.Dense(2, { dtype }), expected);
  }
});

test('the supported dtypes still work everywhere', () => {
  assert.equal(tensor([1, 2], undefined, 'int32').dtype, 'int32');
  assert.equal(zeros([2], 'bool').dtype, 'bool');
  assert.equal(Input({ shape: [3], dtype: 'int32' }).dtype, 'int32');
  assert.equal(new layers.Dense(2, { dtype: 'float32' }).dtype, 'float32');
});

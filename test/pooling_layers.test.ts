import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Tensor, layers, tensor } from '../src/index.js';
import type { Layer } from '../src/layers/layer.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

const shapeOf = (layer: Layer, shape: (number | null)[]): readonly (number | null)[] =>
  layer.apply(Input({ shape })).shape;

test('pooling output shapes: strides default to the pool size; valid and same padding', () => {
  assert.deepEqual(shapeOf(new layers.MaxPooling1D(5), [null, 128]), [null, null, 128]);
  assert.deepEqual(shapeOf(new layers.MaxPooling1D(5), [196, 128]), [null, 39, 128]);
  assert.deepEqual(shapeOf(new layers.MaxPooling1D(), [9, 2]), [null, 4, 2]);
  assert.deepEqual(shapeOf(new layers.AveragePooling1D(3, { strides: 1, padding: 'same' }), [9, 2]), [null, 9, 2]);
  assert.deepEqual(shapeOf(new layers.MaxPooling2D(2, { strides: 2 }), [22, 22, 3]), [null, 11, 11, 3]);
  assert.deepEqual(shapeOf(new layers.AveragePooling2D(3, { strides: 2, padding: 'same' }), [32, 32, 64]), [
    null,
    16,
    16,
    64,
  ]);
  assert.deepEqual(shapeOf(new layers.AveragePooling2D(3, { strides: 2 }), [32, 32, 64]), [null, 15, 15, 64]);
  assert.deepEqual(shapeOf(new layers.MaxPooling2D([2, 3]), [8, 9, 1]), [null, 4, 3, 1]);
  assert.deepEqual(shapeOf(new layers.MaxPooling2D(3, { strides: 2, padding: 'same' }), [8, null, 16]), [
    null,
    4,
    null,
    16,
  ]);
  assert.equal(new layers.MaxPooling1D().name.startsWith('max_pooling1d_'), true);
  assert.equal(new layers.MaxPooling2D().countParams(), 0);
});

test('pooling values: max, and averages over the valid part of a same-padded window (TensorFlow)', () => {
  const x = tensor([[[1], [5], [2], [8], [3]]]);
  assert.deepEqual(Array.from(new layers.MaxPooling1D(2).apply(x).values), [5, 8]);
  assert.deepEqual(Array.from(new layers.MaxPooling1D(2, { padding: 'same' }).apply(x).values), [5, 8, 3]);
  assert.deepEqual(Array.from(new layers.AveragePooling1D(2, { padding: 'same' }).apply(x).values), [3, 5, 3]);
  const img = tensor([
    [
      [[1], [2], [3]],
      [[4], [5], [6]],
      [[7], [8], [9]],
    ],
  ]);
  const avg = new layers.AveragePooling2D(2, { strides: 2, padding: 'same' }).apply(img);
  assert.deepEqual(avg.shape, [1, 2, 2, 1]);
  assert.deepEqual(Array.from(avg.values), [3, 4.5, 7.5, 9]);
});

test('global pooling: shapes with and without keepdims, values, masked average', () => {
  assert.deepEqual(shapeOf(new layers.GlobalMaxPooling1D(), [null, 256]), [null, 256]);
  assert.deepEqual(shapeOf(new layers.GlobalAveragePooling1D({ keepdims: true }), [7, 4]), [null, 1, 4]);
  assert.deepEqual(shapeOf(new layers.GlobalAveragePooling2D(), [6, 6, 32]), [null, 32]);
  assert.deepEqual(shapeOf(new layers.GlobalMaxPooling2D({ keepdims: true }), [null, null, 3]), [null, 1, 1, 3]);
  const x = tensor([
    [
      [1, -1],
      [4, 2],
      [1, 3],
    ],
  ]);
  assert.deepEqual(Array.from(new layers.GlobalMaxPooling1D().apply(x).values), [4, 3]);
  assert.deepEqual(Array.from(new layers.GlobalAveragePooling1D().apply(x).values), [2, Math.fround(4 / 3)]);
  const img = tensor([
    [
      [
        [1, 0],
        [2, 1],
      ],
      [
        [3, 5],
        [4, 2],
      ],
    ],
  ]);
  assert.deepEqual(Array.from(new layers.GlobalAveragePooling2D().apply(img).values), [2.5, 2]);
  assert.deepEqual(Array.from(new layers.GlobalMaxPooling2D().apply(img).values), [4, 5]);
  assert.deepEqual(new layers.GlobalMaxPooling2D({ keepdims: true }).apply(img).shape, [1, 1, 1, 2]);
  // Embedding(maskZero) masks: only the real steps count.
  const gap = new layers.GlobalAveragePooling1D();
  const mask = tensor(new Uint8Array([1, 1, 0]), [1, 3], 'bool');
  assert.deepEqual(Array.from(gap.invoke([x], { training: false, masks: [mask] })[0].values), [2.5, 0.5]);
  assert.equal(gap.computeMask([x], [mask]), null);
});

/** Distinct values at least 0.05 apart, so that no max-pooling window has a near tie the finite differences would cross. */
function spread(shape: number[], seed: number): Tensor {
  const n = shape.reduce((p, d) => p * d, 1);
  const order = Array.from(randTensor([n], seed).values, (v, i) => [v, i]).sort((a, b) => a[0] - b[0]);
  const values = new Float32Array(n);
  order.forEach(([, i], rank) => (values[i] = (rank - n / 2) * 0.05));
  return new Tensor(values, shape, 'float32');
}

test('pooling gradients match finite differences', () => {
  const x4 = spread([2, 5, 6, 3], 21);
  checkLayerGradients(new layers.MaxPooling2D(2, { padding: 'same' }), [x4]);
  checkLayerGradients(new layers.AveragePooling2D(3, { strides: 2, padding: 'same' }), [x4]);
  const x3 = spread([2, 7, 3], 22);
  checkLayerGradients(new layers.MaxPooling1D(3, { strides: 2 }), [x3]);
  checkLayerGradients(new layers.AveragePooling1D(2), [x3]);
  checkLayerGradients(new layers.GlobalMaxPooling1D(), [x3]);
  checkLayerGradients(new layers.GlobalAveragePooling1D(), [x3]);
  checkLayerGradients(new layers.GlobalMaxPooling2D(), [x4]);
  checkLayerGradients(new layers.GlobalAveragePooling2D({ keepdims: true }), [x4]);
});

test('a pool window larger than its input fails at apply time, naming the layer, the length and the window', () => {
  assert.throws(
    () => new layers.MaxPooling1D(5, { name: 'pool_a' }).apply(Input({ shape: [3, 8] })),
    (e: Error) => {
      assert.equal(e.name, 'WindowTooLargeError');
      assert.match(
        e.message,
        /MaxPooling1D layer 'pool_a' cannot fit its window of 5 on the steps axis of an input of length 3/,
      );
      assert.doesNotMatch(e.message, /-\d/);
      return true;
    },
  );
  assert.throws(
    () => new layers.AveragePooling2D(3).apply(Input({ shape: [8, 2, 1] })),
    /window of 3 on the width axis of an input of length 2/,
  );
  assert.throws(() => new layers.MaxPooling1D(4).apply(randTensor([1, 3, 2], 1)), /length 3/);
  assert.throws(() => new layers.GlobalMaxPooling1D().apply(randTensor([1, 0, 2], 1)), /length 0/);
  assert.throws(() => new layers.MaxPooling2D(2).apply(Input({ shape: [8, 8] })), /expects inputs of rank 4/);
});

test("unknown options are TypeErrors (the notebook's AveragePooling2D(3, strides=2, activation=...))", () => {
  const js = (o: object): Record<string, never> => o as Record<string, never>;
  assert.throws(() => new layers.AveragePooling2D(3, js({ strides: 2, activation: 'relu' })), {
    name: 'TypeError',
    message: /^AveragePooling2D got an unexpected option 'activation'/,
  });
  // @ts-expect-error: and TypeScript rejects it at compile time.
  assert.throws(() => new layers.AveragePooling2D(3, { strides: 2, activation: 'relu' }), TypeError);
  assert.throws(() => new layers.MaxPooling1D(2, js({ poolSize: 3 })), {
    name: 'TypeError',
    message: /^MaxPooling1D got an unexpected option 'poolSize'/,
  });
  assert.throws(() => new layers.GlobalAveragePooling2D(js({ padding: 'same' })), {
    name: 'TypeError',
    message: /^GlobalAveragePooling2D got an unexpected option 'padding'/,
  });
  assert.throws(() => new layers.MaxPooling2D(2, js({ padding: 'causal' })), /padding must be one of 'valid', 'same'/);
});

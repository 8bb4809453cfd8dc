import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, KerasTensor, Tensor, layers, tensor } from '../src/index.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

type Shape = (number | null)[];
const inputs = (...shapes: Shape[]): KerasTensor[] => shapes.map((shape) => Input({ shape }));
const close = (actual: Tensor, expected: number[], tol = 1e-5): void => {
  assert.equal(actual.size, expected.length);
  expected.forEach((e, i) =>
    assert.ok(Math.abs(actual.values[i] - e) <= tol, `element ${i}: ${actual.values[i]} vs ${e}`),
  );
};

test('elementwise merges: symbolic shapes, broadcasting over 1s, lower ranks and unknown sizes', () => {
  const sum = layers.add(inputs([11, 11, 3], [11, 11, 3]));
  assert.ok(sum instanceof KerasTensor);
  assert.deepEqual(sum.shape, [null, 11, 11, 3]);
  assert.equal(sum.sourceLayer.className, 'Add');
  assert.deepEqual(layers.multiply(inputs([1, 5], [4, 5])).shape, [null, 4, 5]);
  assert.deepEqual(layers.maximum(inputs([5], [4, 5])).shape, [null, 4, 5]);
  assert.deepEqual(layers.average(inputs([null, 5], [3, 5], [3, 1])).shape, [null, null, 5]);
  assert.deepEqual(layers.subtract(inputs([7], [7])).shape, [null, 7]);
  assert.deepEqual(layers.minimum(inputs([2, 7], [2, 7])).shape, [null, 2, 7]);
  assert.deepEqual(new layers.Add().apply([Input({ batchShape: [4, 3] }), Input({ shape: [3] })]).shape, [4, 3]);
});

test('elementwise merges compute Keras values, with lower-rank inputs broadcast along the steps', () => {
  const a = tensor([
    [1, -2, 3],
    [4, 5, -6],
  ]);
  const b = tensor([
    [2, 2, 2],
    [-1, 7, 0],
  ]);
  close(layers.add([a, b]), [3, 0, 5, 3, 12, -6]);
  close(layers.subtract([a, b]), [-1, -4, 1, 5, -2, -6]);
  close(layers.multiply([a, b]), [2, -4, 6, -4, 35, -0]);
  close(layers.average([a, b, b]), [5 / 3, 2 / 3, 7 / 3, 2 / 3, 19 / 3, -2]);
  close(layers.maximum([a, b]), [2, 2, 3, 4, 7, 0]);
  close(layers.minimum([a, b]), [1, -2, 2, -1, 5, -6]);
  // [b, 3] with [b, 2, 3]: the first is broadcast over axis 1 (Keras inserts axes after the batch).
  const seq = tensor([
    [
      [1, 1, 1],
      [2, 2, 2],
    ],
    [
      [0, 0, 0],
      [1, 1, 1],
    ],
  ]);
  const y = layers.add([a, seq]);
  assert.deepEqual(y.shape, [2, 2, 3]);
  close(y, [2, -1, 4, 3, 0, 5, 4, 5, -6, 5, 6, -5]);
});

test('merge gradients match finite differences', () => {
  const a = randTensor([2, 3, 4], 41);
  const b = randTensor([2, 3, 4], 42);
  const c = randTensor([2, 1, 4], 43);
  for (const layer of [
    new layers.Add(),
    new layers.Multiply(),
    new layers.Average(),
    new layers.Maximum(),
    new layers.Minimum(),
  ]) {
    checkGradients((xs) => layer.invoke(xs, { training: false })[0], [a, b, c]);
  }
  const sub = new layers.Subtract();
  checkGradients((xs) => sub.invoke(xs, { training: false })[0], [a, randTensor([2, 4], 44)]);
  const cat = new layers.Concatenate({ axis: 1 });
  checkGradients((xs) => cat.invoke(xs, { training: false })[0], [a, randTensor([2, 2, 4], 45)]);
});

test('merge inputs whose shapes disagree: an apply-time error listing every shape', () => {
  const [p, q, r] = inputs([11, 11, 3], [11, 11, 3], [12, 12, 3]);
  assert.throws(
    () => layers.add([p, q, r], { name: 'residual_sum' }),
    (e: Error) => {
      assert.match(
        e.message,
        /Add layer 'residual_sum' cannot merge inputs of shapes \(None, 11, 11, 3\), \(None, 11, 11, 3\), \(None, 12, 12, 3\)/,
      );
      return true;
    },
  );
  assert.throws(() => layers.multiply(inputs([4], [5])), /Multiply layer .* shapes \(None, 4\), \(None, 5\)/);
  assert.throws(
    () => layers.add([randTensor([2, 3], 1), randTensor([3, 3], 2)]),
    /different batch sizes: shapes \(2, 3\), \(3, 3\)/,
  );
  assert.throws(() => layers.subtract(inputs([3], [3], [3])), /Subtract layer .* exactly 2 inputs, got 3/);
  assert.throws(() => layers.add(inputs([3])), /Add layer .* at least 2 inputs, got 1/);
  assert.throws(() => new layers.Add(JSON.parse('{"axis": 1}')), {
    name: 'TypeError',
    message: /^Add got an unexpected option 'axis'/,
  });
});

test('Concatenate: shapes along any axis, values, and clear errors for a wrong axis', () => {
  assert.deepEqual(layers.concatenate(inputs([16, 16, 128], [16, 16, 128], [16, 16, 64]), { axis: -1 }).shape, [
    null,
    16,
    16,
    320,
  ]);
  assert.deepEqual(layers.concatenate(inputs([32], [16])).shape, [null, 48]);
  assert.deepEqual(layers.concatenate(inputs([null, 4], [3, 4]), { axis: 1 }).shape, [null, null, 4]);
  assert.deepEqual(layers.concatenate(inputs([null, 4], [3, 4])).shape, [null, 3, 8]);
  const y = layers.concatenate([tensor([[1, 2]]), tensor([[3]])]);
  assert.deepEqual(Array.from(y.values), [1, 2, 3]);
  // The notebook's Inception with 'valid' branches: sizes differ on the spatial axes.
  assert.throws(
    () => layers.concatenate(inputs([16, 16, 128], [15, 15, 128]), { axis: -1, name: 'inception_out' }),
    (e: Error) => {
      assert.match(
        e.message,
        /Concatenate layer 'inception_out' joins along axis -1, so its inputs must agree on every other axis, but shapes \(None, 16, 16, 128\), \(None, 15, 15, 128\) differ on axis 1 and 2/,
      );
      return true;
    },
  );
  assert.throws(
    () => layers.concatenate(inputs([4, 3], [4, 3]), { axis: 3 }),
    /axis 3 is out of range for inputs of rank 3 .* use an axis from -3 to 2/,
  );
  assert.throws(
    () => layers.concatenate(inputs([4, 3], [3])),
    /needs inputs of the same rank, got shapes \(None, 4, 3\), \(None, 3\)/,
  );
  const js = (o: object): Record<string, never> => o as Record<string, never>;
  assert.throws(() => new layers.Concatenate(js({ axes: 1 })), {
    name: 'TypeError',
    message: /^Concatenate got an unexpected option 'axes'/,
  });
});

test('merge masks: elementwise merges OR them; Concatenate joins them along the steps', () => {
  const m1 = tensor(new Uint8Array([1, 0, 0]), [1, 3], 'bool');
  const m2 = tensor(new Uint8Array([1, 1, 0]), [1, 3], 'bool');
  const x = randTensor([1, 3, 2], 1);
  const orMask = new layers.Add().computeMask([x, x], [m1, m2]);
  assert.deepEqual(Array.from(orMask![0]!.values), [1, 1, 0]);
  assert.equal(new layers.Add().computeMask([x, x], [m1, null]), null);
  const steps = new layers.Concatenate({ axis: 1 }).computeMask([x, x], [m1, null]);
  assert.deepEqual(Array.from(steps![0]!.values), [1, 0, 0, 1, 1, 1]);
  const features = new layers.Concatenate().computeMask([x, x], [m1, m2]);
  assert.deepEqual(Array.from(features![0]!.values), [1, 1, 0]);
});

test('Dot: Keras batch_dot shapes and values, normalize gives cosine similarity, gradients', () => {
  assert.deepEqual(layers.dot(inputs([8], [8]), { axes: 1 }).shape, [null, 1]);
  assert.deepEqual(layers.dot(inputs([3, 5], [10, 3]), { axes: [1, 2] }).shape, [null, 5, 10]);
  assert.deepEqual(layers.dot(inputs([20], [30, 20]), { axes: [1, 2] }).shape, [null, 30]);
  assert.deepEqual(new layers.Dot(-1).apply(inputs([4, 6], [5, 6])).shape, [null, 4, 5]);
  // Keras's docstring example.
  const x = new Tensor(
    Float32Array.from({ length: 10 }, (_, i) => i),
    [1, 5, 2],
  );
  const y = new Tensor(
    Float32Array.from({ length: 10 }, (_, i) => 10 + i),
    [1, 2, 5],
  );
  close(new layers.Dot([1, 2]).apply([x, y]), [260, 360, 320, 445]);
  const cos = layers.dot(
    [
      tensor([
        [1, 2, 3],
        [0, 1, 0],
      ]),
      tensor([
        [2, 0, 1],
        [0, 3, 4],
      ]),
    ],
    { axes: 1, normalize: true },
  );
  assert.deepEqual(cos.shape, [2, 1]);
  close(cos, [0.5976143, 0.6]);
  for (const layer of [new layers.Dot([1, 2]), new layers.Dot([2, 1], { normalize: true })]) {
    checkGradients(
      (xs) => layer.invoke(xs, { training: false })[0],
      [randTensor([2, 3, 4], 46), randTensor([2, 4, 3], 47)],
    );
  }
  assert.throws(
    () => layers.dot(inputs([4], [5]), { axes: 1 }),
    /cannot take the dot product of axis 1 of size 4 with axis 1 of size 5/,
  );
  assert.throws(() => new layers.Dot(0).apply(inputs([4], [4])), /axis 0 is not a non-batch axis/);
  assert.throws(() => layers.dot(inputs([4], [4], [4])), /exactly 2 inputs, got 3/);
});

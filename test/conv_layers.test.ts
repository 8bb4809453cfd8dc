import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/ops/index.js';
import { Input, layers, tensor } from '../src/index.js';
import type { Layer } from '../src/layers/layer.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

const shapeOf = (layer: Layer, shape: (number | null)[]): readonly (number | null)[] =>
  layer.apply(Input({ shape })).shape;

test('Conv2D: output shapes, Keras weight shapes and the notebook parameter counts', () => {
  const c5 = new layers.Conv2D(3, 5, { activation: 'relu' });
  assert.deepEqual(shapeOf(c5, [32, 32, 3]), [null, 28, 28, 3]);
  assert.equal(c5.countParams(), 228);
  assert.deepEqual(
    c5.weights.map((w) => [w.path, w.shape]),
    [
      [`${c5.name}/kernel`, [5, 5, 3, 3]],
      [`${c5.name}/bias`, [3]],
    ],
  );
  const c3 = new layers.Conv2D(3, 3, { activation: 'relu' });
  assert.deepEqual(shapeOf(c3, [24, 24, 3]), [null, 22, 22, 3]);
  assert.equal(c3.countParams(), 84);
  assert.deepEqual(shapeOf(new layers.Conv2D(3, 5, { padding: 'same' }), [32, 32, 3]), [null, 32, 32, 3]);
  assert.deepEqual(shapeOf(new layers.Conv2D(3, 1, { strides: 3 }), [32, 32, 3]), [null, 11, 11, 3]);
  assert.deepEqual(shapeOf(new layers.Conv2D(128, 3, { strides: 2, padding: 'same' }), [32, 32, 64]), [
    null,
    16,
    16,
    128,
  ]);
  assert.deepEqual(shapeOf(new layers.Conv2D(4, [3, 2], { dilationRate: 2 }), [9, 9, 2]), [null, 5, 7, 4]);
  assert.deepEqual(shapeOf(new layers.Conv2D(4, 3), [null, 10, 2]), [null, null, 8, 4]);
  const grouped = new layers.Conv2D(6, 3, { groups: 2, useBias: false });
  assert.deepEqual(shapeOf(grouped, [8, 8, 4]), [null, 6, 6, 6]);
  assert.deepEqual(
    grouped.weights.map((w) => w.shape),
    [[3, 3, 2, 6]],
  );
  assert.equal(new layers.Conv2D(3, 3).name.startsWith('conv2d_'), true);
});

test('Conv1D: shapes for valid, same, causal, strides and dilation; kernel [k, in, out]', () => {
  const c = new layers.Conv1D(128, 5, { activation: 'relu' });
  assert.deepEqual(shapeOf(c, [null, 256]), [null, null, 128]);
  assert.deepEqual(
    c.weights.map((w) => w.shape),
    [[5, 256, 128], [128]],
  );
  assert.equal(c.countParams(), 163968); // the notebook's conv1d_16
  assert.deepEqual(shapeOf(new layers.Conv1D(2, 5), [200, 3]), [null, 196, 2]);
  assert.deepEqual(shapeOf(new layers.Conv1D(2, 5, { padding: 'same', strides: 2 }), [9, 3]), [null, 5, 2]);
  assert.deepEqual(shapeOf(new layers.Conv1D(2, 3, { padding: 'causal', dilationRate: 2 }), [9, 3]), [null, 9, 2]);
  assert.deepEqual(shapeOf(new layers.Conv1D(2, 3, { strides: 2 }), [10, 3]), [null, 4, 2]);
});

test('eager calls give the symbolic shapes, and Conv1D equals Conv2D of height 1', () => {
  const c = new layers.Conv1D(4, 3, { strides: 2, padding: 'same' });
  const y = c.apply(randTensor([2, 9, 3], 1));
  assert.deepEqual(y.shape, [2, 5, 4]);
  const c2 = new layers.Conv2D(4, [1, 3], { strides: [1, 2], padding: 'same' });
  c2.apply(Input({ shape: [1, 9, 3] }));
  c2.setWeights([ops.reshape(c.getWeights()[0], [1, 3, 3, 4]), c.getWeights()[1]]);
  const y2 = c2.apply(ops.reshape(randTensor([2, 9, 3], 1), [2, 1, 9, 3]));
  assert.deepEqual(Array.from(y2.values), Array.from(y.values));
});

test('causal Conv1D: step t depends only on steps up to t', () => {
  const c = new layers.Conv1D(1, 3, { padding: 'causal', useBias: false, kernelInitializer: 'ones' });
  const y = c.apply(tensor([[[1], [2], [3], [4]]]));
  assert.deepEqual(Array.from(y.values), [1, 3, 6, 9]);
});

test('convolution gradients (input, kernel, bias) match finite differences', () => {
  const c2 = new layers.Conv2D(3, 3, { strides: 2, padding: 'same', activation: 'tanh' });
  c2.apply(Input({ shape: [5, 6, 2] }));
  checkLayerGradients(c2, [randTensor([2, 5, 6, 2], 2)]);
  const grouped = new layers.Conv2D(4, 2, { groups: 2, dilationRate: 2 });
  grouped.apply(Input({ shape: [5, 5, 4] }));
  checkLayerGradients(grouped, [randTensor([1, 5, 5, 4], 3)]);
  const c1 = new layers.Conv1D(3, 3, { padding: 'causal', dilationRate: 2 });
  c1.apply(Input({ shape: [7, 2] }));
  checkLayerGradients(c1, [randTensor([2, 7, 2], 4)]);
});

test('SeparableConv2D and SeparableConv1D: Keras weights, shapes, parameter counts and gradients', () => {
  const s = new layers.SeparableConv2D(16, 3, { padding: 'same', useBias: false });
  assert.deepEqual(shapeOf(s, [7, 7, 8]), [null, 7, 7, 16]);
  assert.deepEqual(
    s.weights.map((w) => [w.name, w.shape]),
    [
      ['depthwise_kernel', [3, 3, 8, 1]],
      ['pointwise_kernel', [1, 1, 8, 16]],
    ],
  );
  assert.equal(s.countParams(), 200);
  const s2 = new layers.SeparableConv2D(4, 3, { depthMultiplier: 2, strides: 2 });
  assert.deepEqual(shapeOf(s2, [7, 7, 3]), [null, 3, 3, 4]);
  assert.deepEqual(
    s2.weights.map((w) => [w.name, w.shape]),
    [
      ['depthwise_kernel', [3, 3, 3, 2]],
      ['pointwise_kernel', [1, 1, 6, 4]],
      ['bias', [4]],
    ],
  );
  checkLayerGradients(s2, [randTensor([2, 7, 7, 3], 5)]);
  const s1 = new layers.SeparableConv1D(4, 3, { depthMultiplier: 2, padding: 'same', activation: 'tanh' });
  assert.deepEqual(shapeOf(s1, [6, 3]), [null, 6, 4]);
  assert.deepEqual(
    s1.weights.map((w) => w.shape),
    [[3, 3, 2], [1, 6, 4], [4]],
  );
  checkLayerGradients(s1, [randTensor([2, 6, 3], 6)]);
});

test('DepthwiseConv2D: kernel [kh, kw, in, multiplier], bias [in · multiplier], gradients', () => {
  const d = new layers.DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same' });
  assert.deepEqual(shapeOf(d, [5, 5, 3]), [null, 5, 5, 6]);
  assert.deepEqual(
    d.weights.map((w) => [w.name, w.shape]),
    [
      ['kernel', [3, 3, 3, 2]],
      ['bias', [6]],
    ],
  );
  checkLayerGradients(d, [randTensor([2, 5, 5, 3], 7)]);
  const d1 = new layers.DepthwiseConv1D(2, { dilationRate: 2 });
  assert.deepEqual(shapeOf(d1, [6, 3]), [null, 4, 3]);
});

test('Conv2DTranspose: Keras output lengths, kernel [kh, kw, filters, in], adjoint of Conv2D, gradients', () => {
  const t = new layers.Conv2DTranspose(4, 3, { strides: 2 });
  assert.deepEqual(shapeOf(t, [5, 5, 3]), [null, 11, 11, 4]);
  assert.deepEqual(
    t.weights.map((w) => [w.name, w.shape]),
    [
      ['kernel', [3, 3, 4, 3]],
      ['bias', [4]],
    ],
  );
  assert.deepEqual(shapeOf(new layers.Conv2DTranspose(4, 3, { strides: 2, padding: 'same' }), [5, 5, 3]), [
    null,
    10,
    10,
    4,
  ]);
  assert.deepEqual(shapeOf(new layers.Conv2DTranspose(4, 2, { strides: 3 }), [5, 5, 3]), [null, 15, 15, 4]);
  assert.deepEqual(shapeOf(new layers.Conv2DTranspose(4, 3, { strides: 2, outputPadding: 1 }), [5, 5, 3]), [
    null,
    12,
    12,
    4,
  ]);
  assert.deepEqual(
    shapeOf(new layers.Conv2DTranspose(4, 3, { strides: 2, padding: 'same', outputPadding: 0 }), [5, 5, 3]),
    [null, 9, 9, 4],
  );
  assert.deepEqual(shapeOf(new layers.Conv2DTranspose(2, 3), [null, 4, 1]), [null, null, 6, 2]);

  // <convT(x), y> = <x, conv(y)> for the same kernel: the transpose is the adjoint.
  const k = randTensor([3, 3, 4, 3], 8);
  const x = randTensor([2, 5, 5, 3], 9);
  const y = randTensor([2, 11, 11, 4], 10);
  const tx = ops.conv2dTranspose(x, k, null, { strides: [2, 2] });
  const cy = ops.conv2d(y, k, null, { strides: [2, 2] });
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  assert.ok(Math.abs(dot(tx.values, y.values) - dot(x.values, cy.values)) < 1e-3);

  const same = new layers.Conv2DTranspose(2, 3, { strides: 2, padding: 'same', activation: 'tanh' });
  same.apply(Input({ shape: [3, 4, 3] }));
  checkLayerGradients(same, [randTensor([2, 3, 4, 3], 11)]);
  const t1 = new layers.Conv1DTranspose(2, 3, { strides: 2 });
  assert.deepEqual(shapeOf(t1, [4, 3]), [null, 9, 2]);
  checkLayerGradients(t1, [randTensor([2, 4, 3], 12)]);
});

test('a window larger than its input is an apply-time error naming the layer, the length and the window', () => {
  const conv = new layers.Conv2D(3, 5, { name: 'too_big' });
  assert.throws(
    () => conv.apply(Input({ shape: [4, 8, 3] })),
    (e: Error) => {
      assert.equal(e.name, 'WindowTooLargeError');
      assert.match(e.message, /Conv2D layer 'too_big'/);
      assert.match(e.message, /window of 5 on the height axis of an input of length 4/);
      return true;
    },
  );
  assert.throws(
    () => new layers.Conv1D(2, 3, { dilationRate: 3 }).apply(Input({ shape: [6, 2] })),
    /window of 7 \(kernel 3, dilation 3\) on the steps axis of an input of length 6/,
  );
  assert.throws(() => new layers.SeparableConv2D(2, 3).apply(Input({ shape: [2, 9, 2] })), /length 2/);
  assert.throws(() => new layers.Conv1D(2, 5).apply(randTensor([1, 4, 2], 1)), /length 4/);
  // 'same' padding and unknown lengths never fail.
  assert.deepEqual(shapeOf(new layers.Conv2D(3, 5, { padding: 'same' }), [2, 2, 3]), [null, 2, 2, 3]);
  assert.deepEqual(shapeOf(new layers.Conv1D(3, 5), [null, 3]), [null, null, 3]);
});

test('bad arguments and inputs give clear errors', () => {
  assert.throws(
    () => new layers.Conv2D(3, 3).apply(Input({ shape: [8, 3] })),
    /Conv2D layer '.*' expects inputs of rank 4/,
  );
  assert.throws(() => new layers.Conv2D(3, 3).apply(Input({ shape: [8, 8, null] })), /known number of channels/);
  assert.throws(() => new layers.Conv2D(4, 3, { groups: 3 }), /groups must be a positive integer dividing filters/);
  assert.throws(
    () => new layers.Conv2D(4, 3, { groups: 2 }).apply(Input({ shape: [8, 8, 3] })),
    /not divisible by groups/,
  );
  assert.throws(
    () => new layers.Conv2D(4, 3, { strides: 2, dilationRate: 2 }),
    /strides > 1 cannot be combined with dilationRate > 1/,
  );
  assert.throws(() => new layers.Conv2D(0, 3), /filters must be a positive integer/);
  assert.throws(() => new layers.Conv2D(4, [3, 0]), /kernelSize must be a positive integer/);
  assert.throws(
    () => new layers.Conv2DTranspose(4, 3, { strides: 2, outputPadding: 2 }),
    /outputPadding must be less than strides/,
  );
  assert.throws(
    () =>
      new layers.Conv2DTranspose(4, 2, { strides: 2, padding: 'same', outputPadding: 0 }).apply(
        Input({ shape: [5, 5, 3] }),
      ),
    /choose another outputPadding/,
  );
  const built = new layers.Conv2D(2, 3);
  built.apply(Input({ shape: [8, 8, 3] }));
  assert.throws(() => built.apply(Input({ shape: [8, 8, 4] })), /was built for 3 input channels/);
});

test('unknown options are TypeErrors naming the option', () => {
  const js = (o: object): Record<string, never> => o as Record<string, never>;
  assert.throws(() => new layers.Conv2D(3, 3, js({ poolSize: 2 })), {
    name: 'TypeError',
    message: /^Conv2D got an unexpected option 'poolSize'/,
  });
  assert.throws(() => new layers.Conv1D(3, 3, js({ kernel_size: 2 })), {
    name: 'TypeError',
    message: /^Conv1D got an unexpected option 'kernel_size'/,
  });
  assert.throws(() => new layers.SeparableConv2D(3, 3, js({ groups: 2 })), {
    name: 'TypeError',
    message: /^SeparableConv2D got an unexpected option 'groups'/,
  });
  assert.throws(() => new layers.DepthwiseConv2D(3, js({ pointwiseInitializer: 'zeros' })), {
    name: 'TypeError',
    message: /^DepthwiseConv2D got an unexpected option 'pointwiseInitializer'/,
  });
  assert.throws(() => new layers.Conv2DTranspose(3, 3, js({ groups: 2 })), {
    name: 'TypeError',
    message: /^Conv2DTranspose got an unexpected option 'groups'/,
  });
  assert.throws(() => new layers.Conv2D(3, 3, js({ dataFormat: 'channels_first' })), /only dataFormat 'channels_last'/);
  // @ts-expect-error: TypeScript rejects unknown options at compile time too.
  assert.throws(() => new layers.Conv2D(3, 3, { poolSize: 2 }), TypeError);
});

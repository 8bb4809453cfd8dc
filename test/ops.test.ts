import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/ops/index.js';
import { tensor } from '../src/tensor/tensor.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

test('broadcasting add/sub/mul/div gradients reduce back to operand shapes', () => {
  const a = randTensor([3, 4], 1);
  const b = randTensor([4], 2, 0.5, 1.5);
  checkGradients(([x, y]) => ops.add(x, y), [a, b]);
  checkGradients(([x, y]) => ops.sub(x, y), [a, b]);
  checkGradients(([x, y]) => ops.mul(x, y), [a, b]);
  checkGradients(([x, y]) => ops.div(x, y), [a, b]);
  checkGradients(([x, y]) => ops.mul(x, y), [randTensor([2, 1, 3], 3), randTensor([4, 1], 4)]);
});

test('maximum/minimum/pow gradients', () => {
  checkGradients(([x, y]) => ops.maximum(x, y), [randTensor([5, 3], 5), randTensor([5, 3], 6)]);
  checkGradients(([x, y]) => ops.minimum(x, y), [randTensor([5, 3], 7), randTensor([3], 8)]);
  checkGradients(([x, y]) => ops.pow(x, y), [randTensor([4], 9, 0.5, 2), randTensor([4], 10, 0.5, 2)]);
});

test('unary op gradients', () => {
  const ops1 = [
    'exp',
    'tanh',
    'sigmoid',
    'softplus',
    'softsign',
    'swish',
    'gelu',
    'geluTanh',
    'elu',
    'selu',
    'square',
    'sin',
    'cos',
  ] as const;
  for (const op of ops1) checkGradients(([x]) => ops.unary(op, x, 1), [randTensor([3, 5], 11)]);
  checkGradients(([x]) => ops.unary('log', x), [randTensor([6], 12, 0.5, 2)]);
  checkGradients(([x]) => ops.unary('sqrt', x), [randTensor([6], 13, 0.5, 2)]);
  // Kinked functions: keep points away from the kink.
  checkGradients(([x]) => ops.unary('relu', x), [tensor([-0.7, -0.2, 0.3, 0.9])]);
  checkGradients(([x]) => ops.unary('leakyRelu', x, 0.2), [tensor([-0.7, -0.2, 0.3, 0.9])]);
  checkGradients(([x]) => ops.unary('abs', x), [tensor([-0.7, -0.2, 0.3, 0.9])]);
  checkGradients(([x]) => ops.unary('hardSigmoid', x), [tensor([-0.7, -0.2, 0.3, 0.9])]);
  checkGradients(([x]) => ops.clip(x, -0.5, 0.5), [tensor([-0.7, -0.2, 0.3, 0.9])]);
});

test('reductions and shape ops gradients', () => {
  const x = randTensor([2, 3, 4], 14);
  checkGradients(([t]) => ops.sum(t, 1), [x]);
  checkGradients(([t]) => ops.sum(t, [0, 2], true), [x]);
  checkGradients(([t]) => ops.mean(t, -1), [x]);
  checkGradients(([t]) => ops.max(t, 1), [x]);
  checkGradients(([t]) => ops.transpose(t, [2, 0, 1]), [x]);
  checkGradients(([t]) => ops.reshape(t, [6, 4]), [x]);
  checkGradients(([t]) => ops.sliceAxis(t, 2, 1, 2), [x]);
  checkGradients(([t, u]) => ops.concat([t, u], 1), [x, randTensor([2, 2, 4], 15)]);
  checkGradients(([t]) => ops.repeatAlong(t, 1, 2), [x]);
  checkGradients(([t]) => ops.broadcastTo(t, [3, 2, 4]), [randTensor([2, 1], 16)]);
});

test('matmul gradients for every transpose combination, with fused bias and activations', () => {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = randTensor(ta ? [4, 3] : [3, 4], 17);
      const b = randTensor(tb ? [5, 4] : [4, 5], 18);
      checkGradients(([x, y]) => ops.matMul(x, y, { transposeA: ta, transposeB: tb }), [a, b]);
    }
  }
  for (const act of ['linear', 'tanh', 'sigmoid'] as const) {
    checkGradients(
      ([x, w, b]) => ops.matMul(x, w, { bias: b, activation: act }),
      [randTensor([3, 4], 19), randTensor([4, 2], 20), randTensor([2], 21)],
    );
  }
  checkGradients(([x, w]) => ops.dense(x, w, null, 'linear'), [randTensor([2, 3, 4], 22), randTensor([4, 2], 23)]);
  checkGradients(
    ([x, y]) => ops.batchMatMul(x, y, false, true),
    [randTensor([2, 3, 4], 24), randTensor([2, 5, 4], 25)],
  );
});

test('softmax, cross-entropy from logits and gather gradients', () => {
  const logits = randTensor([3, 5], 26, -2, 2);
  checkGradients(([z]) => ops.softmax(z), [logits]);
  checkGradients(([z]) => ops.softmax(z, 0), [logits]);
  // Targets that are distributions: there the fused gradient (TensorFlow's softmax − labels) is exact.
  const labels = ops.softmax(randTensor([3, 5], 27, -1, 1));
  checkGradients(([z]) => ops.softmaxCrossEntropyWithLogits(labels, z), [logits]);
  checkGradients(([z]) => ops.sigmoidCrossEntropyWithLogits(labels, z), [logits]);
  const table = randTensor([6, 3], 28);
  const idx = tensor(new Int32Array([0, 5, 2, 2]), [2, 2], 'int32');
  checkGradients(([t]) => ops.gather(t, idx), [table]);
});

test('convolution and pooling gradients', () => {
  const x = randTensor([2, 5, 6, 3], 29);
  const k = randTensor([3, 2, 3, 4], 30);
  const b = randTensor([4], 31);
  checkGradients(([t, w, c]) => ops.conv2d(t, w, c, {}), [x, k, b]);
  checkGradients(([t, w]) => ops.conv2d(t, w, null, { padding: 'same', strides: [2, 2] }), [x, k]);
  checkGradients(([t, w]) => ops.conv2d(t, w, null, { dilation: [2, 2], padding: 'same' }), [x, k]);
  checkGradients(
    ([t, w]) => ops.conv2d(t, w, null, { groups: 3 }),
    [randTensor([1, 4, 4, 3], 32), randTensor([2, 2, 1, 3], 33)],
  );
  checkGradients(([t, w]) => ops.conv2d(t, w, null, {}), [x, randTensor([1, 1, 3, 2], 34)]);
  checkGradients(([t, w]) => ops.depthwiseConv2d(t, w, { padding: 'same' }), [x, randTensor([3, 3, 3, 2], 35)]);
  checkGradients(([t, w]) => ops.conv1d(t, w, null, 2, 'same'), [randTensor([2, 7, 3], 36), randTensor([3, 3, 2], 37)]);
  checkGradients(([t]) => ops.maxPool2d(t, { poolSize: [2, 2], strides: [2, 2], padding: 'same' }), [x]);
  checkGradients(([t]) => ops.avgPool2d(t, { poolSize: [3, 3], strides: [2, 2], padding: 'same' }), [x]);
  checkGradients(([t]) => ops.pool1d('max', t, 2, 2, 'valid'), [randTensor([2, 7, 3], 38)]);
});

test('conv2d matches a direct convolution', () => {
  const x = randTensor([1, 4, 4, 2], 40);
  const k = randTensor([3, 3, 2, 1], 41);
  const y = ops.conv2d(x, k, null, { padding: 'valid' });
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  for (let oh = 0; oh < 2; oh++)
    for (let ow = 0; ow < 2; ow++) {
      let s = 0;
      for (let kh = 0; kh < 3; kh++)
        for (let kw = 0; kw < 3; kw++)
          for (let c = 0; c < 2; c++) {
            s += x.values[((oh + kh) * 4 + ow + kw) * 2 + c] * k.values[(kh * 3 + kw) * 2 + c];
          }
      assert.ok(Math.abs(y.values[oh * 2 + ow] - s) < 1e-5);
    }
});

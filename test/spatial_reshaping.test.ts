import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, layers, tensor } from '../src/index.js';
import type { Layer } from '../src/layers/layer.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

const shapeOf = (layer: Layer, shape: (number | null)[]): readonly (number | null)[] =>
  layer.apply(Input({ shape })).shape;

test('ZeroPadding1D/2D: shapes, values and gradients', () => {
  assert.deepEqual(shapeOf(new layers.ZeroPadding1D(), [5, 2]), [null, 7, 2]);
  assert.deepEqual(shapeOf(new layers.ZeroPadding1D([1, 3]), [null, 2]), [null, null, 2]);
  assert.deepEqual(shapeOf(new layers.ZeroPadding2D(), [4, 5, 3]), [null, 6, 7, 3]);
  assert.deepEqual(shapeOf(new layers.ZeroPadding2D([1, 2]), [4, 5, 3]), [null, 6, 9, 3]);
  assert.deepEqual(
    shapeOf(
      new layers.ZeroPadding2D([
        [0, 1],
        [2, 3],
      ]),
      [4, 5, 3],
    ),
    [null, 5, 10, 3],
  );
  assert.deepEqual(new layers.ZeroPadding1D([1, 3]).getConfig().padding, [1, 3]);
  assert.deepEqual(new layers.ZeroPadding2D([1, 2]).getConfig().padding, [
    [1, 1],
    [2, 2],
  ]);
  assert.deepEqual(Array.from(new layers.ZeroPadding1D([1, 2]).apply(tensor([[[1], [2]]])).values), [0, 1, 2, 0, 0]);
  const y = new layers.ZeroPadding2D([
    [1, 0],
    [0, 1],
  ]).apply(
    tensor([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]),
  );
  assert.deepEqual(y.shape, [1, 3, 3, 1]);
  assert.deepEqual(Array.from(y.values), [0, 0, 0, 1, 2, 0, 3, 4, 0]);
  checkLayerGradients(
    new layers.ZeroPadding2D([
      [1, 2],
      [0, 1],
    ]),
    [randTensor([2, 3, 4, 2], 31)],
  );
  checkLayerGradients(new layers.ZeroPadding1D(2), [randTensor([2, 3, 2], 32)]);
});

test('Cropping1D/2D: shapes, values, gradients, and cropping everything is an error', () => {
  assert.deepEqual(shapeOf(new layers.Cropping1D(), [5, 2]), [null, 3, 2]);
  assert.deepEqual(shapeOf(new layers.Cropping1D([0, 2]), [5, 2]), [null, 3, 2]);
  assert.deepEqual(shapeOf(new layers.Cropping2D(), [4, 5, 3]), [null, 4, 5, 3]);
  assert.deepEqual(
    shapeOf(
      new layers.Cropping2D([
        [1, 0],
        [2, 1],
      ]),
      [4, 5, 3],
    ),
    [null, 3, 2, 3],
  );
  assert.deepEqual(shapeOf(new layers.Cropping2D(1), [null, 5, 3]), [null, null, 3, 3]);
  assert.deepEqual(Array.from(new layers.Cropping1D([1, 2]).apply(tensor([[[1], [2], [3], [4]]])).values), [2]);
  const y = new layers.Cropping2D([
    [1, 0],
    [0, 1],
  ]).apply(
    tensor([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]),
  );
  assert.deepEqual(Array.from(y.values), [3]);
  checkLayerGradients(
    new layers.Cropping2D([
      [1, 0],
      [1, 2],
    ]),
    [randTensor([2, 3, 5, 2], 33)],
  );
  checkLayerGradients(new layers.Cropping1D([2, 1]), [randTensor([2, 5, 2], 34)]);
  assert.throws(
    () => new layers.Cropping1D([2, 2], { name: 'crop' }).apply(Input({ shape: [4, 1] })),
    /Cropping1D layer 'crop' cannot crop 2 \+ 2 from the steps axis of an input of length 4/,
  );
  assert.throws(
    () =>
      new layers.Cropping2D([
        [0, 0],
        [3, 0],
      ]).apply(Input({ shape: [4, 3, 1] })),
    /width axis of an input of length 3/,
  );
});

test('UpSampling1D/2D (nearest): shapes, values, gradients', () => {
  assert.deepEqual(shapeOf(new layers.UpSampling1D(), [5, 2]), [null, 10, 2]);
  assert.deepEqual(shapeOf(new layers.UpSampling1D(3), [null, 2]), [null, null, 2]);
  assert.deepEqual(shapeOf(new layers.UpSampling2D(), [4, 5, 3]), [null, 8, 10, 3]);
  assert.deepEqual(shapeOf(new layers.UpSampling2D([1, 3]), [4, 5, 3]), [null, 4, 15, 3]);
  assert.deepEqual(
    Array.from(
      new layers.UpSampling1D(2).apply(
        tensor([
          [
            [1, 5],
            [2, 6],
          ],
        ]),
      ).values,
    ),
    [1, 5, 1, 5, 2, 6, 2, 6],
  );
  const y = new layers.UpSampling2D(2).apply(
    tensor([
      [
        [[1], [2]],
        [[3], [4]],
      ],
    ]),
  );
  assert.deepEqual(Array.from(y.values), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  checkLayerGradients(new layers.UpSampling2D([2, 3]), [randTensor([2, 2, 3, 2], 35)]);
  checkLayerGradients(new layers.UpSampling1D(2), [randTensor([2, 3, 2], 36)]);
});

test('argument errors and unknown options', () => {
  const js = (o: object): Record<string, never> => o as Record<string, never>;
  assert.throws(
    () => new layers.ZeroPadding2D({ padding: 1 } as unknown as number),
    /ZeroPadding2D: padding must be an integer, \[height, width\] or/,
  );
  assert.throws(() => new layers.ZeroPadding1D(1, js({ dataFormat: 'channels_last' })), {
    name: 'TypeError',
    message: /^ZeroPadding1D got an unexpected option 'dataFormat'/,
  });
  assert.throws(() => new layers.UpSampling2D(2, js({ interpolation: 'bilinear' })), /only interpolation 'nearest'/);
  assert.throws(() => new layers.UpSampling1D(0), /UpSampling1D: size must be a positive integer/);
  assert.throws(() => new layers.Cropping1D(-1), /non-negative/);
  assert.throws(() => new layers.UpSampling2D(2).apply(Input({ shape: [4, 3] })), /expects inputs of rank 4/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, layers, tensor } from '../src/index.js';
import { randTensor } from './helpers/gradcheck.js';
import { checkLayerGradients } from './helpers/layer_grad.js';

test('UnitNormalization scales each sample to unit L2 norm along its axis, as Keras 3', () => {
  const y = new layers.UnitNormalization().apply(
    tensor([
      [3, 4],
      [0, 0],
    ]),
  );
  assert.deepEqual(
    [...y.dataSync()].map((v) => Math.round(v * 1e6) / 1e6),
    [0.6, 0.8, 0, 0],
  );
  const both = new layers.UnitNormalization({ axis: [1, 2] }).apply(randTensor([2, 3, 4], 1));
  for (let b = 0; b < 2; b++) {
    const norm = Math.hypot(...both.dataSync().slice(b * 12, (b + 1) * 12));
    assert.ok(Math.abs(norm - 1) < 1e-5);
  }
});

test('UnitNormalization: gradients, shape, config and a clear error for a bad axis', () => {
  const layer = new layers.UnitNormalization();
  const x = randTensor([3, 4], 2);
  checkLayerGradients(layer, [x]);
  assert.deepEqual(layer.apply(Input({ shape: [5] })).shape, [null, 5]);
  assert.deepEqual(layers.UnitNormalization.fromConfig({ axis: [1] }).axis, [1]);
  assert.throws(
    () => new layers.UnitNormalization({ axis: 0 }).apply(Input({ shape: [5] })),
    /axis 0 is not a feature axis/,
  );
});

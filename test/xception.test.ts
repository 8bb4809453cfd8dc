import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Input, Model, applications, layers } from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

interface XceptionManifest {
  param_count: number;
  trainable_params: number;
  output_shape: (number | null)[];
  layers: { name: string; class_name: string; params: number }[];
}
const manifest = JSON.parse(
  readFileSync(join(FIXTURES, 'xception_config', 'manifest.json'), 'utf8'),
) as XceptionManifest;

test("Xception without its top is Keras 3's, layer for layer: classes, names, parameters, order", () => {
  const base = applications.Xception({ weights: null, includeTop: false, inputShape: [250, 250, 3] });
  assert.equal(base.countParams(), manifest.param_count);
  assert.equal(base.countParams(), 20_861_480);
  assert.equal(
    base.trainableWeights.reduce((p, w) => p + w.value.size, 0),
    manifest.trainable_params,
  );
  assert.deepEqual(base.outputs[0].shape, [null, 8, 8, 2048]);
  assert.deepEqual(base.outputs[0].shape, manifest.output_shape);
  const ours = base.layers;
  assert.equal(ours.length, manifest.layers.length);
  manifest.layers.forEach((ref, i) => {
    const layer = ours[i];
    assert.equal(layer.className, ref.class_name, `layer ${i}: ${layer.name} vs ${ref.name}`);
    assert.equal(layer.countParams(), ref.params, `params of ${ref.name}`);
    // Unnamed layers (the shortcut projections, adds, the input) are numbered differently; named ones match.
    if (/^block|^avg_pool|^predictions/.test(ref.name)) assert.equal(layer.name, ref.name);
  });
});

test('Xception with weights "imagenet" says why it cannot, and a model is a layer on two inputs', () => {
  assert.throws(() => applications.Xception({ weights: 'imagenet', includeTop: false }), /cannot be downloaded here/);
  const base = applications.Xception({ weights: null, includeTop: false, inputShape: [71, 71, 3] });
  const left = Input({ shape: [71, 71, 3] });
  const right = Input({ shape: [71, 71, 3] });
  const merged = layers.concatenate([base.apply(left), base.apply(right)], { axis: -1 });
  const dual = new Model([left, right], merged);
  assert.deepEqual(merged.shape, [null, 3, 3, 4096]);
  assert.equal(dual.countParams(), base.countParams());
  const lines: string[] = [];
  dual.summary({ printFn: (l) => lines.push(l) });
  const rows = lines.filter((l) => l.startsWith('xception'));
  assert.equal(rows.length, 1);
  assert.match(rows[0], /^xception \(Functional\)\s+\(None, 3, 3, 2048\)\s+20861480/);
});

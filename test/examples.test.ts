import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const tsx = createRequire(import.meta.url).resolve('tsx/cli');

test('the subclassing and custom-fit guide example runs and shows what the guide shows', () => {
  const out = execFileSync(process.execPath, [tsx, join(ROOT, 'examples', 'custom_layers_and_models.ts')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.match(out, /CustomDense model: 50 parameters; rebuilt from its config: 50/);
  assert.match(out, /saved and loaded: predictions identical = true/);
  assert.match(out, /MLPBlock tracks 6 weights, 6 trainable/);
  assert.match(out, /classifier_\d+ \(Classifier\)\s+\(None, 1\)\s+3169/);
  assert.match(out, /custom trainStep: loss \d/);
  assert.match(
    out,
    /feature extraction: \[2, 28, 28, 1\] \[2, 26, 26, 8\] \[2, 13, 13, 8\] \[2, 11, 11, 16\] \[2, 16\] \[2, 10\]/,
  );
});

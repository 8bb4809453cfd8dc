import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setSeed } from '../src/index.js';
import { orderTask, transformerClassifier } from '../examples/transformer_classifier.js';

test('a small Transformer learns whether token A comes before token B (> 90% on held-out sequences)', async () => {
  setSeed(3);
  const length = 8;
  const train = orderTask(1500, { length, seed: 1 });
  const held = orderTask(400, { length, seed: 2 });
  const { model } = transformerClassifier({ length });
  await model.fit([train.tokens, train.positions], train.labels, { epochs: 6, batchSize: 32, verbose: 0 });
  const { accuracy } = await model.evaluate([held.tokens, held.positions], held.labels, {
    returnDict: true,
    verbose: 0,
  });
  assert.ok(accuracy > 0.9, `held-out accuracy ${accuracy}`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers, random, setSeed } from '../src/index.js';

function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

test('memory stays flat over a 200-epoch fit (no dispose needed)', async (t) => {
  if (!(globalThis as { gc?: unknown }).gc) {
    t.skip('run with --expose-gc (npm test does)');
    return;
  }
  setSeed(5);
  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(32, { activation: 'relu' }).apply(x);
  const model = new Model(input, new layers.Dense(10, { activation: 'softmax' }).apply(x));
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['acc'] });
  const xs = random.uniform([256, 64]);
  const ys = random.uniform([256, 10]);
  await model.fit(xs, ys, { epochs: 20, batchSize: 64, verbose: 0 });
  const before = liveBytes();
  await model.fit(xs, ys, { epochs: 200, batchSize: 64, verbose: 0 });
  const growth = liveBytes() - before;
  // 800 steps each allocate ~100 KB of intermediates; anything retained per step would show as MBs.
  assert.ok(growth < 2 * 1024 * 1024, `live memory grew by ${(growth / 1024).toFixed(0)} KB over 200 epochs`);
});

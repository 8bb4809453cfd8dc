import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Input, Model, Sequential, clearSession, layers } from '../src/index.js';

const NOTEBOOK = readFileSync(join(import.meta.dirname, '..', 'examples', 'keras-functional-api-notebook.txt'), 'utf8');

/** The table the notebook printed after `In [n]:`, without the `=` rules its export dropped. */
function notebookTable(cell: string): string[] {
  const start = NOTEBOOK.indexOf(cell);
  const lines = NOTEBOOK.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('Layer (type)'));
  const last = lines.findIndex((l, i) => i > first && l.startsWith('Non-trainable params'));
  return lines.slice(first - 1, last + 2);
}

function capture(f: (print: (l: string) => void) => void): string[] {
  const out: string[] = [];
  f((l) => out.push(l));
  return out.filter((l) => !/^=+$/.test(l));
}

test("the notebook's Sequential and functional MLP summaries, line for line", () => {
  clearSession();
  const seq = new Sequential();
  seq.add(new layers.Dense(32, { activation: 'relu', inputShape: [64] }));
  seq.add(new layers.Dense(32, { activation: 'relu' }));
  seq.add(new layers.Dense(10, { activation: 'softmax' }));
  assert.deepEqual(
    capture((p) => seq.summary({ printFn: p })),
    notebookTable('In [2]:'),
  );

  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(32, { activation: 'relu' }).apply(x);
  const model = new Model(input, new layers.Dense(10, { activation: 'softmax' }).apply(x));
  assert.deepEqual(
    capture((p) => model.summary({ printFn: p })),
    notebookTable('In [3]:'),
  );
  assert.equal(model.countParams(), 3466);
});

test('summary prints Keras 2 rules: "=" under the header and before the totals', () => {
  const input = Input({ shape: [4] });
  const model = new Model(input, new layers.Dense(2).apply(input));
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  assert.match(lines[2], /^=+$/);
  assert.equal(lines[2].length, 65);
  assert.match(lines[lines.length - 5], /^=+$/);
});

test('a non-chain model gets the Connected to column, a shared layer one row per call', () => {
  const a = Input({ shape: [8], name: 'left' });
  const b = Input({ shape: [8], name: 'right' });
  const shared = new layers.Dense(4, { name: 'shared' });
  const merged = new Model([a, b], [shared.apply(a), shared.apply(b)]);
  const lines: string[] = [];
  merged.summary({ printFn: (l) => lines.push(l) });
  assert.equal(lines[0].length, 100);
  assert.match(lines[1], /^Layer \(type\) {21}Output Shape {10}Param # {5}Connected to/);
  const row = lines.findIndex((l) => l.startsWith('shared (Dense)'));
  assert.match(lines[row], /shared \(Dense\)\s+\(None, 4\)\s+36\s+left\[0\]\[0\]/);
  assert.match(lines[row + 1], /^\s+right\[0\]\[0\]\s*$/);
  assert.equal(lines.filter((l) => l.startsWith('shared')).length, 1);
});

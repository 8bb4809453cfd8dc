import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');

// Minifiers rename classes (`Dense` becomes `wj`): default layer names and the class column of
// summary() must come from the Keras name each class declares, not from the runtime class name.
test('a minified bundle keeps Keras class names and default layer names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-minified-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { Input, Model, layers } from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))};
const x = Input({ shape: [8, 8, 3] });
const y = new layers.Dense(2).apply(new layers.Flatten().apply(new layers.Conv2D(4, 3).apply(x)));
new Model(x, y).summary();
`,
  );
  const outfile = join(dir, 'bundle.cjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  const out = execFileSync(process.execPath, [outfile], {
    encoding: 'utf8',
    env: { ...process.env, DENDRITE_BACKEND: 'js' },
  });
  assert.match(out, /conv2d_\d+ \(Conv2D\)/);
  assert.match(out, /flatten_\d+ \(Flatten\)/);
  assert.match(out, /dense_\d+ \(Dense\)/);
  assert.match(out, /input_\d+ \(InputLayer\)/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** A folder that depends on the package, as a user's project would (node_modules/dendrite → this repo). */
function consumer(): string {
  if (!existsSync(join(ROOT, 'dist', 'esm', 'index.js')) || !existsSync(join(ROOT, 'dist', 'cjs', 'index.js'))) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'dendrite'), 'dir');
  return dir;
}

const program = (load: string) => `${load}
const { Sequential, Model, Input, layers, random } = dendrite;
const seq = new Sequential();
seq.add(new layers.Dense(4, { activation: 'relu', inputShape: [3] }));
seq.add(new layers.Dense(2, { activation: 'softmax' }));
const input = Input({ shape: [3] });
const model = new Model(input, new layers.Dense(2).apply(input));
console.log(seq.countParams() + model.countParams(), model.predict(random.uniform([5, 3])).shape.join('x'));
`;

test('the built package loads from another folder as ES module and as CommonJS', () => {
  const dir = consumer();
  writeFileSync(join(dir, 'esm.mjs'), program("import * as dendrite from 'dendrite';"));
  writeFileSync(join(dir, 'cjs.cjs'), program("const dendrite = require('dendrite');"));
  for (const file of ['esm.mjs', 'cjs.cjs']) {
    const out = execFileSync(process.execPath, [file], {
      cwd: dir,
      env: { ...process.env, DENDRITE_BACKEND: '' },
      encoding: 'utf8',
    });
    assert.match(out.trim().split('\n').pop()!, /^34 5x2$/, `${file}: ${out}`);
  }
});

test("the package's types resolve for a strict TypeScript user, with no casts", () => {
  const dir = consumer();
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        noEmit: true,
        skipLibCheck: false,
        types: [],
      },
    }),
  );
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'use.ts'),
    `import { Model, Input, layers, Tensor } from 'dendrite';
const input = Input({ shape: [3] });
const one = new Model(input, new layers.Dense(2).apply(input));
const many = new Model(input, [new layers.Dense(2).apply(input), new layers.Dense(1).apply(input)]);
const p: Tensor = one.predict([[1, 2, 3]]);
const ps: Tensor[] = many.predict([[1, 2, 3]]);
export const shapes = [p.shape, ps[0].shape];
`,
  );
  const tsc = createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
});

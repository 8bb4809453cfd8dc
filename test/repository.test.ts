import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The files git tracks, as a fresh clone has them. */
function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f.length > 0);
}

// A clone has nothing beside it: what the code, tests and README read must live in the repository.
// Only docs/ may mention where a file came from outside it. The pattern is built so that this file
// does not match itself.
const OUTSIDE = new RegExp(['\\.\\.', 'shared'].join('/'));

test('no tracked file outside docs/ refers to a folder beside the repository', () => {
  const offenders = trackedFiles().filter((file) => {
    if (file.startsWith('docs/') || /\.(npy|keras|h5|png|wasm)$/.test(file)) return false;
    return OUTSIDE.test(readFileSync(join(ROOT, file), 'utf8'));
  });
  assert.deepEqual(offenders, [], `these files refer to a path outside the repository: ${offenders.join(', ')}`);
});

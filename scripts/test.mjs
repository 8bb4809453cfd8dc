// Runs every test file with Node's own test runner through tsx (TypeScript, no build step).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
if (only.length === 0) {
  const require = createRequire(import.meta.url);
  // Formatting and lint first: `npm run format` fixes what the formatter reports.
  const biome = spawnSync(process.execPath, [require.resolve('@biomejs/biome/bin/biome'), 'ci', '.'], {
    stdio: 'inherit',
  });
  if (biome.status !== 0) process.exit(biome.status ?? 1);
  // The examples and tests are code users would write: they must compile under strict TypeScript.
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.check.json'], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
}
const files = only.length ? only : collect('test').sort();
const run = (list, env) =>
  spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--test', '--test-concurrency=2', ...list], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  }).status ?? 1;

// The default backend first (native when its addon is built), then, when that was native, the
// same suite on the TypeScript reference backend: the Keras fixtures must pass on both.
let status = run(files, {});
if (
  status === 0 &&
  only.length === 0 &&
  !process.env.DENDRITE_BACKEND &&
  existsSync('build/Release/dendrite_native.node')
) {
  console.log('\n# The same tests on the TypeScript backend (DENDRITE_BACKEND=js)\n');
  status = run(
    files.filter((f) => !/native_/.test(f)),
    { DENDRITE_BACKEND: 'js' },
  );
}
process.exit(status);

// Builds the package twice from src/: ES modules to dist/esm and CommonJS to dist/cjs, each with
// type declarations and a package.json that tells Node which module system the folder uses.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // Installed as a dependency without dev dependencies: dist/ ships prebuilt in the tarball.
  console.log('dendrite: typescript not installed, skipping the build');
  process.exit(0);
}

rmSync('dist', { recursive: true, force: true });
for (const [config, dir, type] of [['tsconfig.json', 'dist/esm', 'module'], ['tsconfig.cjs.json', 'dist/cjs', 'commonjs']]) {
  const r = spawnSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + '\n');
}

// Builds the package twice from src/: ES modules to dist/esm and CommonJS to dist/cjs, each with
// type declarations and a package.json that tells Node which module system the folder uses.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
for (const [config, dir, type] of [
  ['tsconfig.json', 'dist/esm', 'module'],
  ['tsconfig.cjs.json', 'dist/cjs', 'commonjs'],
]) {
  const r = spawnSync(process.execPath, [tsc, '-p', config], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, `${JSON.stringify({ type })}\n`);
}

// h5wasm is published as ES modules only, and tsc compiles the CommonJS build's import() into a
// require() that cannot load it: give that one call its native import() back.
const h5Loader = 'dist/cjs/saving/h5wasm_module.js';
const compiled = readFileSync(h5Loader, 'utf8');
const patched = compiled.replace(
  /Promise\.resolve\(\)\.then\(\(\) => __importStar\(require\('h5wasm'\)\)\)/,
  "import('h5wasm')",
);
if (patched === compiled) {
  console.error(`build: ${h5Loader} no longer has the require() this script replaces; update scripts/build.mjs`);
  process.exit(1);
}
writeFileSync(h5Loader, patched);

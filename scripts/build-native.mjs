// Builds the native CPU backend (build/Release/dendrite_native.node) with node-gyp. Runs as the
// package's install script; a failed build must never fail the install, because Dendrite then
// runs on its TypeScript backend. So: one clear warning, exit code 0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function warn(reason) {
  console.warn(
    `\ndendrite: the native CPU backend was not built (${reason}).\n` +
      'dendrite: everything still works on the TypeScript backend, only slower. To build it, install\n' +
      'dendrite: python3, make and a C++17 compiler, then run `npm rebuild dendrite`.\n',
  );
  process.exit(0);
}

if (process.env.DENDRITE_SKIP_NATIVE_BUILD === '1') {
  console.log('dendrite: DENDRITE_SKIP_NATIVE_BUILD=1, not building the native backend');
  process.exit(0);
}

// npm exposes its bundled node-gyp to lifecycle scripts; otherwise look beside npm itself.
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(join(dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

const gyp = findNodeGyp();
if (!gyp) warn('node-gyp was not found');

const args = [gyp, 'rebuild', '--release', `--jobs=${process.env.JOBS ?? 'max'}`];
// Build against the headers of the running Node when they are installed, so no download is needed.
const prefix = resolve(dirname(process.execPath), '..');
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}

const verbose = process.argv.includes('--verbose');
const started = Date.now();
const r = spawnSync(process.execPath, args, {
  cwd: root,
  stdio: verbose ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
});
const built = join(root, 'build', 'Release', 'dendrite_native.node');
if (r.status !== 0 || !existsSync(built)) {
  // The first compiler or tool error names the cause; the full log is one --verbose away.
  const log = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n');
  const first = log.find((l) => /\berror\b/i.test(l) && !/^gyp ERR! (stack|System|command|cwd|node)/.test(l));
  const detail = r.error ? r.error.message : first ? first.trim() : `node-gyp exited with code ${r.status}`;
  warn(`${detail}; run \`node scripts/build-native.mjs --verbose\` in the dendrite directory for the full log`);
}
console.log(`dendrite: native CPU backend built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

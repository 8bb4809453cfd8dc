/**
 * Finds, loads and installs the native CPU backend. Node-only (fs, path, module): the package
 * entry calls `initBackend()` once at import; browser bundles map this file to ./loader.browser.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { setBackend } from '../registry.js';
import { isNativeAddon, type NativeAddon } from './addon.js';
import { createNativeBackend } from './backend.js';

const ADDON_FILE = join('build', 'Release', 'dendrite_native.node');

/** Outcome of looking for the addon: the module, or why there is none. */
export type NativeLoad = { addon: NativeAddon; path: string } | { addon: null; reason: string };

let cached: NativeLoad | null = null;
let warned = false;

/**
 * The directory of this module, in both the ESM and the CommonJS build: `import.meta` is a syntax
 * error in CommonJS output, so ESM falls back to the file URL in this function's own stack frame.
 */
function thisDir(): string | null {
  if (typeof __dirname === 'string') return __dirname;
  // The first frame is this function: "at thisDir (file:///…/loader.js:L:C)", or a plain path
  // when source maps rewrite it (tsx).
  const frame = (new Error().stack ?? '').split('\n').find((line) => /^\s+at /.test(line));
  const m = frame ? /^\s+at (?:.*?\()?(.+?):\d+:\d+\)?\s*$/.exec(frame) : null;
  if (!m) return null;
  return dirname(m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1]);
}

function isDendriteRoot(dir: string): boolean {
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'dendrite';
  } catch {
    return false;
  }
}

/** The package root: the nearest ancestor of this module (src/… or dist/…) whose package.json is Dendrite's. */
export function packageRoot(): string | null {
  const starts = [thisDir(), process.cwd()];
  for (const start of starts) {
    if (!start) continue;
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (isDendriteRoot(dir)) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/** Loads the addon once (DENDRITE_NATIVE_PATH may point at a build elsewhere); never throws. */
export function loadNativeAddon(): NativeLoad {
  if (cached) return cached;
  cached = tryLoad();
  return cached;
}

function tryLoad(): NativeLoad {
  if (typeof process === 'undefined' || !process.versions?.node)
    return { addon: null, reason: 'not running on Node.js' };
  const root = packageRoot();
  const explicit = process.env.DENDRITE_NATIVE_PATH;
  const path = explicit ? resolve(explicit) : root ? join(root, ADDON_FILE) : null;
  if (!path) return { addon: null, reason: 'the dendrite package directory was not found' };
  if (!existsSync(path)) return { addon: null, reason: `${path} does not exist (the build failed or was skipped)` };
  try {
    const load = createRequire(root ? join(root, 'package.json') : path);
    const mod: unknown = load(path);
    if (!isNativeAddon(mod))
      return { addon: null, reason: `${path} is out of date (rebuild it with \`npm rebuild dendrite\`)` };
    return { addon: mod, path };
  } catch (e) {
    return { addon: null, reason: `${path} failed to load: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * Installs the backend every op will use and returns its name. `DENDRITE_BACKEND=js|native`
 * forces one (native that cannot load is an error); by default native when it loads, else the
 * TypeScript backend with one warning per process.
 */
export function initBackend(): Backend['name'] {
  const env = typeof process !== 'undefined' ? process.env.DENDRITE_BACKEND : undefined;
  const want = env?.trim().toLowerCase();
  if (want && want !== 'js' && want !== 'native') {
    throw new Error(`DENDRITE_BACKEND must be 'js' or 'native', but it is '${env}'.`);
  }
  if (want === 'js') {
    setBackend(jsBackend);
    return 'js';
  }
  const loaded = loadNativeAddon();
  if (loaded.addon) {
    setBackend(createNativeBackend(loaded.addon));
    return 'native';
  }
  if (want === 'native') {
    throw new Error(
      `DENDRITE_BACKEND=native, but the native backend could not be loaded: ${loaded.reason}. ` +
        'Build it with `npm rebuild dendrite` (needs python3, make and a C++ compiler), or unset DENDRITE_BACKEND.',
    );
  }
  if (!warned) {
    warned = true;
    console.warn(
      `dendrite: using the TypeScript backend (slower) because the native backend could not be loaded: ${loaded.reason}. ` +
        'Run `npm rebuild dendrite` to build it, or set DENDRITE_BACKEND=js to silence this warning.',
    );
  }
  setBackend(jsBackend);
  return 'js';
}

/** Which SIMD family and how many threads the native backend uses, or null when it is not loaded. */
export function nativeInfo(): { isa: string; threads: number; path: string } | null {
  const loaded = loadNativeAddon();
  return loaded.addon ? { isa: loaded.addon.isa(), threads: loaded.addon.threads(), path: loaded.path } : null;
}

/**
 * The HDF5 C library, compiled to WebAssembly by h5wasm: loading it once, recognising its files,
 * and calling it so that its failures come back as errors that say why, never as text on stderr.
 * Files live in h5wasm's in-memory file system only while they are read or written, so the same
 * code runs in Node and in a browser.
 */
import { importH5wasm } from './h5wasm_module.js';

export type H5wasm = typeof import('h5wasm').default;
/** Emscripten's in-memory file system, as h5wasm exposes it. */
export type H5FS = NonNullable<Awaited<H5wasm['ready']>['FS']>;

let loaded: Promise<H5wasm> | null = null;
let fileCounter = 0;

export async function h5wasm(): Promise<{ h5: H5wasm; fs: H5FS }> {
  loaded ??= importH5wasm().then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  const h5 = await loaded;
  return { h5, fs: (await h5.ready).FS };
}

/** A fresh name in the in-memory file system, so that concurrent reads and writes never meet. */
export function scratchName(kind: 'read' | 'write'): string {
  return `/dendrite-${kind}-${++fileCounter}.h5`;
}

/** HDF5's signature, at the start of the file or after a user block of 512, 1024, 2048... bytes. */
export function isHdf5(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let at = 0; at + signature.length <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (signature.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/**
 * Runs one call into the library. HDF5 prints a diagnostic report to stderr for each failed call
 * (three blocks for a file that is not HDF5), and h5wasm sends its stderr to the console; this
 * routes that stderr into a buffer while `fn` runs. Some h5wasm calls report a failure only there
 * (a dataset read that fails returns whatever was in its buffer), so any report at all is a
 * failure: it becomes an Error that says `failure: root cause`. (h5wasm's throwing error handler
 * would do it too, but it throws through the C stack, which corrupts the module's memory after a
 * few thousand failures.)
 */
export function hdf5Call<T>(fs: H5FS, failure: string, fn: () => T): T {
  const tty = stderrTty(fs);
  const saved = tty?.ops;
  const bytes: number[] = [];
  if (tty && saved)
    tty.ops = { ...saved, put_char: (_t: unknown, c: number | null) => c !== null && bytes.push(c), fsync: () => {} };
  let value: T;
  try {
    value = fn();
  } catch (error) {
    throw new Error(`${failure}: ${rootCause(bytes) ?? messageOf(error)}`);
  } finally {
    if (tty && saved) tty.ops = saved;
  }
  const cause = rootCause(bytes);
  if (cause !== null) throw new Error(`${failure}: ${cause}`);
  return value;
}

interface TtyOps {
  put_char: (tty: unknown, c: number | null) => void;
  fsync: (tty: unknown) => void;
}

/** The terminal behind file descriptor 2 of Emscripten's file system, where HDF5's stderr goes. */
function stderrTty(fs: unknown): { ops: TtyOps } | undefined {
  const getStream = (fs as { getStream?: (fd: number) => { tty?: { ops?: TtyOps } } | undefined }).getStream;
  const tty = typeof getStream === 'function' ? getStream.call(fs, 2)?.tty : undefined;
  return tty?.ops && typeof tty.ops.put_char === 'function' ? (tty as { ops: TtyOps }) : undefined;
}

/** The root cause in HDF5's report: the innermost entry of its first error stack, as "what (why)". */
function rootCause(bytes: readonly number[]): string | null {
  if (bytes.length === 0) return null;
  const diagnostics = new TextDecoder().decode(Uint8Array.from(bytes));
  const first = diagnostics.split('HDF5-DIAG').find((b) => b.trim().length > 0) ?? '';
  const entries = [...first.matchAll(/#\d+: .* in [^(]+\(\): (.*)\n(?:\s*major: .*\n)?(?:\s*minor: (.*))?/g)];
  const last = entries[entries.length - 1];
  if (!last) return diagnostics.trim().split('\n')[0].slice(0, 300) || null;
  return last[2] ? `${last[1].trim()} (${last[2].trim()})` : last[1].trim();
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly), kept behind plain data: the
 * rest of Dendrite sees trees of groups and float32 arrays, never h5wasm's handles. Files live in
 * h5wasm's in-memory file system only while they are read or written, so the same code runs in
 * Node and in a browser.
 */
import { importH5wasm } from './h5wasm_module.js';

/** A dataset: its shape and values in C order. */
export interface H5Array {
  shape: number[];
  values: Float32Array;
  /** Written as 64-bit integers (Keras's `iterations`) rather than float32. */
  int64?: boolean;
  /** The values as doubles, for integer datasets (a step count beyond 2^24 survives). */
  exact?: Float64Array;
}

/** A group: named child groups, named datasets, and string attributes (Keras writes `name`). */
export interface H5Group {
  groups: Map<string, H5Group>;
  arrays: Map<string, H5Array>;
  attrs: Record<string, string>;
}

export function emptyGroup(attrs: Record<string, string> = {}): H5Group {
  return { groups: new Map(), arrays: new Map(), attrs };
}

type H5wasm = typeof import('h5wasm').default;
let loaded: Promise<H5wasm> | null = null;
let fileCounter = 0;

async function h5wasm(): Promise<H5wasm> {
  loaded ??= importH5wasm().then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return loaded;
}

/**
 * HDF5's C library prints a diagnostic report to stderr for each failed call (three blocks for a
 * file that is not HDF5), and h5wasm sends its stderr to the console. Dendrite reports failures as
 * errors instead: this routes the library's stderr into a buffer while `fn` runs and hands the
 * report's root cause to `fn`'s error. (h5wasm's throwing error handler would do it too, but it
 * throws through the C stack, which corrupts the module's memory after a few thousand failures.)
 */
function quietly<T>(fs: unknown, fn: () => T): { value: T } | { error: unknown; diagnostics: string } {
  const tty = stderrTty(fs);
  const saved = tty?.ops;
  const bytes: number[] = [];
  if (tty && saved)
    tty.ops = { ...saved, put_char: (_t: unknown, c: number | null) => c !== null && bytes.push(c), fsync: () => {} };
  try {
    return { value: fn() };
  } catch (error) {
    return { error, diagnostics: new TextDecoder().decode(Uint8Array.from(bytes)) };
  } finally {
    if (tty && saved) tty.ops = saved;
  }
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
function rootCause(diagnostics: string): string | null {
  const first = diagnostics.split('HDF5-DIAG').find((b) => b.trim().length > 0) ?? '';
  const entries = [...first.matchAll(/#\d+: .* in [^(]+\(\): (.*)\n(?:\s*major: .*\n)?(?:\s*minor: (.*))?/g)];
  const last = entries[entries.length - 1];
  if (!last) return null;
  return last[2] ? `${last[1].trim()} (${last[2].trim()})` : last[1].trim();
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** HDF5's signature, at the start of the file or after a user block of 512, 1024, 2048... bytes. */
export function isHdf5(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let at = 0; at + signature.length <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (signature.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

/** Reads a whole HDF5 file. Datasets of any numeric type are read as float32; strings and other types are refused. */
export async function readHdf5(bytes: Uint8Array, what: string): Promise<H5Group> {
  if (!isHdf5(bytes)) throw new Error(`${what} is not an HDF5 file: it lacks HDF5's signature.`);
  const h5 = await h5wasm();
  const fs = (await h5.ready).FS;
  const name = `/dendrite-read-${++fileCounter}.h5`;
  fs.writeFile(name, bytes);
  const result = quietly(fs, () => {
    let file: InstanceType<H5wasm['File']> | null = null;
    try {
      file = new h5.File(name, 'r');
      return readGroup(h5, file, what);
    } finally {
      file?.close();
      fs.unlink(name);
    }
  });
  if ('value' in result) return result.value;
  const cause = rootCause(result.diagnostics) ?? messageOf(result.error);
  throw new Error(`${what} is not a readable HDF5 file: ${cause}`);
}

function readGroup(h5: H5wasm, g: InstanceType<H5wasm['Group']>, path: string): H5Group {
  const out = emptyGroup();
  for (const [key, attr] of Object.entries(g.attrs)) {
    const v = attr.value;
    if (typeof v === 'string') out.attrs[key] = v;
  }
  for (const key of g.keys()) {
    const child = g.get(key);
    if (child instanceof h5.Group) out.groups.set(key, readGroup(h5, child, `${path}/${key}`));
    else if (child instanceof h5.Dataset) {
      const v = child.value;
      const shape = child.shape ?? [];
      if (v instanceof Float32Array) {
        out.arrays.set(key, { shape, values: v });
      } else if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
        const exact = Float64Array.from(v, Number);
        out.arrays.set(key, { shape, values: new Float32Array(exact), exact });
      } else if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        out.arrays.set(key, { shape, values: new Float32Array(v as unknown as ArrayLike<number>) });
      } else if (typeof v === 'number' || typeof v === 'bigint') {
        out.arrays.set(key, { shape, values: Float32Array.of(Number(v)), exact: Float64Array.of(Number(v)) });
      } else {
        throw new Error(`dataset ${path}/${key} is not numeric`);
      }
    }
  }
  return out;
}

/** Writes a tree as an HDF5 file and returns its bytes. Groups and datasets keep the Map's order. */
export async function writeHdf5(root: H5Group): Promise<Uint8Array> {
  const h5 = await h5wasm();
  const fs = (await h5.ready).FS;
  const name = `/dendrite-write-${++fileCounter}.h5`;
  const result = quietly(fs, () => {
    try {
      const file = new h5.File(name, 'w');
      try {
        writeGroup(file, root);
      } finally {
        file.close();
      }
      return fs.readFile(name);
    } finally {
      if (fs.analyzePath(name).exists) fs.unlink(name);
    }
  });
  if ('value' in result) return result.value;
  const cause = rootCause(result.diagnostics);
  throw new Error(`Cannot write the weights file: ${cause ?? messageOf(result.error)}`);
}

function writeGroup(g: InstanceType<H5wasm['Group']>, node: H5Group): void {
  for (const [key, value] of Object.entries(node.attrs)) g.create_attribute(key, value);
  for (const [key, child] of node.groups) writeGroup(g.create_group(key), child);
  for (const [key, arr] of node.arrays) {
    if (arr.int64)
      g.create_dataset({
        name: key,
        data: BigInt64Array.from(arr.exact ?? arr.values, (v) => BigInt(Math.round(v))),
        shape: arr.shape,
        dtype: '<q',
      });
    else g.create_dataset({ name: key, data: arr.values, shape: arr.shape, dtype: '<f' });
  }
}

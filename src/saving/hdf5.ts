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

/** Reads a whole HDF5 file. Datasets of any numeric type are read as float32; strings and other types are refused. */
export async function readHdf5(bytes: Uint8Array, what: string): Promise<H5Group> {
  const h5 = await h5wasm();
  const fs = (await h5.ready).FS;
  const name = `/dendrite-read-${++fileCounter}.h5`;
  fs.writeFile(name, bytes);
  let file: InstanceType<H5wasm['File']> | null = null;
  try {
    file = new h5.File(name, 'r');
    return readGroup(h5, file, what);
  } catch (e) {
    throw new Error(`${what} is not a readable HDF5 file: ${(e as Error).message}`);
  } finally {
    file?.close();
    fs.unlink(name);
  }
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
  const file = new h5.File(name, 'w');
  try {
    writeGroup(file, root);
  } finally {
    file.close();
  }
  try {
    return fs.readFile(name);
  } finally {
    fs.unlink(name);
  }
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

/**
 * HDF5 files as plain data: trees of groups and float32 arrays, never h5wasm's handles. Writing
 * takes a whole tree; loading reads only what it needs through `openHdf5` (hdf5_reader.ts), and
 * `readHdf5` reads a whole tree for inspection.
 */
import { h5wasm, hdf5Call, scratchName } from './hdf5_library.js';
import { type H5Reader, openHdf5 } from './hdf5_reader.js';

export { isHdf5 } from './hdf5_library.js';
export { openHdf5, type H5Reader, type H5Dataset } from './hdf5_reader.js';

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

/**
 * Reads every group and dataset of a file (not its attributes), for tests and tools: loading a
 * model reads only the datasets the model needs. A group reached by two paths (a hard link) is
 * refused: a link back to a group above it would make the tree infinite, and a chain of groups
 * each linked twice would make it exponentially large.
 */
export async function readHdf5(bytes: Uint8Array, what: string): Promise<H5Group> {
  return openHdf5(bytes, what, (file) => readGroup(file, [], new Map(), what));
}

function readGroup(file: H5Reader, path: string[], seen: Map<string, string>, what: string): H5Group {
  const id = file.groupIdentity(path)!;
  const where = `/${path.join('/')}`;
  const first = seen.get(id);
  if (first !== undefined) throw new Error(`${what}: the group at ${where} is the one at ${first} (a hard link).`);
  seen.set(id, where);
  const out = emptyGroup();
  for (const key of file.groupKeys(path) ?? []) {
    const child = [...path, key];
    const dataset = file.dataset(child);
    if (dataset) out.arrays.set(key, dataset.read());
    else if (file.groupKeys(child) !== null) out.groups.set(key, readGroup(file, child, seen, what));
  }
  return out;
}

/** Writes a tree as an HDF5 file and returns its bytes. Groups and datasets keep the Map's order. */
export async function writeHdf5(root: H5Group): Promise<Uint8Array> {
  const { h5, fs } = await h5wasm();
  const name = scratchName('write');
  try {
    return hdf5Call(fs, 'Cannot write the weights file', () => {
      const file = new h5.File(name, 'w');
      try {
        writeGroup(file, root);
      } finally {
        file.close();
      }
      return fs.readFile(name);
    });
  } finally {
    if (fs.analyzePath(name).exists) fs.unlink(name);
  }
}

function writeGroup(g: InstanceType<Awaited<ReturnType<typeof h5wasm>>['h5']['Group']>, node: H5Group): void {
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

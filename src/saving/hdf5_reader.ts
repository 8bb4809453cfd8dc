/**
 * Reading an HDF5 file on demand: the caller names the groups and datasets it needs, learns each
 * dataset's declared shape and type first, and reads a dataset's values only when it asks to. So
 * what a file holds besides (another model's weights, a dataset declaring a billion values, a
 * link that loops back to its own group) is never visited, and nothing is read that the caller
 * has not checked the size of.
 */
import type { H5Array } from './hdf5.js';
import { type H5FS, type H5wasm, h5wasm, hdf5Call, isHdf5, scratchName } from './hdf5_library.js';

/** A dataset found in a file, not yet read. */
export interface H5Dataset {
  /** Its declared shape ([] for a scalar). */
  readonly shape: readonly number[];
  /** Why `read` would refuse it (a type that is not numbers, chunks larger than the data), or null. */
  readonly unreadable: string | null;
  /** Reads its values (as float32, and exactly for 64-bit integers). */
  read(): H5Array;
}

/** An open HDF5 file, addressed by paths of names (`['layers', 'dense', 'vars']`). */
export interface H5Reader {
  /** The names of the members of the group at `path` ([] for the root), or null when no group is there. */
  groupKeys(path: readonly string[]): string[] | null;
  /** The dataset at `path`, or null when no dataset is there. */
  dataset(path: readonly string[]): H5Dataset | null;
  /** Who the group at `path` is (two paths that lead to one group give one identity), or null when none is there. */
  groupIdentity(path: readonly string[]): string | null;
}

/**
 * Opens HDF5 bytes and hands them to `use`, which reads what it needs; the file is closed and
 * dropped when `use` returns or throws. `what` names the file in errors.
 */
export async function openHdf5<T>(bytes: Uint8Array, what: string, use: (file: H5Reader) => T): Promise<T> {
  if (!isHdf5(bytes)) throw new Error(`${what} is not an HDF5 file: it lacks HDF5's signature.`);
  const { h5, fs } = await h5wasm();
  const name = scratchName('read');
  fs.writeFile(name, bytes);
  try {
    const file = hdf5Call(fs, `${what} is not a readable HDF5 file`, () => new h5.File(name, 'r'));
    try {
      return use(reader(h5, fs, file, what));
    } finally {
      try {
        hdf5Call(fs, `${what}: cannot close it`, () => file.close());
      } catch {
        // What was read stands, and an error of `use` is the one to report.
      }
    }
  } finally {
    fs.unlink(name);
  }
}

type H5File = InstanceType<H5wasm['File']>;
type H5Metadata = InstanceType<H5wasm['Dataset']>['metadata'];

// HDF5's type classes (H5T_class_t), as h5wasm reports them in a dataset's metadata.
const INTEGER = 0;
const FLOAT = 1;

function reader(h5: H5wasm, fs: H5FS, file: H5File, what: string): H5Reader {
  const at = (path: readonly string[]): string => (path.length === 0 ? '/' : path.join('/'));
  const call = <T>(path: readonly string[], fn: () => T): T => hdf5Call(fs, `${what}: cannot read ${at(path)}`, fn);
  const get = (path: readonly string[]) => (path.length === 0 ? file : call(path, () => file.get(at(path))));
  return {
    groupKeys(path) {
      const g = get(path);
      return g instanceof h5.Group ? call(path, () => g.keys()) : null;
    },
    groupIdentity(path) {
      const g = get(path);
      if (!(g instanceof h5.Group)) return null;
      // An object reference holds the object's address in the file: equal references, one object.
      return call(path, () => Array.from(g.create_reference().ref_data, (b) => b.toString(16)).join('.'));
    },
    dataset(path) {
      const d = get(path);
      if (!(d instanceof h5.Dataset)) return null;
      const meta = call(path, () => d.metadata);
      const unreadable = whyUnreadable(meta);
      return {
        shape: meta.shape ?? [],
        unreadable,
        read: () => {
          if (unreadable) throw new Error(`${what}: dataset ${at(path)} ${unreadable}.`);
          return toArray(
            call(path, () => d.value),
            meta.shape ?? [],
          );
        },
      };
    },
  };
}

/** The most values a dataset's chunk may hold beyond the dataset's own: 1 MiB of float32. */
const CHUNK_SLACK = 2 ** 18;

/**
 * Why reading a dataset would be refused, from its metadata alone, or null. Its values must be
 * numbers (integers, float32 or float64); and HDF5 inflates a compressed chunk whole, into a
 * buffer of the size the file declares for it, so a chunk may not hold more values than the
 * dataset (a 600 KB file can declare a kernel of 64 × 32 in one chunk of 12,000 × 12,000).
 */
function whyUnreadable(meta: H5Metadata): string | null {
  const numeric =
    (meta.type === INTEGER && [1, 2, 4, 8].includes(meta.size)) || (meta.type === FLOAT && [4, 8].includes(meta.size));
  if (meta.vlen || !numeric || meta.shape === null)
    return (
      `holds HDF5 type class ${meta.type} of ${meta.size} bytes${meta.vlen ? ', variable length' : ''}` +
      `${meta.shape === null ? ' with no dataspace' : ''}, not numbers`
    );
  const values = meta.shape.reduce((a, b) => a * b, 1);
  const chunk = meta.chunks?.reduce((a, b) => a * b, 1) ?? 0;
  if (chunk > Math.max(values, CHUNK_SLACK))
    return (
      `is stored in chunks of shape (${meta.chunks!.join(', ')}), ` +
      `larger than the data, of shape (${meta.shape.join(', ')})`
    );
  return null;
}

/** A numeric dataset's values as Dendrite keeps them: float32, with the exact values of 64-bit integers. */
function toArray(v: unknown, shape: readonly number[]): H5Array {
  if (v instanceof Float32Array) return { shape: [...shape], values: v };
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) {
    const exact = Float64Array.from(v, Number);
    return { shape: [...shape], values: new Float32Array(exact), exact };
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return { shape: [...shape], values: new Float32Array(v as unknown as ArrayLike<number>) };
  }
  if (typeof v === 'number' || typeof v === 'bigint')
    return { shape: [...shape], values: Float32Array.of(Number(v)), exact: Float64Array.of(Number(v)) };
  throw new Error(`a numeric dataset read as ${typeof v}`);
}

import type { DType, TypedArray } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import { type NestedArray, Tensor, tensor } from '../tensor/tensor.js';

/** One array of samples: a tensor, nested number arrays, or a typed array (reshaped to the input's shape). */
export type ArrayLike = Tensor | NestedArray | TypedArray;
/** Data for a model's inputs (or targets for its outputs): one array, a list in order, or a record by name. */
export type Data = ArrayLike | readonly ArrayLike[] | Readonly<Record<string, ArrayLike>>;

export interface Slot {
  name: string;
  shape: SymbolicShape;
  dtype: DType;
}

function isArrayLikeData(v: unknown): v is ArrayLike {
  return v instanceof Tensor || ArrayBuffer.isView(v) || typeof v === 'number' || Array.isArray(v);
}

function isRecord(v: unknown): v is Readonly<Record<string, ArrayLike>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/** Splits user data into one entry per slot, by position or by name, with errors that list what exists. */
function perSlot(data: Data, slots: readonly Slot[], what: 'input' | 'output', where: string): ArrayLike[] {
  if (isRecord(data)) {
    const names = slots.map((s) => s.name);
    for (const key of Object.keys(data)) {
      if (!names.includes(key)) {
        throw new Error(
          `${where}: the key '${key}' names no ${what} of the model. Its ${what}s are: ${names.join(', ')}.`,
        );
      }
    }
    return slots.map((s) => {
      const v = data[s.name];
      if (v === undefined)
        throw new Error(`${where}: no data for ${what} '${s.name}'. Its ${what}s are: ${names.join(', ')}.`);
      return v;
    });
  }
  const isList =
    Array.isArray(data) &&
    data.length > 0 &&
    ((data as readonly unknown[]).every((d) => d instanceof Tensor || ArrayBuffer.isView(d)) ||
      (slots.length > 1 &&
        data.length === slots.length &&
        (data as readonly unknown[]).every((d) => Array.isArray(d) || d instanceof Tensor || ArrayBuffer.isView(d))));
  const list = isList ? [...(data as readonly ArrayLike[])] : [data as ArrayLike];
  if (list.length !== slots.length) {
    throw new Error(
      `${where}: the model has ${slots.length} ${what}s (${slots.map((s) => s.name).join(', ')}) but ${list.length} arrays were given.`,
    );
  }
  if (!list.every(isArrayLikeData))
    throw new Error(`${where}: ${what} data must be tensors, nested number arrays or typed arrays.`);
  return list;
}

function toTensor(v: ArrayLike, slot: Slot, what: string, where: string): Tensor {
  if (v instanceof Tensor) return v;
  if (ArrayBuffer.isView(v)) {
    const per = slot.shape.slice(1);
    if (per.some((d) => d === null)) {
      throw new Error(
        `${where}: a flat typed array cannot be given for ${what} '${slot.name}' of shape ` +
          `${formatShape(slot.shape)} (unknown dimensions); pass a tensor with its shape.`,
      );
    }
    const size = (per as number[]).reduce((p, d) => p * d, 1);
    return tensor(v, [v.length / size, ...(per as number[])]);
  }
  return tensor(v, undefined, slot.dtype === 'int32' ? 'int32' : 'float32');
}

/** Checks one array against its slot (rank, known dimensions, dtype) and converts the dtype where Keras would. */
function conform(t: Tensor, slot: Slot, what: 'input' | 'output', where: string): Tensor {
  const expected = slot.shape;
  // Targets are checked by their loss (sparse labels have fewer axes than the output), not here.
  const dimsOk =
    what === 'output' ||
    (t.rank === expected.length && t.shape.every((d, i) => i === 0 || expected[i] === null || expected[i] === d));
  if (!dimsOk) {
    throw new Error(
      `${where}: Input '${slot.name}' expects data of shape ${formatShape(expected)}, got ${formatShape(t.shape)}.`,
    );
  }
  if (what === 'input' && slot.dtype === 'int32' && t.dtype !== 'int32') {
    const v = t.values;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isInteger(v[i])) {
        throw new Error(
          `${where}: Input '${slot.name}' is int32, but its data holds the non-integer value ${v[i]} (at flat index ${i}).`,
        );
      }
    }
    return t.cast('int32');
  }
  if (slot.dtype === 'float32' && t.dtype !== 'float32') return t.cast('float32');
  return t;
}

/** Turns user data into one tensor per slot, validated and with matching sample counts. */
/**
 * `data` for `slots`. `writtenKeys` is the key order of a model side given as a record whose keys
 * are not sorted: Keras orders such a side by sorted key, so a list would silently meet a
 * different order than the one written, and is refused (as Keras refuses it).
 */
export function adaptData(
  data: Data,
  slots: readonly Slot[],
  what: 'input' | 'output',
  where: string,
  writtenKeys: readonly string[] | null = null,
): Tensor[] {
  if (writtenKeys && slots.length > 1 && !isRecord(data)) {
    throw new Error(
      `${where}: the model's ${what}s were given as a record with keys ${writtenKeys.join(', ')}; models order a record by sorted key ` +
        `(${slots.map((s) => s.name).join(', ')}), as Keras does, so pass the ${what} data as a record by name rather than a list.`,
    );
  }
  const arrays = perSlot(data, slots, what, where);
  return arrays.map((a, i) => conform(toTensor(a, slots[i], what, where), slots[i], what, where));
}

/** The common sample count of all arrays, or an error listing each count. */
export function sampleCount(arrays: readonly Tensor[], names: readonly string[], where: string): number {
  const counts = arrays.map((t) => t.shape[0]);
  if (counts.some((c) => c !== counts[0])) {
    throw new Error(
      `${where}: all inputs and targets must have the same number of samples, got ${arrays.map((_, i) => `${names[i]}: ${counts[i]}`).join(', ')}.`,
    );
  }
  return counts[0] ?? 0;
}

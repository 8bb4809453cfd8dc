import { describeValue } from './describe.js';

/** A concrete shape: every dimension known. */
export type Shape = readonly number[];
/** A symbolic shape: `null` marks a dimension unknown until data arrives (the batch, a sequence length). */
export type SymbolicShape = readonly (number | null)[];

/** The most elements a typed array holds in V8 (2^32): no tensor can be larger. */
export const MAX_ELEMENTS = 2 ** 32;

/**
 * Refuses anything but a list of non-negative integers holding at most MAX_ELEMENTS elements: a
 * negative, fractional or NaN dimension gives a size no buffer has, and kernels loop over
 * dimensions (a -2 once made one loop for ever). O(rank), so every tensor construction can afford it.
 */
export function checkShape(shape: unknown, where: string): asserts shape is Shape {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${where}: a shape must be an array of non-negative integers, got ${describeValue(shape)}.`);
  }
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new Error(
        `${where}: shape ${describeValue(shape)} has ${describeValue(d)} at axis ${i}; every dimension must be a non-negative integer.`,
      );
    }
  }
  const size = sizeOf(shape);
  if (size > MAX_ELEMENTS) {
    throw new Error(`${where}: shape ${formatShape(shape)} has ${size} elements; a tensor holds at most 2^32.`);
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapesEqual(a: SymbolicShape, b: SymbolicShape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Formats a shape as Keras prints it: `(None, 32)`. */
export function formatShape(shape: SymbolicShape): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** NumPy broadcasting of two concrete shapes; throws with both shapes (and `where`) when they cannot broadcast. */
export function broadcastShapes(a: Shape, b: Shape, where?: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      const prefix = where ? `${where}: ` : '';
      throw new Error(`${prefix}Shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank; a fractional or non-numeric axis is an error. */
export function normalizeAxis(axis: number, rank: number): number {
  if (!Number.isInteger(axis)) throw new Error(`Axis ${describeValue(axis)} is not an integer.`);
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`Axis ${axis} is out of range for a tensor of rank ${rank}.`);
  return a;
}

/** A concrete shape: every dimension known. */
export type Shape = readonly number[];
/** A symbolic shape: `null` marks a dimension unknown until data arrives (the batch, a sequence length). */
export type SymbolicShape = readonly (number | null)[];

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

/** NumPy broadcasting of two concrete shapes; throws with both shapes when they cannot broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`Shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together.`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank. */
export function normalizeAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`Axis ${axis} is out of range for a tensor of rank ${rank}.`);
  return a;
}

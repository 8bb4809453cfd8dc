import type { SymbolicShape } from '../tensor/shape.js';
import { WindowTooLargeError, leastWorkingLength } from '../layers/length_inverse.js';
import type { Functional } from './functional.js';

/**
 * A window ran out of length on data whose length the model left open (`shape: [null]`): find
 * the least input length for which every layer's shape works, by running the shape checks alone.
 */
export function explainTooShort(model: Functional, e: WindowTooLargeError, shapes: readonly SymbolicShape[]): Error {
  const open = model.inputs.flatMap((t, i) =>
    t.shape.map((d, axis) => ({ i, axis, open: d === null && axis > 0 })).filter((a) => a.open),
  );
  if (open.length === 0) return e;
  const withLength = (n: number): SymbolicShape[] =>
    shapes.map((s, i) => s.map((d, axis) => (open.some((o) => o.i === i && o.axis === axis) ? n : d)));
  const least = leastWorkingLength((n) => {
    try {
      model.checkShapes(withLength(n));
      return true;
    } catch (err) {
      if (err instanceof WindowTooLargeError) return false;
      throw err;
    }
  });
  const given = open
    .map((o) => `'${model.inputNames[o.i]}' has length ${shapes[o.i][o.axis]} on axis ${o.axis}`)
    .join(', ');
  const advice =
    least === null
      ? 'No input length makes every layer fit.'
      : `The least input length that works is ${least}: pad or drop shorter sequences.`;
  return new Error(
    `${e.message} The model's input ${given}, which is too short for the layers down to '${e.layerName}'. ${advice}`,
  );
}

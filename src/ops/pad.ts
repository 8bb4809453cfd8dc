import { getBackend } from '../backend/registry.js';
import { describeValue } from '../tensor/describe.js';
import { checkShape, formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { empty, emptyFloat, floatData } from './create.js';
import { record } from './tape.js';
import { checkAxis, checkInt, checkTensor, fail } from './validate.js';

/** The [outer, length, inner] view of x around one axis, the form the block kernels work on. */
function around(x: Tensor, axis: number): { outer: number; length: number; inner: number } {
  return { outer: sizeOf(x.shape.slice(0, axis)), length: x.shape[axis], inner: sizeOf(x.shape.slice(axis + 1)) };
}

/** Zero-pads one axis with `before` and `after` zeros. */
export function padAxis(x: Tensor, axis: number, before: number, after: number): Tensor {
  checkTensor(x, 'padAxis', 'x');
  const a = checkAxis(axis, x.rank, 'padAxis');
  checkInt(before, 'padAxis', 'before', 0);
  checkInt(after, 'padAxis', 'after', 0);
  if (before === 0 && after === 0) return x;
  const { outer, length, inner } = around(x, a);
  const outLength = length + before + after;
  const shape = x.shape.slice();
  shape[a] = outLength;
  checkShape(shape, 'padAxis: the result');
  const y = empty(shape, x.dtype);
  getBackend().copyBlock(x.values, outer, length * inner, y.values, outLength * inner, before * inner);
  record([x], [y], ([dy]) => {
    const { t: dx, data } = emptyFloat(x.shape);
    getBackend().sliceBlock(
      floatData(dy!, 'padAxis grad'),
      outer,
      outLength * inner,
      before * inner,
      length * inner,
      data,
    );
    return [dx];
  });
  return y;
}

/** Zero-pads x with one [before, after] pair per axis (NumPy's `pad` with constant zeros). */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[]): Tensor {
  checkTensor(x, 'pad', 'x');
  if (!Array.isArray(paddings))
    fail('pad', `paddings must be an array of [before, after] pairs, got ${describeValue(paddings)}.`);
  paddings.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2)
      fail('pad', `paddings[${i}] must be a [before, after] pair, got ${describeValue(p)}.`);
  });
  if (paddings.length !== x.rank) {
    throw new Error(`pad: needs one [before, after] pair per axis of ${formatShape(x.shape)}, got ${paddings.length}.`);
  }
  return paddings.reduce((t, [before, after], axis) => padAxis(t, axis, before, after), x);
}

/**
 * Repeats each element `times` times along an axis in place (`[a, b]` → `[a, a, b, b]`), as
 * NumPy's `repeat`: nearest-neighbour upsampling. The gradient sums each group of copies.
 */
export function repeatElements(x: Tensor, axis: number, times: number): Tensor {
  checkTensor(x, 'repeatElements', 'x');
  const a = checkAxis(axis, x.rank, 'repeatElements');
  checkInt(times, 'repeatElements', 'times', 1);
  if (times === 1) return x;
  const { outer, length, inner } = around(x, a);
  const rows = outer * length;
  const shape = x.shape.slice();
  shape[a] = length * times;
  checkShape(shape, 'repeatElements: the result');
  const y = empty(shape, x.dtype);
  // Nothing to copy: a loop over `times` empty copies could run for minutes.
  if (y.size === 0) return y;
  for (let r = 0; r < times; r++) getBackend().copyBlock(x.values, rows, inner, y.values, times * inner, r * inner);
  record([x], [y], ([dy]) => {
    const { t: dx, data } = emptyFloat(x.shape);
    getBackend().reduceSum(floatData(dy!, 'repeatElements grad'), rows, times, inner, data);
    return [dx];
  });
  return y;
}

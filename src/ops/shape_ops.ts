import { getBackend } from '../backend/registry.js';
import { describeValue } from '../tensor/describe.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { empty } from './create.js';
import { repeatElements } from './pad.js';
import { record } from './tape.js';
import {
  checkAxis,
  checkIndices,
  checkInt,
  checkPerm,
  checkRank,
  checkTensor,
  checkTensors,
  fail,
} from './validate.js';

/** A new shape over the same storage; one dimension may be -1. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape', 'x');
  if (!Array.isArray(shape)) fail('reshape', `shape must be an array of integers, got ${describeValue(shape)}.`);
  if (shape.filter((d) => d === -1).length > 1)
    fail('reshape', `shape ${describeValue(shape)} may hold at most one -1.`);
  const resolved = shape.slice();
  const unknown = resolved.indexOf(-1);
  if (unknown >= 0) {
    const known = resolved.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    resolved[unknown] = known === 0 ? 0 : x.size / known;
  }
  if (sizeOf(resolved) !== x.size || resolved.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(
      `Cannot reshape a tensor of shape ${formatShape(x.shape)} (${x.size} values) to ${formatShape(shape)}.`,
    );
  }
  const y = new Tensor(x.values, resolved, x.dtype);
  record([x], [y], ([dy]) => [reshape(dy!, x.shape)]);
  return y;
}

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor(x, 'transpose', 'x');
  const p = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : checkPerm(perm, x.rank, 'transpose');
  const outShape = p.map((a) => x.shape[a]);
  const y = empty(outShape, x.dtype);
  getBackend().transpose(x.values, x.shape, p, y.values);
  const inverse = new Array<number>(p.length);
  p.forEach((a, i) => (inverse[a] = i));
  record([x], [y], ([dy]) => [transpose(dy!, inverse)]);
  return y;
}

export function concat(xs: readonly Tensor[], axis = -1): Tensor {
  checkTensors(xs, 'concat', 'xs');
  if (xs.length === 0) fail('concat', 'needs at least one tensor.');
  const rank = xs[0].rank;
  if (rank === 0) fail('concat', 'cannot join scalars (rank 0); give tensors of rank ≥ 1.');
  const a = checkAxis(axis, rank, 'concat');
  for (const t of xs) {
    if (t.rank !== rank || t.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(
        `concat along axis ${axis}: shapes ${xs.map((u) => formatShape(u.shape)).join(', ')} differ off that axis.`,
      );
    }
  }
  const outer = sizeOf(xs[0].shape.slice(0, a));
  const widths = xs.map((t) => sizeOf(t.shape.slice(a)));
  const outInner = widths.reduce((p, w) => p + w, 0);
  const outShape = xs[0].shape.slice();
  outShape[a] = xs.reduce((p, t) => p + t.shape[a], 0);
  const y = empty(outShape, xs[0].dtype);
  let offset = 0;
  xs.forEach((t, i) => {
    getBackend().copyBlock(t.values, outer, widths[i], y.values, outInner, offset);
    offset += widths[i];
  });
  record(xs, [y], ([dy]) => {
    let off = 0;
    return xs.map((t, i) => {
      const g = empty(t.shape, 'float32');
      getBackend().sliceBlock(dy!.values, outer, outInner, off, widths[i], g.values);
      off += widths[i];
      return g;
    });
  });
  return y;
}

/** The block x[..., begin : begin + size, ...] along one axis. */
export function sliceAxis(x: Tensor, axis: number, begin: number, size: number): Tensor {
  checkTensor(x, 'sliceAxis', 'x');
  const a = checkAxis(axis, x.rank, 'sliceAxis');
  checkInt(begin, 'sliceAxis', 'begin', 0, x.shape[a]);
  checkInt(size, 'sliceAxis', 'size', 0, x.shape[a] - begin);
  const outer = sizeOf(x.shape.slice(0, a));
  const innerUnit = sizeOf(x.shape.slice(a + 1));
  const outShape = x.shape.slice();
  outShape[a] = size;
  const y = empty(outShape, x.dtype);
  getBackend().sliceBlock(x.values, outer, x.shape[a] * innerUnit, begin * innerUnit, size * innerUnit, y.values);
  record([x], [y], ([dy]) => {
    const g = empty(x.shape, 'float32');
    getBackend().copyBlock(dy!.values, outer, size * innerUnit, g.values, x.shape[a] * innerUnit, begin * innerUnit);
    return [g];
  });
  return y;
}

export function expandDims(x: Tensor, axis: number): Tensor {
  checkTensor(x, 'expandDims', 'x');
  const a = checkAxis(axis, x.rank + 1, 'expandDims');
  const shape = x.shape.slice();
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Stacks equally shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  checkTensors(xs, 'stack', 'xs');
  if (xs.length === 0) fail('stack', 'needs at least one tensor.');
  const first = xs[0].shape;
  for (const t of xs) {
    if (t.rank !== first.length || t.shape.some((d, i) => d !== first[i])) {
      fail('stack', `every tensor must have the same shape, got ${xs.map((u) => formatShape(u.shape)).join(', ')}.`);
    }
  }
  checkAxis(axis, xs[0].rank + 1, 'stack');
  return concat(
    xs.map((t) => expandDims(t, axis)),
    axis,
  );
}

/** Repeats each slice along `axis` `times` times, in place (`[a, b]` → `[a, a, b, b]`). */
export function repeatAlong(x: Tensor, axis: number, times: number): Tensor {
  checkTensor(x, 'repeatAlong', 'x');
  const a = checkAxis(axis, x.rank, 'repeatAlong');
  checkInt(times, 'repeatAlong', 'times', 0);
  // No copies: the result is empty along the axis. Otherwise one block copy per repetition, not a
  // slice per element and copy (a part list of length·times once grew past what V8 can hold).
  return times === 0 ? sliceAxis(x, a, 0, 0) : repeatElements(x, a, times);
}

/** Rows of x selected by integer indices along axis 0 (used for batching and shuffling; no gradient). */
export function takeRows(x: Tensor, indices: Int32Array | readonly number[]): Tensor {
  checkTensor(x, 'takeRows', 'x');
  checkRank(x, 'takeRows', 'x', 1, Number.POSITIVE_INFINITY);
  if (!(indices instanceof Int32Array) && !Array.isArray(indices)) {
    fail('takeRows', `indices must be an Int32Array or an array of integers, got ${describeValue(indices)}.`);
  }
  // O(batch) per call: a shuffled batch is gathered row by row anyway, which costs more.
  checkIndices(indices, x.shape[0], 'takeRows', 'indices');
  const row = x.shape.length > 1 ? sizeOf(x.shape.slice(1)) : 1;
  const y = empty([indices.length, ...x.shape.slice(1)], x.dtype);
  const src = x.values;
  const dst = y.values;
  // Float rows go through the backend's embedding gather: the same operation, native when available.
  if (src instanceof Float32Array && indices instanceof Int32Array)
    getBackend().gather(src, row, indices, dst as Float32Array);
  else if (src instanceof Float32Array) gatherRowsF32(src, dst as Float32Array, indices, row);
  else if (src instanceof Int32Array) gatherRowsI32(src, dst as Int32Array, indices, row);
  else gatherRowsU8(src, dst as Uint8Array, indices, row);
  return y;
}

// One copy loop per element type keeps each loop monomorphic; `set(subarray(...))` would allocate
// a view per row, which dominates for the short rows of a batch.
function gatherRowsF32(
  src: Float32Array,
  dst: Float32Array,
  indices: Int32Array | readonly number[],
  row: number,
): void {
  for (let i = 0, d = 0; i < indices.length; i++) {
    const s = indices[i] * row;
    for (let j = 0; j < row; j++) dst[d++] = src[s + j];
  }
}
function gatherRowsI32(src: Int32Array, dst: Int32Array, indices: Int32Array | readonly number[], row: number): void {
  for (let i = 0, d = 0; i < indices.length; i++) {
    const s = indices[i] * row;
    for (let j = 0; j < row; j++) dst[d++] = src[s + j];
  }
}
function gatherRowsU8(src: Uint8Array, dst: Uint8Array, indices: Int32Array | readonly number[], row: number): void {
  for (let i = 0, d = 0; i < indices.length; i++) {
    const s = indices[i] * row;
    for (let j = 0; j < row; j++) dst[d++] = src[s + j];
  }
}

/** A contiguous run of rows [start, end) along axis 0, sharing storage (no gradient). */
export function rowRange(x: Tensor, start: number, end: number): Tensor {
  checkTensor(x, 'rowRange', 'x');
  checkRank(x, 'rowRange', 'x', 1, Number.POSITIVE_INFINITY);
  checkInt(start, 'rowRange', 'start', 0, x.shape[0]);
  checkInt(end, 'rowRange', 'end', start, x.shape[0]);
  const row = x.shape.length > 1 ? sizeOf(x.shape.slice(1)) : 1;
  return new Tensor(x.values.subarray(start * row, end * row), [end - start, ...x.shape.slice(1)], x.dtype);
}

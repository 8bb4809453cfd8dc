import { getBackend } from '../backend/registry.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatData, floatBuffer } from './create.js';
import { record } from './tape.js';
import { checkAxes, checkAxis, checkBoolean, checkNumber, checkShapeArg, checkTensor, fail } from './validate.js';

function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Sums contiguous runs of axes one run at a time, viewing the tensor as [outer, reduce, inner]. */
function sumRaw(x: Float32Array, shape: readonly number[], axes: readonly number[]): Float32Array {
  let data = x;
  let cur = shape.slice();
  for (let k = axes.length - 1; k >= 0; k--) {
    const a = axes[k];
    const outer = cur.slice(0, a).reduce((p, d) => p * d, 1);
    const inner = cur.slice(a + 1).reduce((p, d) => p * d, 1);
    const out = floatBuffer(outer * inner);
    getBackend().reduceSum(data, outer, cur[a], inner, out);
    data = out;
    cur = [...cur.slice(0, a), 1, ...cur.slice(a + 1)];
  }
  return data;
}

export function sum(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor(x, 'sum', 'x');
  checkBoolean(keepDims, 'sum', 'keepDims');
  const axes = checkAxes(axis, x.rank, 'sum');
  const outShape = reducedShape(x.shape, axes, keepDims);
  const data = axes.length === 0 ? floatData(x, 'sum').slice() : sumRaw(floatData(x, 'sum'), x.shape, axes);
  const y = new Tensor(data, outShape, 'float32');
  record([x], [y], ([dy]) => [broadcastTo(dy!.reshape(reducedShape(x.shape, axes, true)), x.shape)]);
  return y;
}

export function mean(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor(x, 'mean', 'x');
  const axes = checkAxes(axis, x.rank, 'mean');
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  const s = sum(x, axes, keepDims);
  return scale(s, 1 / count);
}

/** Max over one axis, with its gradient routed to the (first) maximal element. */
export function max(x: Tensor, axis: number, keepDims = false): Tensor {
  checkTensor(x, 'max', 'x');
  checkBoolean(keepDims, 'max', 'keepDims');
  const a = checkAxis(axis, x.rank, 'max');
  // A maximum over nothing has no value (NumPy refuses it too) and its gradient no element to go to.
  if (x.shape[a] === 0) fail('max', `axis ${axis} of shape ${formatShape(x.shape)} is empty; it has no maximum.`);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const reduce = x.shape[a];
  const outShape = reducedShape(x.shape, [a], keepDims);
  const { t: y, data } = emptyFloat(outShape);
  const argmax = new Int32Array(outer * inner);
  getBackend().reduceMax(floatData(x, 'max'), outer, reduce, inner, data, argmax);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    const g = floatData(dy!, 'max grad');
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) dxd[(o * reduce + argmax[o * inner + i]) * inner + i] = g[o * inner + i];
    }
    return [dx];
  });
  return y;
}

/** Index of the maximum along an axis (int32, no gradient). */
export function argMax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'argMax', 'x');
  const a = checkAxis(axis, x.rank, 'argMax');
  if (x.shape[a] === 0) fail('argMax', `axis ${axis} of shape ${formatShape(x.shape)} is empty; it has no maximum.`);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const out = floatBuffer(outer * inner);
  const idx = new Int32Array(outer * inner);
  getBackend().reduceMax(floatData(x, 'argMax'), outer, x.shape[a], inner, out, idx);
  return new Tensor(idx, reducedShape(x.shape, [a], false), 'int32');
}

/**
 * Whether any element over the axes (all of them by default) is nonzero: a `bool` tensor, without a
 * gradient, as Keras's `ops.any`. Masks are made this way (Masking: a step is real where any feature
 * differs from the mask value), so it reads any dtype.
 */
export function any(x: Tensor, axis?: number | readonly number[], keepDims = false): Tensor {
  checkTensor(x, 'any', 'x');
  checkBoolean(keepDims, 'any', 'keepDims');
  const axes = checkAxes(axis, x.rank, 'any');
  const outShape = reducedShape(x.shape, axes, keepDims);
  // The output offset each input axis moves by: 0 along the reduced axes.
  const strides = new Array<number>(x.rank).fill(0);
  let size = 1;
  for (let d = x.rank - 1; d >= 0; d--) {
    if (axes.includes(d)) continue;
    strides[d] = size;
    size *= x.shape[d];
  }
  const out = new Uint8Array(size);
  const index = new Array<number>(x.rank).fill(0);
  const v = x.values;
  let o = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) out[o] = 1;
    for (let d = x.rank - 1; d >= 0; d--) {
      o += strides[d];
      if (++index[d] < x.shape[d]) break;
      o -= strides[d] * x.shape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, outShape, 'bool');
}

/** `from` broadcasts to exactly `to`: no higher rank, and each dimension 1 or equal (right-aligned). */
function checkBroadcastsTo(from: readonly number[], to: readonly number[], op: string): void {
  const lead = to.length - from.length;
  if (lead < 0 || from.some((d, i) => d !== 1 && d !== to[lead + i])) {
    fail(op, `shape ${formatShape(from)} does not broadcast to ${formatShape(to)}.`);
  }
}

/** Repeats x (whose shape broadcasts to `shape`) up to `shape`. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'broadcastTo', 'x');
  checkShapeArg(shape, 'broadcastTo', 'shape');
  checkBroadcastsTo(x.shape, shape, 'broadcastTo');
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const { t: y, data } = emptyFloat(shape);
  const zero = floatBuffer(1);
  getBackend().binary('add', floatData(x, 'broadcastTo'), x.shape, zero, [1], data, shape);
  record([x], [y], ([dy]) => [unbroadcast(dy!, x.shape)]);
  return y;
}

/** Sums a gradient of a broadcast result back down to the operand's shape. */
export function unbroadcast(dy: Tensor, shape: readonly number[]): Tensor {
  checkTensor(dy, 'unbroadcast', 'dy');
  checkShapeArg(shape, 'unbroadcast', 'shape');
  checkBroadcastsTo(shape, dy.shape, 'unbroadcast');
  if (dy.shape.length === shape.length && dy.shape.every((d, i) => d === shape[i])) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  const data = sumRaw(floatData(dy, 'unbroadcast'), dy.shape, axes);
  return new Tensor(data, shape, 'float32');
}

/** x · c for a plain number (kept here because mean needs it and arithmetic imports this file). */
export function scale(x: Tensor, c: number): Tensor {
  checkTensor(x, 'scale', 'x');
  checkNumber(c, 'scale', 'c');
  const xd = floatData(x, 'scale');
  const { t: y, data } = emptyFloat(x.shape);
  for (let i = 0; i < data.length; i++) data[i] = xd[i] * c;
  record([x], [y], ([dy]) => [scale(dy!, c)]);
  return y;
}

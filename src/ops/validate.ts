import { describeValue } from '../tensor/describe.js';
import { checkShape, formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/*
 * Argument checks shared by every op. Each error names the op, the argument, what was expected and
 * what arrived, and each check is O(rank) (index checks are O(number of indices)): ops run these on
 * every call, in every training step, so nothing here may look at a tensor's data.
 */

/** Throws `op: message`. */
export function fail(op: string, message: string): never {
  throw new Error(`${op}: ${message}`);
}

export function checkTensor(x: unknown, op: string, arg: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${describeValue(x)}.`);
}

export function checkTensors(xs: unknown, op: string, arg: string): asserts xs is readonly Tensor[] {
  if (!Array.isArray(xs)) throw new TypeError(`${op}: ${arg} must be an array of tensors, got ${describeValue(xs)}.`);
  xs.forEach((x, i) => checkTensor(x, op, `${arg}[${i}]`));
}

/** The tensor's rank is `rank`, or within [rank, max] when max is given. */
export function checkRank(x: Tensor, op: string, arg: string, rank: number, max = rank): void {
  if (x.rank < rank || x.rank > max) {
    const want =
      max === rank ? `rank ${rank}` : max === Number.POSITIVE_INFINITY ? `rank ≥ ${rank}` : `rank ${rank} to ${max}`;
    fail(op, `${arg} must have ${want}, got shape ${formatShape(x.shape)}.`);
  }
}

/** An integer in [min, max]. */
export function checkInt(v: unknown, op: string, arg: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    fail(op, `${arg} must be ${range}, got ${describeValue(v)}.`);
  }
  return v;
}

/** The largest value a window geometry may hold: the native kernels receive it as int32. */
export const MAX_INT32 = 2 ** 31 - 1;

/** A pair of integers in [min, 2^31 − 1] (strides, dilations, pool sizes). */
export function checkIntPair(v: unknown, op: string, arg: string, min = 1): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) fail(op, `${arg} must be a pair [h, w], got ${describeValue(v)}.`);
  return [checkInt(v[0], op, `${arg}[0]`, min, MAX_INT32), checkInt(v[1], op, `${arg}[1]`, min, MAX_INT32)];
}

export function checkNumber(v: unknown, op: string, arg: string): number {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${arg} must be a number, got ${describeValue(v)}.`);
  return v;
}

export function checkBoolean(v: unknown, op: string, arg: string): boolean {
  if (typeof v !== 'boolean') fail(op, `${arg} must be true or false, got ${describeValue(v)}.`);
  return v;
}

export function checkOneOf<T extends string>(v: unknown, allowed: readonly T[], op: string, arg: string): T {
  if (!(allowed as readonly unknown[]).includes(v)) {
    fail(op, `${arg} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(v)}.`);
  }
  return v as T;
}

export function checkFunction(v: unknown, op: string, arg: string): void {
  if (typeof v !== 'function') fail(op, `${arg} must be a function, got ${describeValue(v)}.`);
}

/** A shape argument: non-negative integers. */
export function checkShapeArg(shape: unknown, op: string, arg: string): asserts shape is Shape {
  checkShape(shape, `${op}: ${arg}`);
}

/** An axis in [-rank, rank), returned non-negative. */
export function checkAxis(axis: unknown, rank: number, op: string, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    fail(
      op,
      `${arg} must be an integer in [${-rank}, ${rank - 1}] for a tensor of rank ${rank}, got ${describeValue(axis)}.`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Axes (one, several, or all when undefined), each in range and none repeated; sorted ascending. */
export function checkAxes(axis: unknown, rank: number, op: string): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const out = list.map((a, i) => checkAxis(a, rank, op, Array.isArray(axis) ? `axis[${i}]` : 'axis'));
  if (new Set(out).size !== out.length) {
    fail(op, `axis ${describeValue(axis)} names an axis more than once for a tensor of rank ${rank}.`);
  }
  return out.sort((a, b) => a - b);
}

/** A permutation of 0..rank-1: a repeated or missing axis would read the wrong elements. */
export function checkPerm(perm: unknown, rank: number, op: string): number[] {
  const ok =
    Array.isArray(perm) &&
    perm.length === rank &&
    perm.every((p) => Number.isInteger(p) && p >= 0 && p < rank) &&
    new Set(perm).size === rank;
  if (!ok) {
    fail(op, `perm must list each axis 0..${rank - 1} exactly once (a permutation), got ${describeValue(perm)}.`);
  }
  return perm as number[];
}

/** Integer indices into `n` rows. O(indices): the one check here that grows with its input. */
export function checkIndices(indices: ArrayLike<number>, n: number, op: string, arg: string): void {
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (!(Number.isInteger(v) && v >= 0 && v < n)) {
      fail(
        op,
        `${arg}[${i}] is ${describeValue(v)}, out of range for ${n} rows (expected an integer in [0, ${n - 1}]).`,
      );
    }
  }
}

/** A float32 tensor of exactly `shape` (weights, biases, masks). */
export function checkExactShape(t: Tensor, shape: readonly number[], op: string, arg: string): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    fail(op, `${arg} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}.`);
  }
}

// Properties over tensor construction and the shape, reduction and elementwise ops: whatever the
// arguments, a clear Error or the reference's result (see fuzz_judge.ts). Arguments are mostly
// valid and sometimes hostile (negative, fractional, NaN, strings, out of range).
import fc from 'fast-check';
import * as ops from '../../src/ops/index.js';
import { type NestedArray, Tensor, tensor } from '../../src/tensor/tensor.js';
import { anInt, attempt, define, isIntIn, judge, loose, sameValues, shapeArb, tensorArb } from './fuzz_judge.js';
import * as ref from './fuzz_reference.js';

// Nested arrays with, now and then, a non-number leaf or a ragged row.
define('tensor() from nested arrays', [
  shapeArb(0, 3),
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom<unknown>('a', null, undefined, {}, Number.NaN, true),
], (shape: number[], spoil: number, leaf: unknown) => {
  const flat = Array.from({ length: ref.size(shape) }, (_, i) => i - 2);
  const build = (dim: number, off: number): unknown =>
    dim === shape.length
      ? flat[off]
      : Array.from({ length: shape[dim] }, (_, i) => build(dim + 1, off * shape[dim] + i));
  let data = build(0, 0);
  let valid = true;
  if (spoil === 0 && flat.length > 0) {
    // Replace the last leaf: a number or a boolean is still data, anything else is not.
    valid = typeof leaf === 'number' || typeof leaf === 'boolean';
    if (shape.length === 0) data = leaf;
    else {
      let row = data as unknown[];
      for (let d = 1; d < shape.length; d++) row = row[row.length - 1] as unknown[];
      row[row.length - 1] = leaf;
    }
  } else if (spoil === 1 && shape.length >= 2 && shape[0] >= 2 && shape[1] >= 1) {
    const rows = data as unknown[][];
    rows[1] = rows[1].slice(1);
    valid = false;
  }
  // Nested arrays cannot say what lies below an empty level: [[], []] is (2, 0), never (2, 0, 3).
  const zero = shape.indexOf(0);
  const seen = zero < 0 ? shape : shape.slice(0, zero + 1);
  const r = attempt(() => tensor(loose<NestedArray>(data)));
  judge(r, valid, (t) => (spoil === 0 ? t.size === flat.length : sameValues(t, seen, flat)), 'tensor(nested)');
});

define('new Tensor(values, shape)', [fc.integer({ min: 0, max: 8 }), fc.array(anInt(-2, 4), { maxLength: 4 })], (
  n: number,
  shape: unknown[],
) => {
  const valid = shape.every((d) => isIntIn(d, 0, 2 ** 53)) && ref.size(shape as number[]) === n;
  judge(
    attempt(() => new Tensor(new Float32Array(n), loose(shape))),
    valid,
    (t) => t.size === n,
    'new Tensor',
  );
  judge(
    attempt(() => tensor(new Float32Array(n), loose(shape))),
    valid,
    (t) => t.size === n,
    'tensor(typed, shape)',
  );
});

define('transpose(x, perm)', [
  tensorArb(0, 4),
  fc.oneof(fc.constant('permute'), fc.array(anInt(-1, 4), { maxLength: 5 })),
], (x: Tensor, p: unknown) => {
  const perm = p === 'permute' ? x.shape.map((_, i) => i).reverse() : (p as unknown[]);
  const valid = perm.length === x.rank && perm.every((v) => isIntIn(v, 0, x.rank - 1)) && new Set(perm).size === x.rank;
  const r = attempt(() => ops.transpose(x, loose(perm)));
  judge(
    r,
    valid,
    (y) =>
      sameValues(
        y,
        (perm as number[]).map((a) => x.shape[a]),
        ref.transposeRef(x.values, x.shape, perm as number[]),
      ),
    'transpose',
  );
});

define('sum / mean / max / argMax over axes', [
  tensorArb(1, 3),
  fc.oneof(anInt(-4, 4), fc.array(anInt(-3, 3), { maxLength: 3 })),
  fc.constantFrom('sum', 'mean', 'max', 'argMax'),
], (x: Tensor, axis: unknown, op: string) => {
  const list = Array.isArray(axis) ? axis : [axis];
  const inRange = list.every((a) => isIntIn(a, -x.rank, x.rank - 1));
  const axes = inRange ? [...new Set(list.map((a) => ((a as number) + x.rank) % x.rank))].sort() : [];
  let valid = inRange && axes.length === list.length;
  if (op === 'max' || op === 'argMax') valid = valid && !Array.isArray(axis) && x.shape[axes[0]] > 0;
  const f = op === 'max' || op === 'argMax' ? Math.max : (acc: number, v: number) => acc + v;
  const expect = valid
    ? ref.reduceRef(x.values, x.shape, axes, f, op === 'max' || op === 'argMax' ? -Infinity : 0)
    : null;
  const count = axes.reduce((p, a) => p * x.shape[a], 1);
  const r = attempt(() =>
    op === 'sum'
      ? ops.sum(x, loose(axis))
      : op === 'mean'
        ? ops.mean(x, loose(axis))
        : op === 'max'
          ? ops.max(x, loose(axis))
          : ops.argMax(x, loose(axis)),
  );
  judge(
    r,
    valid,
    (y) => {
      if (!expect) return false;
      if (op === 'argMax')
        return (
          y.shape.join() === expect.shape.join() &&
          Array.from(y.values).every((k) => Number.isInteger(k) && k >= 0 && k < x.shape[axes[0]])
        );
      const values = op === 'mean' ? expect.values.map((v) => v / count) : expect.values;
      return sameValues(y, expect.shape, values);
    },
    op,
  );
});

define('reshape(x, shape)', [tensorArb(0, 3), fc.array(anInt(-2, 6), { maxLength: 4 })], (
  x: Tensor,
  shape: unknown[],
) => {
  const ints = shape.every((d) => isIntIn(d, -1, 2 ** 53)) && shape.filter((d) => d === -1).length <= 1;
  const known = ints ? (shape as number[]).filter((d) => d !== -1).reduce((p, d) => p * d, 1) : 0;
  const valid = ints && (shape.includes(-1) ? (known === 0 ? x.size === 0 : x.size % known === 0) : known === x.size);
  judge(
    attempt(() => ops.reshape(x, loose(shape))),
    valid,
    (y) => y.size === x.size && ref.close(y.values, x.values),
    'reshape',
  );
});

define('sliceAxis / concat / takeRows / rowRange', [
  tensorArb(1, 3),
  anInt(-3, 3),
  anInt(-1, 4),
  anInt(-1, 4),
  fc.array(anInt(-1, 4), { maxLength: 4 }),
], (x: Tensor, axis: unknown, a: unknown, b: unknown, rows: unknown[]) => {
  const ax = isIntIn(axis, -x.rank, x.rank - 1) ? ((axis as number) + x.rank) % x.rank : -1;
  const dim = ax >= 0 ? x.shape[ax] : 0;
  const okSlice = ax >= 0 && isIntIn(a, 0, dim) && isIntIn(b, 0, dim - (a as number));
  judge(
    attempt(() => ops.sliceAxis(x, loose(axis), loose(a), loose(b))),
    okSlice,
    (y) => y.shape[ax] === b,
    'sliceAxis',
  );
  judge(
    attempt(() => ops.concat([x, x], loose(axis))),
    ax >= 0,
    (y) => y.shape[ax] === 2 * dim,
    'concat',
  );
  const okRows = rows.every((r) => isIntIn(r, 0, x.shape[0] - 1));
  const row = x.size / Math.max(x.shape[0], 1);
  judge(
    attempt(() => ops.takeRows(x, loose(rows))),
    okRows,
    (y) =>
      y.shape[0] === rows.length &&
      (rows as number[]).every((r, i) =>
        ref.close(y.values.subarray(i * row, (i + 1) * row), x.values.subarray(r * row, (r + 1) * row)),
      ),
    'takeRows',
  );
  const okRange = isIntIn(a, 0, x.shape[0]) && isIntIn(b, a as number, x.shape[0]);
  judge(
    attempt(() => ops.rowRange(x, loose(a), loose(b))),
    okRange,
    (y) => y.shape[0] === (b as number) - (a as number),
    'rowRange',
  );
});

define('broadcasting binary ops', [
  tensorArb(0, 3, 2),
  tensorArb(0, 3, 2),
  fc.constantFrom('add', 'mul', 'maximum', 'greater'),
], (a: Tensor, b: Tensor, op: string) => {
  const shape = ref.broadcastRef(a.shape, b.shape);
  const f =
    op === 'add'
      ? (u: number, v: number) => u + v
      : op === 'mul'
        ? (u: number, v: number) => u * v
        : op === 'maximum'
          ? Math.max
          : (u: number, v: number) => (u > v ? 1 : 0);
  const r = attempt(() =>
    op === 'greater'
      ? ops.compare('greater', a, b)
      : op === 'add'
        ? ops.add(a, b)
        : op === 'mul'
          ? ops.mul(a, b)
          : ops.maximum(a, b),
  );
  judge(
    r,
    shape !== null,
    (y) => shape !== null && sameValues(y, shape, ref.binaryRef(f, a.values, a.shape, b.values, b.shape, shape)),
    op,
  );
});

define('expandDims / stack / repeatAlong / repeatElements / padAxis', [
  tensorArb(1, 3),
  anInt(-4, 4),
  anInt(-1, 3),
  anInt(-1, 2),
], (x: Tensor, axis: unknown, times: unknown, pad: unknown) => {
  const inNew = isIntIn(axis, -x.rank - 1, x.rank);
  const at = inNew ? ((axis as number) + x.rank + 1) % (x.rank + 1) : -1;
  const withOne = (s: readonly number[]): number[] => [...s.slice(0, at), 1, ...s.slice(at)];
  judge(
    attempt(() => ops.expandDims(x, loose(axis))),
    inNew,
    (y) => sameValues(y, withOne(x.shape), x.values),
    'expandDims',
  );
  const stacked = [...x.shape.slice(0, at), 2, ...x.shape.slice(at)];
  judge(
    attempt(() => ops.stack([x, x], loose(axis))),
    inNew,
    (y) => y.shape.join() === stacked.join(),
    'stack',
  );
  const inAxis = isIntIn(axis, -x.rank, x.rank - 1);
  const ax = inAxis ? ((axis as number) + x.rank) % x.rank : -1;
  const grown = (k: number): number[] => x.shape.map((d, i) => (i === ax ? d * k : d));
  const padded = (p: number): number[] => x.shape.map((d, i) => (i === ax ? d + 2 * p : d));
  const sum = (t: Tensor): number => Array.from(t.values).reduce((p, v) => p + v, 0);
  // A result past 2^32 elements must be refused clearly; one of millions is valid but too slow to fuzz.
  const sized = <T>(
    shape: number[] | null,
    valid: boolean,
    run: () => T,
    check: (y: T) => boolean,
    what: string,
  ): void => {
    const n = shape ? ref.size(shape) : 0;
    if (valid && n > 1e6 && n <= 2 ** 32) return;
    judge(attempt(run), valid && n <= 2 ** 32, check, what);
  };
  const t = times as number;
  const okTimes = (min: number): boolean => inAxis && isIntIn(times, min, 2 ** 53);
  sized(
    okTimes(0) ? grown(t) : null,
    okTimes(0),
    () => ops.repeatAlong(x, loose(axis), loose(times)),
    (y) => y.shape.join() === grown(t).join() && ref.close([sum(y)], [t * sum(x)]),
    'repeatAlong',
  );
  sized(
    okTimes(1) ? grown(t) : null,
    okTimes(1),
    () => ops.repeatElements(x, loose(axis), loose(times)),
    (y) => y.shape.join() === grown(t).join(),
    'repeatElements',
  );
  const okPad = inAxis && isIntIn(pad, 0, 2 ** 53);
  sized(
    okPad ? padded(pad as number) : null,
    okPad,
    () => ops.padAxis(x, loose(axis), loose(pad), loose(pad)),
    (y) => y.shape.join() === padded(pad as number).join() && ref.close([sum(y)], [sum(x)]),
    'padAxis',
  );
});

const UNARY_SAMPLE = ['neg', 'abs', 'square', 'relu', 'sign', 'cube', '', 'constructor'];
define('unary names, clip bounds and cast dtypes', [
  tensorArb(0, 2),
  fc.constantFrom(...UNARY_SAMPLE),
  anInt(-2, 2),
  anInt(-2, 2),
  fc.constantFrom<unknown>('float32', 'int32', 'bool', 'float64', 3),
], (x: Tensor, op: string, lo: unknown, hi: unknown, dtype: unknown) => {
  const f: Record<string, (v: number) => number> = {
    neg: (v) => -v,
    abs: Math.abs,
    square: (v) => v * v,
    relu: (v) => Math.max(v, 0),
    sign: Math.sign,
  };
  const known = Object.hasOwn(f, op);
  const r = attempt(() => ops.unary(loose(op), x));
  judge(r, known, (y) => sameValues(y, x.shape, Array.from(x.values, f[op] ?? ((v) => v))), `unary(${op})`);
  const bounds = typeof lo === 'number' && typeof hi === 'number' && !Number.isNaN(lo) && !Number.isNaN(hi) && lo <= hi;
  // In float32, as the op computes: a bound of 1e300 is Infinity there.
  const clipped = Array.from(x.values, (v) => Math.fround(Math.min(Math.max(v, lo as number), hi as number)));
  judge(
    attempt(() => ops.clip(x, loose(lo), loose(hi))),
    bounds,
    (y) => sameValues(y, x.shape, clipped),
    'clip',
  );
  const okType = dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
  judge(
    attempt(() => ops.cast(x, loose(dtype))),
    okType,
    (y) => y.dtype === dtype && y.size === x.size,
    'cast',
  );
});

// Properties over the matmul, dropout, softmax, convolution, gather and recurrent ops: whatever
// the arguments, a clear Error or the reference's result (see fuzz_judge.ts).
import fc from 'fast-check';
import * as ops from '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { anInt, attempt, define, isIntIn, judge, loose, sameValues, shapeArb, tensorArb } from './fuzz_judge.js';
import * as ref from './fuzz_reference.js';

define('matMul with transposes and a bias', [
  tensorArb(1, 3),
  tensorArb(1, 3),
  fc.boolean(),
  fc.boolean(),
  fc.option(tensorArb(1, 1)),
], (a: Tensor, b: Tensor, tA: boolean, tB: boolean, bias: Tensor | null) => {
  const [m, k] = tA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = tB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  const valid = a.rank === 2 && b.rank === 2 && k === kb && (bias === null || (bias.rank === 1 && bias.shape[0] === n));
  const r = attempt(() => ops.matMul(a, b, { transposeA: tA, transposeB: tB, bias }));
  judge(
    r,
    valid,
    (y) => {
      const plain = ref.matMulRef(a.values, b.values, m, n, k, tA, tB);
      return sameValues(y, [m, n], bias ? plain.map((v, i) => v + bias.values[i % n]) : plain);
    },
    'matMul',
  );
});

define('dropout(x, rate, noiseShape)', [
  tensorArb(1, 3),
  fc.oneof(fc.double({ min: -0.5, max: 1.5, noNaN: true }), fc.constantFrom(0, 1, Number.NaN, '0.5')),
  fc.boolean(),
], (x: Tensor, rate: unknown, noise: boolean) => {
  const valid = typeof rate === 'number' && rate >= 0 && rate < 1;
  const noiseShape = noise ? x.shape.map((d, i) => (i === 0 ? d : 1)) : undefined;
  const r = attempt(() => ops.dropout(x, loose(rate), noiseShape));
  judge(
    r,
    valid,
    (y) =>
      Array.from(y.values).every(
        (v, i) => v === 0 || Math.abs(v - x.values[i] / (1 - (rate as number))) <= 1e-4 * (1 + Math.abs(v)),
      ),
    'dropout',
  );
});

define('softmax(x, axis)', [tensorArb(1, 3), anInt(-4, 3)], (x: Tensor, axis: unknown) => {
  const valid = isIntIn(axis, -x.rank, x.rank - 1);
  judge(
    attempt(() => ops.softmax(x, loose(axis))),
    valid,
    (y) => {
      const ax = ((axis as number) + x.rank) % x.rank;
      const sums = ref.reduceRef(y.values, y.shape, [ax], (p, v) => p + v, 0).values;
      return y.shape.join() === x.shape.join() && (x.shape[ax] === 0 || sums.every((s) => Math.abs(s - 1) < 1e-5));
    },
    'softmax',
  );
});

define('conv2d(x, kernel, options)', [
  shapeArb(4, 4, 4),
  shapeArb(4, 4, 3),
  fc.array(anInt(0, 3), { minLength: 2, maxLength: 2 }),
  fc.array(anInt(0, 2), { minLength: 2, maxLength: 2 }),
  fc.constantFrom<unknown>('valid', 'same', 'full'),
  anInt(0, 2),
], (xs: number[], ks: number[], strides: unknown[], dilation: unknown[], padding: unknown, groups: unknown) => {
  const x = new Tensor(
    Float32Array.from({ length: ref.size(xs) }, (_, i) => (i % 5) - 2),
    xs,
    'float32',
  );
  const k = new Tensor(
    Float32Array.from({ length: ref.size(ks) }, (_, i) => (i % 3) - 1),
    ks,
    'float32',
  );
  // `groups ?? 1`: null, like undefined, means the default.
  const g = groups === null ? 1 : (groups as number);
  // Geometry travels to the native kernels as int32: larger strides and dilations are refused.
  const okOpts =
    strides.every((s) => isIntIn(s, 1, 2 ** 31 - 1)) &&
    dilation.every((d) => isIntIn(d, 1, 2 ** 31 - 1)) &&
    (padding === 'valid' || padding === 'same') &&
    isIntIn(g, 1, 2 ** 53);
  const okKernel = ks.every((d) => d > 0) && okOpts && ks[2] * g === xs[3] && ks[3] % g === 0;
  const out = okKernel
    ? ref.conv2dRef(x.values, xs, k.values, ks, strides as number[], dilation as number[], padding === 'same', g)
    : null;
  const valid = out !== null && out.shape[1] > 0 && out.shape[2] > 0;
  const r = attempt(() => ops.conv2d(x, k, null, loose({ strides, dilation, padding, groups })));
  judge(r, valid, (y) => out !== null && sameValues(y, out.shape, out.values), 'conv2d');
});

define('gather and embeddingLookup indices', [
  tensorArb(2, 2),
  fc.array(fc.integer({ min: -2, max: 4 }), { maxLength: 5 }),
], (table: Tensor, idx: number[]) => {
  const valid = idx.every((i) => i >= 0 && i < table.shape[0]);
  const indices = new Tensor(Int32Array.from(idx), [idx.length], 'int32');
  const dim = table.shape[1];
  const check = (y: Tensor): boolean =>
    idx.every((r, i) =>
      ref.close(y.values.subarray(i * dim, (i + 1) * dim), table.values.subarray(r * dim, (r + 1) * dim)),
    );
  judge(
    attempt(() => ops.gather(table, indices)),
    valid,
    check,
    'gather',
  );
  judge(
    attempt(() => ops.embeddingLookup(table, indices)),
    valid,
    check,
    'embeddingLookup',
  );
});

define('lstm / gru / simpleRnn shapes', [
  shapeArb(3, 3, 3),
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('lstm', 'gru', 'simpleRnn'),
  fc.constantFrom<unknown>('tanh', 'relu', 'softmax'),
], (xs: number[], u: number, cell: string, activation: unknown) => {
  const gates = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const x = new Tensor(new Float32Array(ref.size(xs)).fill(0.5), xs, 'float32');
  const kernel = new Tensor(new Float32Array(xs[2] * gates * u).fill(0.1), [xs[2], gates * u], 'float32');
  const rk = new Tensor(new Float32Array(u * gates * u).fill(0.1), [u, gates * u], 'float32');
  const opts = loose<ops.RecurrentOpOptions>({ activation, returnSequences: true });
  const run = cell === 'lstm' ? ops.lstm : cell === 'gru' ? ops.gru : ops.simpleRnn;
  const valid = u >= 1 && xs[1] >= 1 && activation !== 'softmax';
  const r = attempt(() => run(x, kernel, rk, null, null, opts).output);
  judge(
    r,
    valid,
    (y) => y.shape.join() === [xs[0], xs[1], u].join() && Array.from(y.values).every(Number.isFinite),
    cell,
  );
});

define('maxPool2d / avgPool2d options', [
  shapeArb(4, 4, 4),
  fc.array(anInt(0, 3), { minLength: 2, maxLength: 2 }),
  fc.array(anInt(0, 3), { minLength: 2, maxLength: 2 }),
  fc.constantFrom<unknown>('valid', 'same', 'causal'),
], (xs: number[], poolSize: unknown[], strides: unknown[], padding: unknown) => {
  const x = new Tensor(
    Float32Array.from({ length: ref.size(xs) }, (_, i) => (i % 7) - 3),
    xs,
    'float32',
  );
  const ok = (v: unknown[]): boolean => v.every((d) => isIntIn(d, 1, 2 ** 31 - 1));
  const opts = loose<ops.Pool2DOptions>({ poolSize, strides, padding });
  const sizes = ok(poolSize) && ok(strides) && (padding === 'valid' || padding === 'same');
  const h = sizes ? ref.windowAxis(xs[1], poolSize[0] as number, strides[0] as number, 1, padding === 'same') : [0, 0];
  const w = sizes ? ref.windowAxis(xs[2], poolSize[1] as number, strides[1] as number, 1, padding === 'same') : [0, 0];
  const valid = sizes && h[0] > 0 && w[0] > 0;
  const out = [xs[0], h[0], w[0], xs[3]];
  for (const pool of [ops.maxPool2d, ops.avgPool2d]) {
    judge(
      attempt(() => pool(x, opts)),
      valid,
      (y) => y.shape.join() === out.join() && Array.from(y.values).every(Number.isFinite),
      pool.name,
    );
  }
});

define('depthwiseConv2d and conv2dTranspose kernels', [
  shapeArb(4, 4, 4),
  shapeArb(4, 4, 3),
  fc.array(anInt(0, 2), { minLength: 2, maxLength: 2 }),
  fc.constantFrom<unknown>('valid', 'same'),
], (xs: number[], ks: number[], strides: unknown[], padding: unknown) => {
  const x = new Tensor(new Float32Array(ref.size(xs)).fill(1), xs, 'float32');
  const k = new Tensor(new Float32Array(ref.size(ks)).fill(0.5), ks, 'float32');
  const okStrides = strides.every((s) => isIntIn(s, 1, 2 ** 31 - 1));
  const kernelOk = ks.every((d) => d > 0);
  const h = ref.windowAxis(xs[1], ks[0], okStrides ? (strides[0] as number) : 1, 1, padding === 'same');
  const w = ref.windowAxis(xs[2], ks[1], okStrides ? (strides[1] as number) : 1, 1, padding === 'same');
  const dwValid = kernelOk && okStrides && ks[2] === xs[3] && h[0] > 0 && w[0] > 0;
  const dw = attempt(() => ops.depthwiseConv2d(x, k, loose({ strides, padding })));
  judge(dw, dwValid, (y) => y.shape.join() === [xs[0], h[0], w[0], xs[3] * ks[3]].join(), 'depthwiseConv2d');
  // Transposed: kernel [kH, kW, filters, inC]; its output maps back onto the input, or it is refused.
  const tr = attempt(() => ops.conv2dTranspose(x, k, null, loose({ strides, padding })));
  if (!(kernelOk && okStrides && ks[3] === xs[3])) judge(tr, false, () => true, 'conv2dTranspose');
  else if (tr.ok)
    judge(
      tr,
      true,
      (y) => y.shape[0] === xs[0] && y.shape[3] === ks[2] && Array.from(y.values).every(Number.isFinite),
      'conv2dTranspose',
    );
});

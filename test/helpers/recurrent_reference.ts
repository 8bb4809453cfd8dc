import assert from 'node:assert/strict';
import * as ops from '../../src/ops/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randTensor } from './gradcheck.js';

// Straightforward per-step recurrences written from Keras 3's cell equations (float64, no tricks),
// as the oracle for the fused ops.

export interface RefOptions {
  mask?: Uint8Array | null;
  goBackwards?: boolean;
  returnSequences?: boolean;
  zeroOutputForMask?: boolean;
  resetAfter?: boolean;
  /** [B, u] multiplier of h inside the recurrent matmuls (recurrent dropout). */
  dropMask?: ArrayLike<number> | null;
}

export interface RefResult {
  output: number[];
  h: number[];
  c?: number[];
}

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** Σ_k a[b,k]·W[k, col] for a row vector a and a row-major matrix W with `cols` columns. */
function dot(a: ArrayLike<number>, aOff: number, n: number, w: ArrayLike<number>, cols: number, col: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[aOff + k] * w[k * cols + col];
  return s;
}

type Step = (xRow: Float64Array, state: number[][], hRec: number[]) => number[][];

type Arr = Float32Array | Float64Array;

function run(x: Arr, [B, T, F]: number[], u: number, nStates: number, step: Step, o: RefOptions): RefResult {
  const outputs: number[][][] = [];
  const finals: number[][][] = [];
  for (let b = 0; b < B; b++) {
    let state = Array.from({ length: nStates }, () => new Array<number>(u).fill(0));
    let prevOut = new Array<number>(u).fill(0);
    const seq: number[][] = [];
    for (let s = 0; s < T; s++) {
      const t = o.goBackwards ? T - 1 - s : s;
      const row = Float64Array.from(x.subarray((b * T + t) * F, (b * T + t + 1) * F));
      const real = o.mask?.[b * T + t] !== 0;
      if (real) {
        const m = o.dropMask;
        state = step(row, state, m ? state[0].map((v, j) => v * m[b * u + j]) : state[0]);
        prevOut = state[0];
        seq.push(state[0]);
      } else {
        seq.push(o.zeroOutputForMask ? new Array<number>(u).fill(0) : prevOut);
      }
    }
    outputs.push(seq);
    finals.push(state);
  }
  const output = o.returnSequences ? outputs.flat(2) : outputs.flatMap((seq) => seq[T - 1]);
  const res: RefResult = { output, h: finals.flatMap((s) => s[0]) };
  if (nStates === 2) res.c = finals.flatMap((s) => s[1]);
  return res;
}

export function refLstm(
  x: Arr,
  shape: number[],
  k: Arr,
  r: Arr,
  bias: Arr | null,
  u: number,
  o: RefOptions = {},
): RefResult {
  const F = shape[2];
  const G = 4 * u;
  return run(
    x,
    shape,
    u,
    2,
    (xr, [, c], hr) => {
      const z = (col: number): number => dot(xr, 0, F, k, G, col) + dot(hr, 0, u, r, G, col) + (bias ? bias[col] : 0);
      const hn: number[] = [];
      const cn: number[] = [];
      for (let j = 0; j < u; j++) {
        const i = sig(z(j));
        const f = sig(z(u + j));
        const g = Math.tanh(z(2 * u + j));
        const og = sig(z(3 * u + j));
        cn.push(f * c[j] + i * g);
        hn.push(og * Math.tanh(cn[j]));
      }
      return [hn, cn];
    },
    o,
  );
}

export function refGru(
  x: Arr,
  shape: number[],
  k: Arr,
  r: Arr,
  bias: Arr | null,
  u: number,
  o: RefOptions = {},
): RefResult {
  const F = shape[2];
  const G = 3 * u;
  const resetAfter = o.resetAfter ?? true;
  return run(
    x,
    shape,
    u,
    1,
    (xr, [h], hr) => {
      const xb = (col: number): number => (bias ? bias[col] : 0);
      const rb = (col: number): number => (bias && resetAfter ? bias[G + col] : 0);
      const xz = (col: number): number => dot(xr, 0, F, k, G, col) + xb(col);
      const hz = (col: number): number => dot(hr, 0, u, r, G, col) + rb(col);
      const zs: number[] = [];
      const rs: number[] = [];
      for (let j = 0; j < u; j++) {
        zs.push(sig(xz(j) + hz(j)));
        rs.push(sig(xz(u + j) + hz(u + j)));
      }
      const rh = hr.map((v, j) => v * rs[j]);
      const hn: number[] = [];
      for (let j = 0; j < u; j++) {
        const rec = resetAfter ? rs[j] * hz(2 * u + j) : dot(rh, 0, u, r, G, 2 * u + j);
        const hh = Math.tanh(xz(2 * u + j) + rec);
        hn.push(zs[j] * h[j] + (1 - zs[j]) * hh);
      }
      return [hn];
    },
    o,
  );
}

export function refSimpleRnn(
  x: Arr,
  shape: number[],
  k: Arr,
  r: Arr,
  bias: Arr | null,
  u: number,
  o: RefOptions = {},
): RefResult {
  const F = shape[2];
  return run(
    x,
    shape,
    u,
    1,
    (xr, _state, hr) => {
      const hn: number[] = [];
      for (let j = 0; j < u; j++)
        hn.push(Math.tanh(dot(xr, 0, F, k, u, j) + dot(hr, 0, u, r, u, j) + (bias ? bias[j] : 0)));
      return [hn];
    },
    o,
  );
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Checks a fused op against its float64 reference: the forward values, and the analytic gradients
 * of Σ wᵢ·outputᵢ (random fixed weights) against central differences of the reference in float64 —
 * far tighter than finite differences of the float32 op itself.
 */
export function checkAgainstReference(
  fused: (xs: Tensor[]) => Tensor[],
  ref: (xs: Float64Array[]) => number[][],
  inputs: Tensor[],
  { tol = 1e-4, what = '' }: { tol?: number; what?: string } = {},
): void {
  const outs = fused(inputs);
  const x64 = inputs.map((t) => Float64Array.from(t.values));
  const refOuts = ref(x64);
  outs.forEach((o, i) =>
    assert.ok(
      maxDiff(o.values, refOuts[i]) < 1e-5,
      `${what}: forward output ${i} differs by ${maxDiff(o.values, refOuts[i])}`,
    ),
  );
  const weights = outs.map((o, i) => randTensor(o.shape, 100 + i));
  const { grads } = ops.valueAndGrads(() => {
    const ys = fused(inputs);
    return ys.map((y, i) => ops.sum(ops.mul(y, weights[i]))).reduce((a, b) => ops.add(a, b));
  }, inputs);
  const objective = (xs: Float64Array[]): number => {
    let s = 0;
    ref(xs).forEach((y, i) => y.forEach((v, j) => (s += v * weights[i].values[j])));
    return s;
  };
  const eps = 1e-6;
  x64.forEach((x, which) => {
    const numeric = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      const plus = x64.map((a, k) => (k === which ? Float64Array.from(a) : a));
      const minus = x64.map((a, k) => (k === which ? Float64Array.from(a) : a));
      plus[which][j] += eps;
      minus[which][j] -= eps;
      numeric[j] = (objective(plus) - objective(minus)) / (2 * eps);
    }
    const scale = Math.max(1, ...Array.from(numeric, Math.abs));
    const err = maxDiff(grads[which].values, numeric);
    assert.ok(err <= tol * scale, `${what}: gradient of input ${which} off by ${err} (scale ${scale})`);
  });
}

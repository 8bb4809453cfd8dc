import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { valueAndGrads } from '../../src/ops/tape.js';
import * as ops from '../../src/ops/index.js';

/** Deterministic pseudo-random numbers for test data (independent of the library's generator). */
export function seededValues(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  // Mix the seed first so that neighbouring seeds give unrelated streams.
  let s = Math.imul((seed + 0x9e3779b9) >>> 0, 0x85ebca6b) >>> 0;
  s = (s ^ (s >>> 13)) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

export function randTensor(shape: number[], seed = 1, lo = -1, hi = 1): Tensor {
  return new Tensor(
    seededValues(
      shape.reduce((p, d) => p * d, 1),
      seed,
      lo,
      hi,
    ),
    shape,
    'float32',
  );
}

/**
 * Checks the gradients of `f` with respect to each input against central finite differences.
 * The scalar objective is Σ f(x)·r for a fixed random r (so every output element matters) and is
 * accumulated in float64; kernels run in float32, so eps and tolerance are sized for that.
 */
export function checkGradients(
  f: (xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  {
    eps = 1e-2,
    tol = 2e-2,
    maxChecks = 24,
    seed = 7,
  }: { eps?: number; tol?: number; maxChecks?: number; seed?: number } = {},
): void {
  const probe = f(inputs);
  const r = randTensor(probe.shape, seed);
  const objective = (xs: Tensor[]): number => {
    const y = f(xs).values;
    let s = 0;
    for (let i = 0; i < y.length; i++) s += y[i] * r.values[i];
    return s;
  };
  const { grads } = valueAndGrads(() => ops.sum(ops.mul(f(inputs), r)), inputs);
  inputs.forEach((x, which) => {
    const g = grads[which].values;
    const n = x.size;
    const step = Math.max(1, Math.floor(n / maxChecks));
    let maxAbs = 0;
    for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(g[i]));
    for (let i = 0; i < n; i += step) {
      const plus = new Float32Array(x.values as Float32Array);
      const minus = new Float32Array(x.values as Float32Array);
      plus[i] += eps;
      minus[i] -= eps;
      const xsPlus = inputs.map((t, k) => (k === which ? new Tensor(plus, t.shape, 'float32') : t));
      const xsMinus = inputs.map((t, k) => (k === which ? new Tensor(minus, t.shape, 'float32') : t));
      const numeric = (objective(xsPlus) - objective(xsMinus)) / (2 * eps);
      const err = Math.abs(numeric - g[i]);
      assert.ok(
        err <= tol * Math.max(1, Math.abs(numeric), maxAbs),
        `input ${which} element ${i}: analytic ${g[i]} vs numeric ${numeric} (err ${err})`,
      );
    }
  });
}

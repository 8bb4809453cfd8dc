import type { FusedActivation } from '../backend.js';

/**
 * Reference GEMM. Loops are ordered so the innermost one walks contiguous memory for every
 * transpose combination; that keeps the pure-TypeScript path usable for real training.
 */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  bias: Float32Array | null,
  act: FusedActivation,
  accumulate: boolean,
): void {
  if (!accumulate) out.fill(0, 0, m * n);
  if (!transB) {
    // out[i, :] += A[i, p] * B[p, :]
    for (let i = 0; i < m; i++) {
      const oRow = i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        if (av === 0) continue;
        const bRow = p * n;
        for (let j = 0; j < n; j++) out[oRow + j] += av * b[bRow + j];
      }
    }
  } else if (!transA) {
    // out[i, j] = dot(A[i, :], B[j, :])
    for (let i = 0; i < m; i++) {
      const aRow = i * k;
      for (let j = 0; j < n; j++) {
        const bRow = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aRow + p] * b[bRow + p];
        out[i * n + j] += s;
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[p * m + i] * b[j * k + p];
        out[i * n + j] += s;
      }
    }
  }
  if (bias) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] += bias[j];
  }
  applyActivation(out, m * n, act);
}

export function applyActivation(out: Float32Array, size: number, act: FusedActivation): void {
  switch (act) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < size; i++) if (out[i] < 0) out[i] = 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < size; i++) out[i] = sigmoid(out[i]);
      return;
    case 'tanh':
      for (let i = 0; i < size; i++) out[i] = Math.tanh(out[i]);
      return;
  }
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

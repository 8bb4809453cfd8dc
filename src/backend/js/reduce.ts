import type { In, NumArray } from '../backend.js';

export function reduceSum(x: Float32Array, outer: number, reduce: number, inner: number, out: Float32Array): void {
  out.fill(0, 0, outer * inner);
  for (let o = 0; o < outer; o++) {
    const oBase = o * inner;
    for (let r = 0; r < reduce; r++) {
      const xBase = (o * reduce + r) * inner;
      for (let i = 0; i < inner; i++) out[oBase + i] += x[xBase + i];
    }
  }
}

export function reduceMax(
  x: Float32Array,
  outer: number,
  reduce: number,
  inner: number,
  out: Float32Array,
  argmax: Int32Array | null,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity;
      let bestR = 0;
      for (let r = 0; r < reduce; r++) {
        const v = x[(o * reduce + r) * inner + i];
        if (v > best || Number.isNaN(v)) {
          best = v;
          bestR = r;
          if (Number.isNaN(v)) break;
        }
      }
      out[o * inner + i] = best;
      if (argmax) argmax[o * inner + i] = bestR;
    }
  }
}

export function transpose(x: In, shape: readonly number[], perm: readonly number[], out: NumArray): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  const outShape = perm.map((p) => shape[p]);
  const step = perm.map((p) => inStrides[p]);
  const n = x.length;
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    out[i] = x[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += step[d];
      if (idx[d] < outShape[d]) break;
      src -= step[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

export function copyBlock(x: In, outer: number, inner: number, out: NumArray, outInner: number, offset: number): void {
  for (let o = 0; o < outer; o++) {
    const src = o * inner;
    const dst = o * outInner + offset;
    for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
  }
}

export function sliceBlock(x: In, outer: number, xInner: number, offset: number, inner: number, out: NumArray): void {
  for (let o = 0; o < outer; o++) {
    const src = o * xInner + offset;
    const dst = o * inner;
    for (let i = 0; i < inner; i++) out[dst + i] = x[src + i];
  }
}

export function cast(x: In, out: NumArray): void {
  if (out instanceof Int32Array && x instanceof Float32Array) {
    for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
  } else if (out instanceof Uint8Array) {
    for (let i = 0; i < x.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
  } else {
    for (let i = 0; i < x.length; i++) out[i] = x[i];
  }
}

export function sumSquares(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

export function allFinite(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

// Plain, obviously correct references for the fuzz properties (fuzz_properties.ts): loops over
// multi-indices in float64, with no shared code with the library.

export type Shape = readonly number[];

export const size = (s: Shape): number => s.reduce((p, d) => p * d, 1);

export function strides(s: Shape): number[] {
  const out = new Array<number>(s.length);
  let k = 1;
  for (let d = s.length - 1; d >= 0; d--) {
    out[d] = k;
    k *= s[d];
  }
  return out;
}

/** Every multi-index of `s`, row-major. */
export function* indices(s: Shape): Generator<number[]> {
  const n = size(s);
  const idx = new Array<number>(s.length).fill(0);
  for (let i = 0; i < n; i++) {
    yield idx.slice();
    for (let d = s.length - 1; d >= 0; d--) {
      if (++idx[d] < s[d]) break;
      idx[d] = 0;
    }
  }
}

const offset = (idx: readonly number[], st: readonly number[]): number => idx.reduce((p, v, d) => p + v * st[d], 0);

export function transposeRef(x: ArrayLike<number>, s: Shape, perm: readonly number[]): number[] {
  const outShape = perm.map((p) => s[p]);
  const st = strides(s);
  const out: number[] = [];
  for (const o of indices(outShape)) {
    const src = new Array<number>(s.length);
    perm.forEach((p, d) => (src[p] = o[d]));
    out.push(x[offset(src, st)]);
  }
  return out;
}

/** NumPy broadcasting; null when the shapes do not broadcast. */
export function broadcastRef(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function binaryRef(
  f: (u: number, v: number) => number,
  a: ArrayLike<number>,
  as: Shape,
  b: ArrayLike<number>,
  bs: Shape,
  os: Shape,
): number[] {
  const sa = strides(as);
  const sb = strides(bs);
  const out: number[] = [];
  for (const o of indices(os)) {
    const ia = as.map((d, k) => (d === 1 ? 0 : o[os.length - as.length + k]));
    const ib = bs.map((d, k) => (d === 1 ? 0 : o[os.length - bs.length + k]));
    out.push(f(a[offset(ia, sa)], b[offset(ib, sb)]));
  }
  return out;
}

/** Reduces the (sorted, distinct) axes with `f` from `init`; keeps them as length 1 when keepDims. */
export function reduceRef(
  x: ArrayLike<number>,
  s: Shape,
  axes: readonly number[],
  f: (acc: number, v: number) => number,
  init: number,
): { shape: number[]; values: number[] } {
  const kept = s.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = new Array<number>(size(kept)).fill(init);
  const sk = strides(kept);
  const st = strides(s);
  for (const idx of indices(s)) {
    const o = offset(
      idx.map((v, i) => (axes.includes(i) ? 0 : v)),
      sk,
    );
    out[o] = f(out[o], x[offset(idx, st)]);
  }
  return { shape: s.filter((_, i) => !axes.includes(i)), values: out };
}

export function matMulRef(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p] * b[tB ? j * k + p : p * n + j];
      out.push(s);
    }
  }
  return out;
}

/** TensorFlow's output length and leading pad of one axis. */
export function windowAxis(
  input: number,
  k: number,
  stride: number,
  dilation: number,
  same: boolean,
): [number, number] {
  const eff = (k - 1) * dilation + 1;
  if (!same) return [Math.floor((input - eff) / stride) + 1, 0];
  const out = Math.ceil(input / stride);
  return [out, Math.floor(Math.max((out - 1) * stride + eff - input, 0) / 2)];
}

/** NHWC convolution with an HWIO kernel and groups, by definition. */
export function conv2dRef(
  x: ArrayLike<number>,
  xs: Shape,
  k: ArrayLike<number>,
  ks: Shape,
  stride: readonly number[],
  dilation: readonly number[],
  same: boolean,
  groups: number,
): { shape: number[]; values: number[] } {
  const [B, H, W, C] = xs;
  const [kH, kW, cPer, O] = ks;
  const [oH, pT] = windowAxis(H, kH, stride[0], dilation[0], same);
  const [oW, pL] = windowAxis(W, kW, stride[1], dilation[1], same);
  const oPer = O / groups;
  const values: number[] = [];
  for (const [b, i, j, o] of indices([B, oH, oW, O])) {
    const g = Math.floor(o / oPer);
    let s = 0;
    for (let p = 0; p < kH; p++) {
      for (let q = 0; q < kW; q++) {
        const ih = i * stride[0] - pT + p * dilation[0];
        const iw = j * stride[1] - pL + q * dilation[1];
        if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
        for (let c = 0; c < cPer; c++)
          s += x[((b * H + ih) * W + iw) * C + g * cPer + c] * k[((p * kW + q) * cPer + c) * O + o];
      }
    }
    values.push(s);
  }
  return { shape: [B, oH, oW, O], values };
}

export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) return false;
  }
  return true;
}

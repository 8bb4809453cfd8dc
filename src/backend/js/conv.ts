import type { Conv2DGeometry, DepthwiseGeometry, FusedActivation } from '../backend.js';
import { applyActivation, matmul } from './matmul.js';

// Convolutions run one sample at a time as im2col + GEMM: the column buffer stays small
// (outH·outW × kH·kW·inC) however large the batch, and the GEMM does the arithmetic.

function isPointwise(g: Conv2DGeometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0;
}

let scratch = new Float32Array(0);
function columns(size: number): Float32Array {
  if (scratch.length < size) scratch = new Float32Array(size);
  return scratch.subarray(0, size);
}

/** cols[p, (kh·kW + kw)·C + c] = x[ih, iw, c] for output pixel p (zero where the window hangs over padding). */
function im2col(
  x: Float32Array,
  xOff: number,
  cols: Float32Array,
  g: Conv2DGeometry,
  c0: number,
  cCount: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const K = kH * kW * cCount;
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      const row = (oh * outW + ow) * K;
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
        for (let kw = 0; kw < kW; kw++) {
          const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
          const dst = row + (kh * kW + kw) * cCount;
          if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) {
            cols.fill(0, dst, dst + cCount);
          } else {
            const src = xOff + (ih * inW + iw) * inC + c0;
            for (let c = 0; c < cCount; c++) cols[dst + c] = x[src + c];
          }
        }
      }
    }
  }
}

function col2imAdd(
  cols: Float32Array,
  dx: Float32Array,
  xOff: number,
  g: Conv2DGeometry,
  c0: number,
  cCount: number,
): void {
  const { inH, inW, inC, outH, outW, kH, kW } = g;
  const K = kH * kW * cCount;
  for (let oh = 0; oh < outH; oh++) {
    for (let ow = 0; ow < outW; ow++) {
      const row = (oh * outW + ow) * K;
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
        if (ih < 0 || ih >= inH) continue;
        for (let kw = 0; kw < kW; kw++) {
          const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
          if (iw < 0 || iw >= inW) continue;
          const src = row + (kh * kW + kw) * cCount;
          const dst = xOff + (ih * inW + iw) * inC + c0;
          for (let c = 0; c < cCount; c++) dx[dst + c] += cols[src + c];
        }
      }
    }
  }
}

/** The HWIO kernel's columns for one group, packed as [K, outC/groups]. */
function groupKernel(kernel: Float32Array, g: Conv2DGeometry, grp: number): Float32Array {
  if (g.groups === 1) return kernel;
  const outPer = g.outC / g.groups;
  const K = g.kH * g.kW * (g.inC / g.groups);
  const packed = new Float32Array(K * outPer);
  for (let r = 0; r < K; r++)
    for (let j = 0; j < outPer; j++) packed[r * outPer + j] = kernel[r * g.outC + grp * outPer + j];
  return packed;
}

export function conv2d(
  x: Float32Array,
  kernel: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  g: Conv2DGeometry,
  act: FusedActivation,
): void {
  const P = g.outH * g.outW;
  const cPer = g.inC / g.groups;
  const outPer = g.outC / g.groups;
  const K = g.kH * g.kW * cPer;
  const inSize = g.inH * g.inW * g.inC;
  const tmp = g.groups > 1 ? new Float32Array(P * outPer) : null;
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const w = groupKernel(kernel, g, grp);
      let cols: Float32Array;
      if (g.groups === 1 && isPointwise(g)) {
        cols = x.subarray(n * inSize, (n + 1) * inSize);
      } else {
        cols = columns(P * K);
        im2col(x, n * inSize, cols, g, grp * cPer, cPer);
      }
      if (!tmp) {
        matmul(
          cols,
          w,
          out.subarray(n * P * g.outC, (n + 1) * P * g.outC),
          P,
          g.outC,
          K,
          false,
          false,
          bias,
          'linear',
          false,
        );
      } else {
        matmul(cols, w, tmp, P, outPer, K, false, false, null, 'linear', false);
        for (let p = 0; p < P; p++) {
          for (let j = 0; j < outPer; j++) {
            const o = grp * outPer + j;
            out[(n * P + p) * g.outC + o] = tmp[p * outPer + j] + (bias ? bias[o] : 0);
          }
        }
      }
    }
  }
  applyActivation(out, g.batch * P * g.outC, act);
}

export function conv2dBackpropInput(dy: Float32Array, kernel: Float32Array, dx: Float32Array, g: Conv2DGeometry): void {
  const P = g.outH * g.outW;
  const cPer = g.inC / g.groups;
  const outPer = g.outC / g.groups;
  const K = g.kH * g.kW * cPer;
  const inSize = g.inH * g.inW * g.inC;
  dx.fill(0);
  const dyGroup = g.groups > 1 ? new Float32Array(P * outPer) : null;
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      const w = groupKernel(kernel, g, grp);
      let dyn = dy.subarray(n * P * g.outC, (n + 1) * P * g.outC);
      if (dyGroup) {
        for (let p = 0; p < P; p++)
          for (let j = 0; j < outPer; j++) dyGroup[p * outPer + j] = dyn[p * g.outC + grp * outPer + j];
        dyn = dyGroup;
      }
      if (g.groups === 1 && isPointwise(g)) {
        matmul(dyn, w, dx.subarray(n * inSize, (n + 1) * inSize), P, K, outPer, false, true, null, 'linear', false);
      } else {
        const cols = columns(P * K);
        matmul(dyn, w, cols, P, K, outPer, false, true, null, 'linear', false);
        col2imAdd(cols, dx, n * inSize, g, grp * cPer, cPer);
      }
    }
  }
}

export function conv2dBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  dkernel: Float32Array,
  g: Conv2DGeometry,
): void {
  const P = g.outH * g.outW;
  const cPer = g.inC / g.groups;
  const outPer = g.outC / g.groups;
  const K = g.kH * g.kW * cPer;
  const inSize = g.inH * g.inW * g.inC;
  dkernel.fill(0);
  const dyGroup = g.groups > 1 ? new Float32Array(P * outPer) : null;
  const dwGroup = g.groups > 1 ? new Float32Array(K * outPer) : null;
  for (let n = 0; n < g.batch; n++) {
    for (let grp = 0; grp < g.groups; grp++) {
      let cols: Float32Array;
      if (g.groups === 1 && isPointwise(g)) {
        cols = x.subarray(n * inSize, (n + 1) * inSize);
      } else {
        cols = columns(P * K);
        im2col(x, n * inSize, cols, g, grp * cPer, cPer);
      }
      const dyn = dy.subarray(n * P * g.outC, (n + 1) * P * g.outC);
      if (!dyGroup || !dwGroup) {
        matmul(cols, dyn, dkernel, K, g.outC, P, true, false, null, 'linear', true);
      } else {
        for (let p = 0; p < P; p++)
          for (let j = 0; j < outPer; j++) dyGroup[p * outPer + j] = dyn[p * g.outC + grp * outPer + j];
        matmul(cols, dyGroup, dwGroup, K, outPer, P, true, false, null, 'linear', false);
        for (let r = 0; r < K; r++)
          for (let j = 0; j < outPer; j++) dkernel[r * g.outC + grp * outPer + j] += dwGroup[r * outPer + j];
      }
    }
  }
}

/** Visits every (output position, kernel tap) pair of a depthwise convolution that lands inside the input. */
function forEachDepthwiseTap(g: DepthwiseGeometry, visit: (xBase: number, kBase: number, oBase: number) => void): void {
  const outC = g.inC * g.multiplier;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const oBase = ((n * g.outH + oh) * g.outW + ow) * outC;
        for (let kh = 0; kh < g.kH; kh++) {
          const ih = oh * g.strideH - g.padTop + kh * g.dilationH;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.kW; kw++) {
            const iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
            if (iw < 0 || iw >= g.inW) continue;
            visit(((n * g.inH + ih) * g.inW + iw) * g.inC, (kh * g.kW + kw) * outC, oBase);
          }
        }
      }
    }
  }
}

// Kernel [kH, kW, inC, multiplier] flattened per tap is [inC·multiplier], the same order as output channels.
export function depthwiseConv2d(x: Float32Array, kernel: Float32Array, out: Float32Array, g: DepthwiseGeometry): void {
  out.fill(0);
  const M = g.multiplier;
  forEachDepthwiseTap(g, (xb, kb, ob) => {
    for (let c = 0; c < g.inC; c++) {
      const xv = x[xb + c];
      for (let m = 0; m < M; m++) out[ob + c * M + m] += xv * kernel[kb + c * M + m];
    }
  });
}

export function depthwiseConv2dBackpropInput(
  dy: Float32Array,
  kernel: Float32Array,
  dx: Float32Array,
  g: DepthwiseGeometry,
): void {
  dx.fill(0);
  const M = g.multiplier;
  forEachDepthwiseTap(g, (xb, kb, ob) => {
    for (let c = 0; c < g.inC; c++) {
      let s = 0;
      for (let m = 0; m < M; m++) s += dy[ob + c * M + m] * kernel[kb + c * M + m];
      dx[xb + c] += s;
    }
  });
}

export function depthwiseConv2dBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  dkernel: Float32Array,
  g: DepthwiseGeometry,
): void {
  dkernel.fill(0);
  const M = g.multiplier;
  forEachDepthwiseTap(g, (xb, kb, ob) => {
    for (let c = 0; c < g.inC; c++) {
      const xv = x[xb + c];
      for (let m = 0; m < M; m++) dkernel[kb + c * M + m] += xv * dy[ob + c * M + m];
    }
  });
}

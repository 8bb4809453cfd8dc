import type { Pool2DGeometry } from '../backend.js';

/** Visits each output position with the clipped window [h0, h1) × [w0, w1) it reads. */
function forEachWindow(
  g: Pool2DGeometry,
  visit: (n: number, outPos: number, h0: number, h1: number, w0: number, w1: number) => void,
): void {
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      const hs = oh * g.strideH - g.padTop;
      const h0 = Math.max(hs, 0);
      const h1 = Math.min(hs + g.kH, g.inH);
      for (let ow = 0; ow < g.outW; ow++) {
        const ws = ow * g.strideW - g.padLeft;
        visit(n, (n * g.outH + oh) * g.outW + ow, h0, h1, Math.max(ws, 0), Math.min(ws + g.kW, g.inW));
      }
    }
  }
}

export function maxPool2d(x: Float32Array, out: Float32Array, argmax: Int32Array, g: Pool2DGeometry): void {
  const C = g.channels;
  forEachWindow(g, (n, pos, h0, h1, w0, w1) => {
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      let bestIdx = -1;
      for (let h = h0; h < h1; h++) {
        for (let w = w0; w < w1; w++) {
          const idx = ((n * g.inH + h) * g.inW + w) * C + c;
          if (x[idx] > best || bestIdx < 0) {
            best = x[idx];
            bestIdx = idx;
          }
        }
      }
      out[pos * C + c] = best;
      argmax[pos * C + c] = bestIdx;
    }
  });
}

export function maxPool2dGrad(dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
  dx.fill(0);
  for (let i = 0; i < dy.length; i++) if (argmax[i] >= 0) dx[argmax[i]] += dy[i];
}

export function avgPool2d(x: Float32Array, out: Float32Array, g: Pool2DGeometry): void {
  const C = g.channels;
  forEachWindow(g, (n, pos, h0, h1, w0, w1) => {
    const count = Math.max((h1 - h0) * (w1 - w0), 1);
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) s += x[((n * g.inH + h) * g.inW + w) * C + c];
      out[pos * C + c] = s / count;
    }
  });
}

export function avgPool2dGrad(dy: Float32Array, dx: Float32Array, g: Pool2DGeometry): void {
  dx.fill(0);
  const C = g.channels;
  forEachWindow(g, (n, pos, h0, h1, w0, w1) => {
    const count = Math.max((h1 - h0) * (w1 - w0), 1);
    for (let c = 0; c < C; c++) {
      const v = dy[pos * C + c] / count;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) dx[((n * g.inH + h) * g.inW + w) * C + c] += v;
    }
  });
}

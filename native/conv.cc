// 2D convolution (NHWC data, HWIO kernel, groups). Ungrouped convolutions on a SIMD build go to the
// direct kernels of conv_direct.cc where they apply; the rest, here, run on the packed GEMM.
// Forward and filter gradient are one GEMM each per group over an implicit im2col matrix (the GEMM
// packs its panels straight from the input, so no column buffer is written and read back). Output rows of all samples are
// contiguous in NHWC, so M spans the batch. The input gradient needs a col2im scatter after its
// GEMM and runs over chunks of rows with a per-thread column buffer. Groups need no copies because
// the GEMM takes strided operands.
#include <cstdlib>
#include <cstring>

#include "conv_direct.h"
#include "kernels.h"

namespace dn {
namespace {

struct Plan {
  long P;       // output pixels per sample
  long rows;    // batch * P
  long cPer, outPer, Kg;
  long inSize;  // floats per input sample
  bool pointwise;
};

Plan plan(const ConvGeom& g) {
  Plan p;
  p.P = g.outH * g.outW;
  p.rows = g.batch * p.P;
  p.cPer = g.inC / g.groups;
  p.outPer = g.outC / g.groups;
  p.Kg = g.kH * g.kW * p.cPer;
  p.inSize = g.inH * g.inW * g.inC;
  p.pointwise = g.groups == 1 && g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 &&
                g.padLeft == 0;
  return p;
}

// Rows per chunk: about 1 MiB of columns, but enough chunks to feed every thread.
long chunk_rows(long rows, long Kg, long minChunks) {
  long r = (1L << 18) / (Kg > 0 ? Kg : 1);
  if (r < 64) r = 64;
  if (minChunks > 1 && rows / minChunks < r) r = rows / minChunks;
  if (r < 24) r = 24;
  if (r > rows) r = rows;
  return r > 0 ? r : 1;
}

// cols[(r - r0), (kh*kW + kw)*cPer + c] = x[n, ih, iw, c0 + c] (zero in padding).
void im2col(const float* x, const ConvGeom& g, const Plan& p, long r0, long nrows, long c0, float* cols) {
  const size_t bytes = static_cast<size_t>(p.cPer) * sizeof(float);
  for (long r = 0; r < nrows; ++r) {
    const long row = r0 + r, n = row / p.P, pix = row % p.P;
    const long oh = pix / g.outW, ow = pix % g.outW;
    const float* xn = x + n * p.inSize + c0;
    float* dst = cols + r * p.Kg;
    for (long kh = 0; kh < g.kH; ++kh) {
      const long ih = oh * g.strideH - g.padTop + kh * g.dilationH;
      for (long kw = 0; kw < g.kW; ++kw, dst += p.cPer) {
        const long iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
        if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) std::memset(dst, 0, bytes);
        else std::memcpy(dst, xn + (ih * g.inW + iw) * g.inC, bytes);
      }
    }
  }
}

void col2im_add(const float* cols, const ConvGeom& g, const Plan& p, long r0, long nrows, long c0, float* dx) {
  for (long r = 0; r < nrows; ++r) {
    const long row = r0 + r, n = row / p.P, pix = row % p.P;
    const long oh = pix / g.outW, ow = pix % g.outW;
    float* dxn = dx + n * p.inSize + c0;
    const float* src = cols + r * p.Kg;
    for (long kh = 0; kh < g.kH; ++kh) {
      const long ih = oh * g.strideH - g.padTop + kh * g.dilationH;
      for (long kw = 0; kw < g.kW; ++kw, src += p.cPer) {
        const long iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
        if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
        float* __restrict d = dxn + (ih * g.inW + iw) * g.inC;
        const float* __restrict s = src;
        for (long c = 0; c < p.cPer; ++c) d[c] += s[c];
      }
    }
  }
}

bool worth_threads(long work) { return pool_threads() > 1 && work >= kParallelWork; }

ConvA implicit(const float* x, const ConvGeom& g, const Plan& p, long c0, bool transposed) {
  ConvA a{};
  a.x = x + c0;
  a.inH = g.inH; a.inW = g.inW; a.inC = g.inC; a.inSize = p.inSize;
  a.outW = g.outW; a.P = p.P;
  a.kW = g.kW; a.cPer = p.cPer;
  a.strideH = g.strideH; a.strideW = g.strideW; a.dilationH = g.dilationH; a.dilationW = g.dilationW;
  a.padTop = g.padTop; a.padLeft = g.padLeft;
  a.transposed = transposed;
  return a;
}

// ---- backprop input ----

struct BwdInCtx {
  const float *dy, *kernel;
  float* dx;
  const ConvGeom* g;
  Plan p;
  long chunk;
  bool threadedGemm;  // when samples run serially, let each GEMM use the pool instead
};

void bwd_in_sample(void* vctx, long n, int) {
  const BwdInCtx& c = *static_cast<const BwdInCtx*>(vctx);
  const ConvGeom& g = *c.g;
  std::memset(c.dx + n * c.p.inSize, 0, static_cast<size_t>(c.p.inSize) * sizeof(float));
  for (long grp = 0; grp < g.groups; ++grp) {
    for (long p0 = 0; p0 < c.p.P; p0 += c.chunk) {
      const long nrows = p0 + c.chunk > c.p.P ? c.p.P - p0 : c.chunk;
      const long r0 = n * c.p.P + p0;
      float* cols = scratch(2, static_cast<size_t>(nrows * c.p.Kg));
      // dcols[r, kidx] = Σ_o dy[r, grp·outPer + o] · kernel[kidx, grp·outPer + o]
      GemmArgs a{nrows, c.p.Kg, c.p.outPer,
                 c.dy + r0 * g.outC + grp * c.p.outPer, g.outC, 1,
                 c.kernel + grp * c.p.outPer, 1, g.outC,
                 cols, c.p.Kg, nullptr, ACT_LINEAR, false};
      if (c.threadedGemm) gemm(a);
      else gemm_serial(a);
      col2im_add(cols, g, c.p, r0, nrows, grp * c.p.cPer, c.dx);
    }
  }
}

}  // namespace

void conv2d(const float* x, const float* kernel, const float* bias, float* out, const ConvGeom& g, int act) {
  const Plan p = plan(g);
  if (p.rows == 0) return;
  if (p.pointwise) {
    gemm(GemmArgs{p.rows, g.outC, g.inC, x, g.inC, 1, kernel, g.outC, 1, out, g.outC, bias, act, false});
    return;
  }
  if (conv2d_direct(x, kernel, bias, out, g, act)) return;
  for (long grp = 0; grp < g.groups; ++grp) {
    const ConvA a = implicit(x, g, p, grp * p.cPer, false);
    GemmArgs args{p.rows, p.outPer, p.Kg,
                  nullptr, 0, 0,
                  kernel + grp * p.outPer, g.outC, 1,
                  out + grp * p.outPer, g.outC,
                  bias ? bias + grp * p.outPer : nullptr, act, false};
    args.conv = &a;
    gemm(args);
  }
}

void conv2d_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g) {
  const Plan p = plan(g);
  if (p.pointwise) {
    if (p.rows == 0) return;
    gemm(GemmArgs{p.rows, g.inC, g.outC, dy, g.outC, 1, kernel, 1, g.outC, dx, g.inC, nullptr, ACT_LINEAR, false});
    return;
  }
  if (conv2d_direct_backprop_input(dy, kernel, dx, g)) return;
  const bool par = worth_threads(p.rows * p.Kg * g.outC);
  const bool perSample = par && g.batch >= pool_threads();
  BwdInCtx c{dy, kernel, dx, &g, p, chunk_rows(p.P, p.Kg, 1), par && !perSample};
  if (perSample) parallel_for(g.batch, bwd_in_sample, &c);
  else
    for (long n = 0; n < g.batch; ++n) bwd_in_sample(&c, n, 0);
}

void conv2d_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g) {
  const Plan p = plan(g);
  if (p.rows == 0) {
    std::memset(dkernel, 0, static_cast<size_t>(p.Kg * g.outC) * sizeof(float));
    return;
  }
  if (p.pointwise) {
    gemm(GemmArgs{g.inC, g.outC, p.rows, x, 1, g.inC, dy, g.outC, 1, dkernel, g.outC, nullptr, ACT_LINEAR, false});
    return;
  }
  if (conv2d_direct_backprop_filter(x, dy, dkernel, g)) return;
  // dkernel[kidx, grp·outPer + j] = Σ_rows im2col[row, kidx] · dy[row, grp·outPer + j]
  for (long grp = 0; grp < g.groups; ++grp) {
    const ConvA a = implicit(x, g, p, grp * p.cPer, true);
    GemmArgs args{p.Kg, p.outPer, p.rows,
                  nullptr, 0, 0,
                  dy + grp * p.outPer, g.outC, 1,
                  dkernel + grp * p.outPer, g.outC, nullptr, ACT_LINEAR, false};
    args.conv = &a;
    gemm(args);
  }
}

}  // namespace dn

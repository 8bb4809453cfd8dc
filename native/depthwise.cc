// Depthwise convolution (kernel [kH, kW, inC, multiplier]) by direct loops: per output pixel and
// tap, the channel loop is contiguous in input, kernel and output, so it vectorizes, and there is
// no GEMM shape to exploit. Samples are independent, so big batches split across the pool.
#include <cstdlib>
#include <cstring>

#include "kernels.h"

namespace dn {
namespace {

struct Ctx {
  const float *a, *b;  // the two inputs of the pass (x/dy, kernel/dy)
  float* out;
  const ConvGeom* g;
};

// Calls visit(xOffset, kernelOffset, outOffset) for every in-bounds tap of sample n.
template <class F>
void for_each_tap(const ConvGeom& g, long n, F visit) {
  const long outC = g.inC * g.multiplier;
  for (long oh = 0; oh < g.outH; ++oh) {
    for (long ow = 0; ow < g.outW; ++ow) {
      const long oBase = ((n * g.outH + oh) * g.outW + ow) * outC;
      for (long kh = 0; kh < g.kH; ++kh) {
        const long ih = oh * g.strideH - g.padTop + kh * g.dilationH;
        if (ih < 0 || ih >= g.inH) continue;
        for (long kw = 0; kw < g.kW; ++kw) {
          const long iw = ow * g.strideW - g.padLeft + kw * g.dilationW;
          if (iw < 0 || iw >= g.inW) continue;
          visit(((n * g.inH + ih) * g.inW + iw) * g.inC, (kh * g.kW + kw) * outC, oBase);
        }
      }
    }
  }
}

void fwd_sample(void* vctx, long n, int) {
  const Ctx& c = *static_cast<const Ctx*>(vctx);
  const ConvGeom& g = *c.g;
  const long M = g.multiplier, C = g.inC, outC = C * M;
  std::memset(c.out + n * g.outH * g.outW * outC, 0, static_cast<size_t>(g.outH * g.outW * outC) * sizeof(float));
  for_each_tap(g, n, [&](long xb, long kb, long ob) {
    const float* __restrict xv = c.a + xb;
    const float* __restrict kv = c.b + kb;
    float* __restrict o = c.out + ob;
    if (M == 1) {
      for (long ch = 0; ch < C; ++ch) o[ch] += xv[ch] * kv[ch];
    } else {
      for (long ch = 0; ch < C; ++ch)
        for (long m = 0; m < M; ++m) o[ch * M + m] += xv[ch] * kv[ch * M + m];
    }
  });
}

void bwd_in_sample(void* vctx, long n, int) {
  const Ctx& c = *static_cast<const Ctx*>(vctx);  // a = dy, b = kernel, out = dx
  const ConvGeom& g = *c.g;
  const long M = g.multiplier, C = g.inC;
  std::memset(c.out + n * g.inH * g.inW * C, 0, static_cast<size_t>(g.inH * g.inW * C) * sizeof(float));
  for_each_tap(g, n, [&](long xb, long kb, long ob) {
    const float* __restrict d = c.a + ob;
    const float* __restrict kv = c.b + kb;
    float* __restrict dx = c.out + xb;
    if (M == 1) {
      for (long ch = 0; ch < C; ++ch) dx[ch] += d[ch] * kv[ch];
    } else {
      for (long ch = 0; ch < C; ++ch) {
        float s = 0.f;
        for (long m = 0; m < M; ++m) s += d[ch * M + m] * kv[ch * M + m];
        dx[ch] += s;
      }
    }
  });
}

struct FilterCtx {
  const float *x, *dy;
  float** partials;
  const ConvGeom* g;
  long tasks;
};

void bwd_filter_task(void* vctx, long t, int) {
  const FilterCtx& c = *static_cast<const FilterCtx*>(vctx);
  const ConvGeom& g = *c.g;
  const long M = g.multiplier, C = g.inC;
  float* dk = c.partials[t];
  for (long n = t; n < g.batch; n += c.tasks) {
    for_each_tap(g, n, [&](long xb, long kb, long ob) {
      const float* __restrict xv = c.x + xb;
      const float* __restrict d = c.dy + ob;
      float* __restrict k = dk + kb;
      if (M == 1) {
        for (long ch = 0; ch < C; ++ch) k[ch] += xv[ch] * d[ch];
      } else {
        for (long ch = 0; ch < C; ++ch)
          for (long m = 0; m < M; ++m) k[ch * M + m] += xv[ch] * d[ch * M + m];
      }
    });
  }
}

long work(const ConvGeom& g) { return g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * g.multiplier; }
bool split(const ConvGeom& g) { return pool_threads() > 1 && g.batch > 1 && work(g) >= kParallelWork; }

}  // namespace

void depthwise_conv2d(const float* x, const float* kernel, float* out, const ConvGeom& g) {
  Ctx c{x, kernel, out, &g};
  if (split(g)) parallel_for(g.batch, fwd_sample, &c);
  else
    for (long n = 0; n < g.batch; ++n) fwd_sample(&c, n, 0);
}

void depthwise_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g) {
  Ctx c{dy, kernel, dx, &g};
  if (split(g)) parallel_for(g.batch, bwd_in_sample, &c);
  else
    for (long n = 0; n < g.batch; ++n) bwd_in_sample(&c, n, 0);
}

void depthwise_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g) {
  const long kSize = g.kH * g.kW * g.inC * g.multiplier;
  long tasks = split(g) ? pool_threads() : 1;
  if (tasks > g.batch) tasks = g.batch > 0 ? g.batch : 1;
  if (tasks > 64) tasks = 64;
  float* parts[64];
  float* extra = tasks > 1 ? static_cast<float*>(std::calloc(static_cast<size_t>(kSize * (tasks - 1)), sizeof(float))) : nullptr;
  parts[0] = dkernel;
  for (long t = 1; t < tasks; ++t) parts[t] = extra + (t - 1) * kSize;
  std::memset(dkernel, 0, static_cast<size_t>(kSize) * sizeof(float));
  FilterCtx c{x, dy, parts, &g, tasks};
  if (tasks > 1) parallel_for(tasks, bwd_filter_task, &c);
  else bwd_filter_task(&c, 0, 0);
  for (long t = 1; t < tasks; ++t)
    for (long i = 0; i < kSize; ++i) dkernel[i] += parts[t][i];
  std::free(extra);
}

}  // namespace dn

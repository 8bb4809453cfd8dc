// Max and average pooling on NHWC data, forward and backward. The channel loop is innermost so
// every window reads and writes contiguous channel vectors.
#include <cmath>
#include <cstring>

#include "kernels.h"

namespace dn {
namespace {

struct Window {
  long h0, h1, w0, w1;
};

inline Window window(const PoolGeom& g, long oh, long ow) {
  const long hs = oh * g.strideH - g.padTop, ws = ow * g.strideW - g.padLeft;
  Window w;
  w.h0 = hs < 0 ? 0 : hs;
  w.h1 = hs + g.kH < g.inH ? hs + g.kH : g.inH;
  w.w0 = ws < 0 ? 0 : ws;
  w.w1 = ws + g.kW < g.inW ? ws + g.kW : g.inW;
  return w;
}

// Folds one window element into the running max of every channel. Later elements win only when
// strictly larger (so NaN never replaces a value), as in the reference; selects, not branches.
void max_merge(const float* __restrict src, float* __restrict o, int32_t* __restrict a, long C, int32_t base) {
  for (int32_t c = 0; c < static_cast<int32_t>(C); ++c) {
    const float v = src[c], cur = o[c];
    const int32_t take = -static_cast<int32_t>(v > cur);  // all ones when v wins
    o[c] = v > cur ? v : cur;
    a[c] = ((base + c) & take) | (a[c] & ~take);
  }
}

void max_pool_samples(const float* x, float* out, int32_t* argmax, const PoolGeom& g, long n0, long n1) {
  const long C = g.channels;
  for (long n = n0; n < n1; ++n) {
    for (long oh = 0; oh < g.outH; ++oh) {
      for (long ow = 0; ow < g.outW; ++ow) {
        const Window w = window(g, oh, ow);
        const long pos = ((n * g.outH + oh) * g.outW + ow) * C;
        float* __restrict o = out + pos;
        int32_t* __restrict a = argmax + pos;
        if (w.h0 >= w.h1 || w.w0 >= w.w1) {
          for (long c = 0; c < C; ++c) {
            o[c] = -INFINITY;
            a[c] = -1;
          }
          continue;
        }
        // The window's first element seeds the result.
        const long first = ((n * g.inH + w.h0) * g.inW + w.w0) * C;
        for (long c = 0; c < C; ++c) {
          o[c] = x[first + c];
          a[c] = static_cast<int32_t>(first + c);
        }
        for (long h = w.h0; h < w.h1; ++h) {
          for (long ww = (h == w.h0 ? w.w0 + 1 : w.w0); ww < w.w1; ++ww) {
            const long base = ((n * g.inH + h) * g.inW + ww) * C;
            const float* src = x + base;
            max_merge(src, o, a, C, static_cast<int32_t>(base));
          }
        }
      }
    }
  }
}

}  // namespace

// Samples are independent: big inputs are split across the pool by samples.
void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeom& g) {
  const size_t perSample = static_cast<size_t>(g.inH * g.inW * g.channels);
  const size_t grain = perSample ? (kParallelElements + perSample - 1) / perSample : 1;
  parallel_ranges(static_cast<size_t>(g.batch), grain, [&](size_t n0, size_t n1) {
    max_pool_samples(x, out, argmax, g, static_cast<long>(n0), static_cast<long>(n1));
  });
}

void max_pool2d_grad(const float* dy, const int32_t* argmax, size_t n, float* dx, size_t dxLen) {
  std::memset(dx, 0, dxLen * sizeof(float));
  for (size_t i = 0; i < n; ++i)
    if (argmax[i] >= 0 && static_cast<size_t>(argmax[i]) < dxLen) dx[argmax[i]] += dy[i];
}

void avg_pool2d(const float* x, float* out, const PoolGeom& g) {
  const long C = g.channels;
  for (long n = 0; n < g.batch; ++n) {
    for (long oh = 0; oh < g.outH; ++oh) {
      for (long ow = 0; ow < g.outW; ++ow) {
        const Window w = window(g, oh, ow);
        long count = (w.h1 - w.h0) * (w.w1 - w.w0);
        if (count < 1) count = 1;
        float* __restrict o = out + ((n * g.outH + oh) * g.outW + ow) * C;
        for (long c = 0; c < C; ++c) o[c] = 0.f;
        for (long h = w.h0; h < w.h1; ++h)
          for (long ww = w.w0; ww < w.w1; ++ww) {
            const float* __restrict src = x + ((n * g.inH + h) * g.inW + ww) * C;
            for (long c = 0; c < C; ++c) o[c] += src[c];
          }
        const float inv = 1.f / static_cast<float>(count);
        for (long c = 0; c < C; ++c) o[c] *= inv;
      }
    }
  }
}

void avg_pool2d_grad(const float* dy, float* dx, const PoolGeom& g) {
  const long C = g.channels;
  std::memset(dx, 0, static_cast<size_t>(g.batch * g.inH * g.inW * C) * sizeof(float));
  for (long n = 0; n < g.batch; ++n) {
    for (long oh = 0; oh < g.outH; ++oh) {
      for (long ow = 0; ow < g.outW; ++ow) {
        const Window w = window(g, oh, ow);
        long count = (w.h1 - w.h0) * (w.w1 - w.w0);
        if (count < 1) count = 1;
        const float inv = 1.f / static_cast<float>(count);
        const float* __restrict d = dy + ((n * g.outH + oh) * g.outW + ow) * C;
        for (long h = w.h0; h < w.h1; ++h)
          for (long ww = w.w0; ww < w.w1; ++ww) {
            float* __restrict dst = dx + ((n * g.inH + h) * g.inW + ww) * C;
            for (long c = 0; c < C; ++c) dst[c] += d[c] * inv;
          }
      }
    }
  }
}

}  // namespace dn

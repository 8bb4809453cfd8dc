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

}  // namespace

void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeom& g) {
  const long C = g.channels;
  for (long n = 0; n < g.batch; ++n) {
    for (long oh = 0; oh < g.outH; ++oh) {
      for (long ow = 0; ow < g.outW; ++ow) {
        const Window w = window(g, oh, ow);
        const long pos = ((n * g.outH + oh) * g.outW + ow) * C;
        float* __restrict o = out + pos;
        int32_t* __restrict a = argmax + pos;
        for (long c = 0; c < C; ++c) {
          o[c] = -INFINITY;
          a[c] = -1;
        }
        for (long h = w.h0; h < w.h1; ++h) {
          for (long ww = w.w0; ww < w.w1; ++ww) {
            const long base = ((n * g.inH + h) * g.inW + ww) * C;
            const float* __restrict src = x + base;
            for (long c = 0; c < C; ++c) {
              // The first element of a window always wins, then only strictly larger ones (NaN never).
              if (src[c] > o[c] || a[c] < 0) {
                o[c] = src[c];
                a[c] = static_cast<int32_t>(base + c);
              }
            }
          }
        }
      }
    }
  }
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

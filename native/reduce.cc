// Reductions and data movement: sums and maxima over the middle axis of [outer, reduce, inner],
// transposes, block copies for concat/slice, and the two whole-buffer checks used by clipping.
#include <cmath>
#include <cstring>

#include "kernels.h"

namespace dn {

void reduce_sum(const float* x, long outer, long reduce, long inner, float* out) {
  for (long o = 0; o < outer; ++o) {
    float* __restrict dst = out + o * inner;
    const float* src = x + o * reduce * inner;
    if (inner == 1) {
      float s = 0.f;
      for (long r = 0; r < reduce; ++r) s += src[r];
      dst[0] = s;
      continue;
    }
    for (long i = 0; i < inner; ++i) dst[i] = 0.f;
    for (long r = 0; r < reduce; ++r) {
      const float* __restrict row = src + r * inner;
      for (long i = 0; i < inner; ++i) dst[i] += row[i];
    }
  }
}

void reduce_max(const float* x, long outer, long reduce, long inner, float* out, int32_t* argmax) {
  // NaN wins and stops the scan, as in the reference.
  for (long o = 0; o < outer; ++o) {
    for (long i = 0; i < inner; ++i) {
      const float* src = x + o * reduce * inner + i;
      float best = -INFINITY;
      int32_t bestR = 0;
      for (long r = 0; r < reduce; ++r) {
        const float v = src[r * inner];
        if (v > best) {
          best = v;
          bestR = static_cast<int32_t>(r);
        } else if (std::isnan(v)) {
          best = v;
          bestR = static_cast<int32_t>(r);
          break;
        }
      }
      out[o * inner + i] = best;
      if (argmax) argmax[o * inner + i] = bestR;
    }
  }
}

namespace {

template <class T>
void transpose_t(const T* x, const int32_t* shape, const int32_t* perm, int rank, T* out) {
  long inStride[kMaxRank] = {0}, step[kMaxRank] = {0}, outShape[kMaxRank] = {0}, idx[kMaxRank] = {0};
  long s = 1, n = 1;
  for (int d = rank - 1; d >= 0; --d) {
    inStride[d] = s;
    s *= shape[d];
  }
  for (int d = 0; d < rank; ++d) {
    outShape[d] = shape[perm[d]];
    step[d] = inStride[perm[d]];
    idx[d] = 0;
    n *= outShape[d];
  }
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  const int last = rank - 1;
  const long len = outShape[last], st = step[last];
  long src = 0;
  for (long i = 0; i < n; i += len) {
    T* __restrict o = out + i;
    // The last axis kept in place ([B,T,F] → [T,B,F] of a sequence): whole runs are plain copies.
    if (st == 1) std::memcpy(o, x + src, static_cast<size_t>(len) * sizeof(T));
    else for (long j = 0; j < len; ++j) o[j] = x[src + j * st];
    for (int d = last - 1; d >= 0; --d) {
      src += step[d];
      if (++idx[d] < outShape[d]) break;
      src -= step[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

void transpose(const void* x, size_t elemBytes, const int32_t* shape, const int32_t* perm, int rank, void* out) {
  if (elemBytes == 4) transpose_t(static_cast<const uint32_t*>(x), shape, perm, rank, static_cast<uint32_t*>(out));
  else transpose_t(static_cast<const uint8_t*>(x), shape, perm, rank, static_cast<uint8_t*>(out));
}

void copy_block(const void* x, size_t elemBytes, long outer, long inner, void* out, long outInner, long offset) {
  const char* src = static_cast<const char*>(x);
  char* dst = static_cast<char*>(out);
  const size_t row = static_cast<size_t>(inner) * elemBytes;
  for (long o = 0; o < outer; ++o)
    std::memcpy(dst + (o * outInner + offset) * elemBytes, src + o * inner * elemBytes, row);
}

void slice_block(const void* x, size_t elemBytes, long outer, long xInner, long offset, long inner, void* out) {
  const char* src = static_cast<const char*>(x);
  char* dst = static_cast<char*>(out);
  const size_t row = static_cast<size_t>(inner) * elemBytes;
  for (long o = 0; o < outer; ++o)
    std::memcpy(dst + o * inner * elemBytes, src + (o * xInner + offset) * elemBytes, row);
}

double sum_squares(const float* x, size_t n) {
  // Double accumulators like the reference, four of them so the loop pipelines.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += static_cast<double>(x[i]) * x[i];
    s1 += static_cast<double>(x[i + 1]) * x[i + 1];
    s2 += static_cast<double>(x[i + 2]) * x[i + 2];
    s3 += static_cast<double>(x[i + 3]) * x[i + 3];
  }
  for (; i < n; ++i) s0 += static_cast<double>(x[i]) * x[i];
  return (s0 + s1) + (s2 + s3);
}

bool all_finite(const float* x, size_t n) {
  // A float is non-finite exactly when its exponent bits are all ones; an integer max over the
  // exponent fields vectorizes, where a float test with an early exit would not.
  const uint32_t* bits = reinterpret_cast<const uint32_t*>(x);
  size_t i = 0;
  for (; i + 256 <= n; i += 256) {
    uint32_t m = 0;
    for (size_t j = 0; j < 256; ++j) {
      const uint32_t e = bits[i + j] & 0x7f800000u;
      m = e > m ? e : m;
    }
    if (m == 0x7f800000u) return false;
  }
  for (; i < n; ++i)
    if ((bits[i] & 0x7f800000u) == 0x7f800000u) return false;
  return true;
}

}  // namespace dn

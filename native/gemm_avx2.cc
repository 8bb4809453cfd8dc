// AVX2+FMA GEMM: a 6×16 register tile (12 accumulators, 2 B vectors, 1 broadcast of 16 ymm).
#include "common.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

constexpr long MR = 6, NR = 16, KC = 256, MC = 120, NC = 3072;

__m256i col_mask(int cols) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), idx);
}

void micro(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
           bool loadC, const float* bias, bool relu) {
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = _mm256_setzero_ps();
    acc[r][1] = _mm256_setzero_ps();
  }
#pragma GCC unroll 2
  for (long p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(B);
    const __m256 b1 = _mm256_load_ps(B + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      const __m256 a = _mm256_broadcast_ss(A + r);
      acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
    }
    A += MR;
    B += NR;
  }
  const __m256i m0 = col_mask(nr), m1 = col_mask(nr - 8);
  __m256 bias0 = _mm256_setzero_ps(), bias1 = _mm256_setzero_ps();
  if (bias) {
    bias0 = _mm256_maskload_ps(bias, m0);
    bias1 = _mm256_maskload_ps(bias + 8, m1);
  }
  const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) {
    if (r >= mr) break;
    float* row = c + r * ldc;
    __m256 v0 = _mm256_add_ps(acc[r][0], bias0);
    __m256 v1 = _mm256_add_ps(acc[r][1], bias1);
    if (loadC) {
      v0 = _mm256_add_ps(v0, _mm256_maskload_ps(row, m0));
      v1 = _mm256_add_ps(v1, _mm256_maskload_ps(row + 8, m1));
    }
    if (relu) {
      v0 = _mm256_max_ps(zero, v0);
      v1 = _mm256_max_ps(zero, v1);
    }
    _mm256_maskstore_ps(row, m0, v0);
    _mm256_maskstore_ps(row + 8, m1, v1);
  }
}

#include "gemm_driver.h"

}  // namespace

namespace dn {
void gemm_avx2(const GemmArgs& g) { drive(g); }
}  // namespace dn

#endif

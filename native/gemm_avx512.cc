// AVX-512 GEMM: a 12×32 register tile (24 accumulators, 2 B vectors, 1 broadcast of 32 zmm).
#include "common.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

constexpr long MR = 12, NR = 32, KC = 256, MC = 240, NC = 3072;

__mmask16 col_mask(int cols) { return cols >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << (cols < 0 ? 0 : cols)) - 1u); }

void micro(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
           bool loadC, const float* bias, bool relu) {
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = _mm512_setzero_ps();
    acc[r][1] = _mm512_setzero_ps();
  }
#pragma GCC unroll 2
  for (long p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(B);
    const __m512 b1 = _mm512_load_ps(B + 16);
    _mm_prefetch(reinterpret_cast<const char*>(B + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      const __m512 a = _mm512_set1_ps(A[r]);
      acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
    }
    A += MR;
    B += NR;
  }
  const __mmask16 m0 = col_mask(nr), m1 = col_mask(nr - 16);
  __m512 bias0 = _mm512_setzero_ps(), bias1 = _mm512_setzero_ps();
  if (bias) {
    bias0 = _mm512_maskz_loadu_ps(m0, bias);
    bias1 = _mm512_maskz_loadu_ps(m1, bias + 16);
  }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) {
    if (r >= mr) break;
    float* row = c + r * ldc;
    __m512 v0 = _mm512_add_ps(acc[r][0], bias0);
    __m512 v1 = _mm512_add_ps(acc[r][1], bias1);
    if (loadC) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, row));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, row + 16));
    }
    if (relu) {
      v0 = _mm512_max_ps(zero, v0);
      v1 = _mm512_max_ps(zero, v1);
    }
    _mm512_mask_storeu_ps(row, m0, v0);
    _mm512_mask_storeu_ps(row + 16, m1, v1);
  }
}

#include "gemm_driver.h"

}  // namespace

namespace dn {
void gemm_avx512(const GemmArgs& g) { drive(g); }
}  // namespace dn

#endif

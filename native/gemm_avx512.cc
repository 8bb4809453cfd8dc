// AVX-512 GEMM. Main tile 12×32 (24 zmm accumulators, 2 B vectors, 1 broadcast of 32 registers);
// a 12×16 tile serves outputs at most 16 wide (a Dense layer's logits) so that padding does not
// waste half the work or more.
#include "common.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <array>
#include <utility>

namespace {

__mmask16 col_mask(int cols) {
  if (cols >= 16) return static_cast<__mmask16>(0xFFFF);
  return static_cast<__mmask16>((1u << (cols < 0 ? 0 : cols)) - 1u);
}

template <int NV>
struct Tile {
  static constexpr long MR = 12, NR = 16 * NV, KC = 256, MC = 240, NC = 3072;

  static void run(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
                  bool loadC, const float* bias, bool relu) {
    __m512 acc[MR][NV];
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (long p = 0; p < kc; ++p) {
      __m512 b[NV];
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) b[v] = _mm512_load_ps(B + 16 * v);
      _mm_prefetch(reinterpret_cast<const char*>(B + 8 * NR), _MM_HINT_T0);
#pragma GCC unroll 12
      for (int r = 0; r < MR; ++r) {
        const __m512 a = _mm512_set1_ps(A[r]);
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(a, b[v], acc[r][v]);
      }
      A += MR;
      B += NR;
    }
    __mmask16 mask[NV];
    __m512 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      mask[v] = col_mask(nr - 16 * v);
      bv[v] = bias ? _mm512_maskz_loadu_ps(mask[v], bias + 16 * v) : _mm512_setzero_ps();
    }
    const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      if (r >= mr) break;
      float* row = c + r * ldc;
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) {
        __m512 x = _mm512_add_ps(acc[r][v], bv[v]);
        if (loadC) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask[v], row + 16 * v));
        // max(0, x) keeps NaN, as the reference relu does.
        if (relu) x = _mm512_max_ps(zero, x);
        _mm512_mask_storeu_ps(row + 16 * v, mask[v], x);
      }
    }
  }
};

#include "gemm_driver.h"
#include "gemm_small_avx512.h"

}  // namespace

namespace dn {
// 24 independent FMA chains: enough to cover latency on two 512-bit FMA pipes. Returns flops done.
double fma_peak_avx512(long iters) {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_set1_ps(0.001f * static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it)
#pragma GCC unroll 24
    for (int i = 0; i < 24; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = _mm512_setzero_ps();
  for (int i = 0; i < 24; ++i) s = _mm512_add_ps(s, acc[i]);
  float lanes[16];
  _mm512_storeu_ps(lanes, s);
  volatile float sink = lanes[0];
  (void)sink;
  return static_cast<double>(iters) * 24 * 32;
}

void gemm_avx512(const GemmArgs& g) {
  if (small_fits(g)) small_gemm(g);
  else if (g.n <= 16) drive<Tile<1>>(g);
  else drive<Tile<2>>(g);
}
}  // namespace dn

#endif

// AVX2+FMA GEMM. Main tile 6×16 (12 ymm accumulators, 2 B vectors, 1 broadcast of 16 registers);
// a 6×8 tile serves outputs at most 8 wide.
#include "common.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

__m256i col_mask(int cols) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), idx);
}

template <int NV>
struct Tile {
  static constexpr long MR = 6, NR = 8 * NV, KC = 256, MC = 120, NC = 3072;

  static void run(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
                  bool loadC, const float* bias, bool relu) {
    __m256 acc[MR][NV];
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_setzero_ps();
#pragma GCC unroll 2
    for (long p = 0; p < kc; ++p) {
      __m256 b[NV];
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) b[v] = _mm256_load_ps(B + 8 * v);
#pragma GCC unroll 6
      for (int r = 0; r < MR; ++r) {
        const __m256 a = _mm256_broadcast_ss(A + r);
#pragma GCC unroll 2
        for (int v = 0; v < NV; ++v) acc[r][v] = _mm256_fmadd_ps(a, b[v], acc[r][v]);
      }
      A += MR;
      B += NR;
    }
    __m256i mask[NV];
    __m256 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      mask[v] = col_mask(nr - 8 * v);
      bv[v] = bias ? _mm256_maskload_ps(bias + 8 * v, mask[v]) : _mm256_setzero_ps();
    }
    const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      if (r >= mr) break;
      float* row = c + r * ldc;
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) {
        __m256 x = _mm256_add_ps(acc[r][v], bv[v]);
        if (loadC) x = _mm256_add_ps(x, _mm256_maskload_ps(row + 8 * v, mask[v]));
        // max(0, x) keeps NaN, as the reference relu does.
        if (relu) x = _mm256_max_ps(zero, x);
        _mm256_maskstore_ps(row + 8 * v, mask[v], x);
      }
    }
  }
};

#include "gemm_driver.h"

}  // namespace

namespace dn {
// 12 independent FMA chains: enough to cover latency on two 256-bit FMA pipes. Returns flops done.
double fma_peak_avx2(long iters) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(0.001f * static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it)
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = _mm256_setzero_ps();
  for (int i = 0; i < 12; ++i) s = _mm256_add_ps(s, acc[i]);
  float lanes[8];
  _mm256_storeu_ps(lanes, s);
  volatile float sink = lanes[0];
  (void)sink;
  return static_cast<double>(iters) * 12 * 16;
}

void gemm_avx2(const GemmArgs& g) {
  if (g.n <= 8) drive<Tile<1>>(g);
  else drive<Tile<2>>(g);
}
}  // namespace dn

#endif

// Portable GEMM micro-kernel in plain C++; the compiler vectorizes the column loop with whatever
// the baseline target offers (SSE2 on x86-64, NEON on arm64).
#include "common.h"

namespace {

struct Tile {
  static constexpr long MR = 4, NR = 16, KC = 256, MC = 128, NC = 2048;
  static void run(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
                  bool loadC, const float* bias, bool relu);
};

void Tile::run(long kc, const float* __restrict A, const float* __restrict B, float* c, long ldc, int mr, int nr,
               bool loadC, const float* bias, bool relu) {
  float acc[MR][NR] = {};
  for (long p = 0; p < kc; ++p) {
    for (int r = 0; r < MR; ++r) {
      const float a = A[r];
      for (int j = 0; j < NR; ++j) acc[r][j] += a * B[j];
    }
    A += MR;
    B += NR;
  }
  for (int r = 0; r < mr; ++r) {
    float* row = c + r * ldc;
    for (int j = 0; j < nr; ++j) {
      float v = acc[r][j];
      if (bias) v += bias[j];
      if (loadC) v += row[j];
      if (relu && v < 0.f) v = 0.f;
      row[j] = v;
    }
  }
}

#include "gemm_driver.h"

}  // namespace

namespace dn {
void gemm_generic(const GemmArgs& g) { drive<Tile>(g); }
}  // namespace dn

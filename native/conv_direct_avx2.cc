// Direct convolution tiles for the avx2 build (flags from binding.gyp); see conv_direct_impl.h.
#include "conv_direct.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

struct V256 {
  using reg = __m256;
  using mask = __m256i;
  static constexpr long L = 8;
  static mask tail(long n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n < 0 ? 0 : (n > 8 ? 8 : n))), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static reg load(mask m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void store(mask m, float* p, reg v) { _mm256_maskstore_ps(p, m, v); }
  static reg bcast(float x) { return _mm256_set1_ps(x); }
  static reg fma(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
  static reg max(reg a, reg b) { return _mm256_max_ps(a, b); }
  static reg zero() { return _mm256_setzero_ps(); }
};

#include "conv_direct_impl.h"

// 6 rows × 2 vectors: 12 accumulators, 2 kernel vectors and a broadcast in 16 registers.
using Dispatch = DirectDispatch<V256, 6, 2>;

}  // namespace

namespace dn {
extern const DirectConvKernels kDirectConv_avx2 = {6, 8, 2, Dispatch::forward, Dispatch::filter};
}  // namespace dn
#endif

// Direct convolution tiles for the avx512 build (flags from binding.gyp); see conv_direct_impl.h.
#include "conv_direct.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace {

struct V512 {
  using reg = __m512;
  using mask = __mmask16;
  static constexpr long L = 16;
  static mask tail(long n) { return n >= 16 ? static_cast<mask>(0xFFFF) : static_cast<mask>((1u << (n < 0 ? 0 : n)) - 1u); }
  static reg load(mask m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(mask m, float* p, reg v) { _mm512_mask_storeu_ps(p, m, v); }
  static reg bcast(float x) { return _mm512_set1_ps(x); }
  static reg fma(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
  static reg max(reg a, reg b) { return _mm512_max_ps(a, b); }
  static reg zero() { return _mm512_setzero_ps(); }
};

#include "conv_direct_impl.h"

// 12 rows × 2 vectors: 24 accumulators, 2 kernel vectors and a broadcast in 32 registers.
using Dispatch = DirectDispatch<V512, 12, 2>;

}  // namespace

namespace dn {
extern const DirectConvKernels kDirectConv_avx512 = {12, 16, 2, Dispatch::forward, Dispatch::filter};
}  // namespace dn
#endif

// Vectorized transcendental array kernels, compiled per SIMD family and picked with the GEMM's.
// x and y may be the same array (in-place), but must not otherwise overlap.
#pragma once

namespace dn {

struct VMath {
  void (*exp)(const float* x, float* y, long n);
  void (*tanh)(const float* x, float* y, long n);
  void (*sigmoid)(const float* x, float* y, long n);
  float (*exp_shift_sum)(const float* x, float shift, float* y, long n);
  // One LSTM row with tanh / sigmoid activations, fused (see lstm_impl.h).
  void (*lstm_row_forward)(float* z, const float* cPrev, float* c, float* h, long u);
  void (*lstm_row_backward)(const float* gates, const float* cPrev, const float* c, const float* dhNext,
                            const float* dOut, const float* dcNext, float* dz, float* dhPrev, float* dcPrev, long u);
};

// The family matching the active GEMM micro-kernels (see gemm_isa()).
const VMath& vmath();

}  // namespace dn

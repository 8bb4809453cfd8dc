// Vectorized transcendental array kernels, compiled per SIMD family and picked with the GEMM's.
// x and y may be the same array (in-place), but must not otherwise overlap.
#pragma once

namespace dn {

struct VMath {
  void (*exp)(const float* x, float* y, long n);
  void (*tanh)(const float* x, float* y, long n);
  void (*sigmoid)(const float* x, float* y, long n);
  float (*exp_shift_sum)(const float* x, float shift, float* y, long n);
};

// The family matching the active GEMM micro-kernels (see gemm_isa()).
const VMath& vmath();

}  // namespace dn

// One LSTM row with Keras' default activations (tanh, sigmoid) as a single fused loop over the
// units, compiled per SIMD family next to vmath_impl.h (whose exp/tanh/sigmoid cores it inlines).
// A time step of a 32-unit LSTM is 128 rows of 32 units: as separate passes through the array
// kernels (one call per gate and row, each a 16–64 element loop with its own tail) the call and
// tail overhead cost more than the math. Include after vmath_impl.h, inside the same anonymous
// namespace.

// z = [i f g o] pre-activations, overwritten with the activated gates (the backward pass reads
// them); c = f·cPrev + i·g, h = o·tanh(c).
void lstm_row_forward(float* __restrict z, const float* __restrict cPrev, float* __restrict c, float* __restrict h,
                      long u) {
  float* __restrict zi = z;
  float* __restrict zf = z + u;
  float* __restrict zg = z + 2 * u;
  float* __restrict zo = z + 3 * u;
  // The four gate slices of z never overlap; ivdep says so where the offsets hide it from GCC.
#pragma GCC ivdep
  for (long j = 0; j < u; ++j) {
    const float i = sigmoid_core(zi[j]), f = sigmoid_core(zf[j]), g = tanh_core(zg[j]), o = sigmoid_core(zo[j]);
    zi[j] = i;
    zf[j] = f;
    zg[j] = g;
    zo[j] = o;
    const float cj = f * cPrev[j] + i * g;
    c[j] = cj;
    h[j] = o * tanh_core(cj);
  }
}

template <bool HasOut>
inline void lstm_row_backward_t(const float* __restrict gates, const float* __restrict cPrev, const float* __restrict c,
                                const float* __restrict dhNext, const float* __restrict dOut,
                                const float* __restrict dcNext, float* __restrict dz, float* __restrict dcPrev, long u) {
  const float* __restrict gi = gates;
  const float* __restrict gf = gates + u;
  const float* __restrict gg = gates + 2 * u;
  const float* __restrict go = gates + 3 * u;
#pragma GCC ivdep
  for (long j = 0; j < u; ++j) {
    const float dh = HasOut ? dhNext[j] + dOut[j] : dhNext[j];
    const float i = gi[j], f = gf[j], g = gg[j], o = go[j];
    const float tc = tanh_core(c[j]);
    const float dct = dcNext[j] + dh * o * (1.f - tc * tc);
    dz[j] = dct * g * (i * (1.f - i));
    dz[u + j] = dct * cPrev[j] * (f * (1.f - f));
    dz[2 * u + j] = dct * i * (1.f - g * g);
    dz[3 * u + j] = dh * tc * (o * (1.f - o));
    dcPrev[j] = dct * f;
  }
}

// Gradients of one row given its activated gates: dz (4u), dcPrev, and dhPrev zeroed (the
// recurrent matmul adds into it). dOut may be null.
void lstm_row_backward(const float* gates, const float* cPrev, const float* c, const float* dhNext, const float* dOut,
                       const float* dcNext, float* dz, float* dhPrev, float* dcPrev, long u) {
  if (dOut) lstm_row_backward_t<true>(gates, cPrev, c, dhNext, dOut, dcNext, dz, dcPrev, u);
  else lstm_row_backward_t<false>(gates, cPrev, c, dhNext, dOut, dcNext, dz, dcPrev, u);
  for (long j = 0; j < u; ++j) dhPrev[j] = 0.f;
}

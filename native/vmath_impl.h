// Branch-free float32 exp, tanh and sigmoid (Cephes-style range reduction and polynomials, a few
// ulp from the correctly rounded result) written as plain loops that the compiler vectorizes with
// whatever vector width the including translation unit is compiled for. libm's scalar tanhf is
// ~16 ns an element; these run at a fraction of a nanosecond. Include inside an anonymous
// namespace only (see gemm_driver.h for why).
//
// Special values match the reference: exp(NaN) = NaN, exp(+inf) = +inf, exp(-inf) = 0, and so on.

inline float bits_to_float(int32_t i) {
  float f;
  __builtin_memcpy(&f, &i, sizeof f);
  return f;
}

inline float exp_core(float x) {
  const float xc = x < -87.33654f ? -87.33654f : (x > 88.72283f ? 88.72283f : x);
  // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick (no floor instruction needed).
  const float magic = 12582912.f;
  float fn = (xc * 1.44269504088896341f + magic) - magic;
  fn = fn > 127.f ? 127.f : fn;
  const float r = (xc - fn * 0.693359375f) + fn * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  const float scale = bits_to_float((static_cast<int32_t>(fn) + 127) << 23);
  float y = p * scale;
  y = x < -87.33654f ? 0.f : y;
  y = x > 88.72283f ? __builtin_inff() : y;
  return x != x ? x : y;
}

inline float tanh_core(float x) {
  const float ax = x < 0.f ? -x : x;
  // Small |x|: odd polynomial; large: 1 − 2 / (e^{2|x|} + 1), which saturates to 1 on its own.
  const float z = x * x;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float small = x + x * z * p;
  const float big = 1.f - 2.f / (exp_core(2.f * ax) + 1.f);
  const float signedBig = x < 0.f ? -big : big;
  return ax < 0.625f ? small : signedBig;
}

inline float sigmoid_core(float x) { return 1.f / (1.f + exp_core(-x)); }

void vexp(const float* __restrict x, float* __restrict y, long n) {
  for (long i = 0; i < n; ++i) y[i] = exp_core(x[i]);
}

void vtanh(const float* __restrict x, float* __restrict y, long n) {
  for (long i = 0; i < n; ++i) y[i] = tanh_core(x[i]);
}

void vsigmoid(const float* __restrict x, float* __restrict y, long n) {
  for (long i = 0; i < n; ++i) y[i] = sigmoid_core(x[i]);
}

// exp(x − shift), summed: the inner loop of softmax.
float vexp_shift_sum(const float* __restrict x, float shift, float* __restrict y, long n) {
  float sum = 0.f;
  for (long i = 0; i < n; ++i) {
    const float e = exp_core(x[i] - shift);
    y[i] = e;
    sum += e;
  }
  return sum;
}

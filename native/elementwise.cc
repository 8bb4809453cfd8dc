// Elementwise unary ops, their gradients, and broadcasting binary ops. Each op runs its own tight
// loop (the switch is outside the loop) so the compiler can vectorize the simple ones.
#include <cmath>

#include "kernels.h"
#include "vmath.h"

namespace dn {
namespace {

constexpr float kSeluAlpha = 1.6732632423543772f;
constexpr float kSeluScale = 1.0507009873554805f;
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kInvSqrt2 = 0.7071067811865476f;
constexpr float kInvSqrt2Pi = 0.3989422804014327f;

inline float sigmoidf(float x) {
  if (x >= 0.f) return 1.f / (1.f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.f + e);
}

template <class F>
void map(const float* __restrict x, float* __restrict out, size_t n, F f) {
  for (size_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

template <class F>
void map_grad(const float* __restrict x, const float* __restrict y, const float* __restrict dy, float* __restrict out,
              size_t n, F f) {
  for (size_t i = 0; i < n; ++i) out[i] = dy[i] * f(x[i], y[i]);
}

// A select, not dy·0, so that an infinite or NaN dy where x ≤ 0 still gives 0 as in the reference.
void relu_grad(const float* __restrict x, const float* __restrict dy, float* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float d = dy[i];  // an unconditional load lets the compiler use a blend
    out[i] = x[i] > 0.f ? d : 0.f;
  }
}

void unary_f32_serial(int op, const float* x, float* out, size_t n, float alpha) {
  switch (op) {
    case U_NEG: return map(x, out, n, [](float v) { return -v; });
    case U_ABS: return map(x, out, n, [](float v) { return std::fabs(v); });
    case U_EXP: return vmath().exp(x, out, static_cast<long>(n));
    case U_LOG: return map(x, out, n, [](float v) { return std::log(v); });
    case U_SQRT: return map(x, out, n, [](float v) { return std::sqrt(v); });
    case U_RSQRT: return map(x, out, n, [](float v) { return 1.f / std::sqrt(v); });
    case U_SQUARE: return map(x, out, n, [](float v) { return v * v; });
    case U_RECIPROCAL: return map(x, out, n, [](float v) { return 1.f / v; });
    case U_SIGN: return map(x, out, n, [](float v) { return v > 0.f ? 1.f : v < 0.f ? -1.f : 0.f; });
    case U_FLOOR: return map(x, out, n, [](float v) { return std::floor(v); });
    case U_ROUND: return map(x, out, n, [](float v) { return std::nearbyint(v); });  // ties to even
    case U_RELU: return map(x, out, n, [](float v) { return v > 0.f ? v : 0.f; });
    case U_RELU6: return map(x, out, n, [](float v) { return v < 0.f ? 0.f : v > 6.f ? 6.f : v; });
    case U_SIGMOID: return vmath().sigmoid(x, out, static_cast<long>(n));
    case U_TANH: return vmath().tanh(x, out, static_cast<long>(n));
    case U_ELU: return map(x, out, n, [alpha](float v) { return v > 0.f ? v : alpha * std::expm1(v); });
    case U_SELU:
      return map(x, out, n, [](float v) { return v > 0.f ? kSeluScale * v : kSeluScale * kSeluAlpha * std::expm1(v); });
    case U_GELU: return map(x, out, n, [](float v) { return 0.5f * v * (1.f + std::erf(v * kInvSqrt2)); });
    case U_GELU_TANH:
      return map(x, out, n, [](float v) { return 0.5f * v * (1.f + std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v))); });
    case U_SOFTPLUS: return map(x, out, n, [](float v) { return v > 20.f ? v : std::log1p(std::exp(v)); });
    case U_SOFTSIGN: return map(x, out, n, [](float v) { return v / (1.f + std::fabs(v)); });
    case U_SWISH: return map(x, out, n, [](float v) { return v * sigmoidf(v); });
    case U_HARD_SIGMOID:
      return map(x, out, n, [](float v) {
        const float h = v / 6.f + 0.5f;
        return h < 0.f ? 0.f : h > 1.f ? 1.f : h;
      });
    case U_LEAKY_RELU: return map(x, out, n, [alpha](float v) { return v > 0.f ? v : alpha * v; });
    case U_SIN: return map(x, out, n, [](float v) { return std::sin(v); });
    case U_COS: return map(x, out, n, [](float v) { return std::cos(v); });
    case U_LOG1P: return map(x, out, n, [](float v) { return std::log1p(v); });
    case U_EXPM1: return map(x, out, n, [](float v) { return std::expm1(v); });
    case U_IS_NOT_FINITE: return map(x, out, n, [](float v) { return std::isfinite(v) ? 0.f : 1.f; });
    default: return;
  }
}


void unary_grad_serial(int op, const float* x, const float* y, const float* dy, float* out, size_t n, float alpha) {
  switch (op) {
    case U_NEG: return map_grad(x, y, dy, out, n, [](float, float) { return -1.f; });
    case U_ABS: return map_grad(x, y, dy, out, n, [](float v, float) { return v > 0.f ? 1.f : v < 0.f ? -1.f : 0.f; });
    case U_EXP: return map_grad(x, y, dy, out, n, [](float, float r) { return r; });
    case U_LOG: return map_grad(x, y, dy, out, n, [](float v, float) { return 1.f / v; });
    case U_SQRT: return map_grad(x, y, dy, out, n, [](float, float r) { return 0.5f / r; });
    case U_RSQRT: return map_grad(x, y, dy, out, n, [](float, float r) { return -0.5f * r * r * r; });
    case U_SQUARE: return map_grad(x, y, dy, out, n, [](float v, float) { return 2.f * v; });
    case U_RECIPROCAL: return map_grad(x, y, dy, out, n, [](float, float r) { return -r * r; });
    case U_SIGN: case U_FLOOR: case U_ROUND: case U_IS_NOT_FINITE:
      return map_grad(x, y, dy, out, n, [](float, float) { return 0.f; });
    case U_RELU: return relu_grad(x, dy, out, n);
    case U_RELU6: return map_grad(x, y, dy, out, n, [](float v, float) { return v > 0.f && v < 6.f ? 1.f : 0.f; });
    case U_SIGMOID: return map_grad(x, y, dy, out, n, [](float, float r) { return r * (1.f - r); });
    case U_TANH: return map_grad(x, y, dy, out, n, [](float, float r) { return 1.f - r * r; });
    case U_ELU: return map_grad(x, y, dy, out, n, [alpha](float v, float r) { return v > 0.f ? 1.f : r + alpha; });
    case U_SELU:
      return map_grad(x, y, dy, out, n, [](float v, float r) { return v > 0.f ? kSeluScale : r + kSeluScale * kSeluAlpha; });
    case U_GELU:
      return map_grad(x, y, dy, out, n, [](float v, float) {
        return 0.5f * (1.f + std::erf(v * kInvSqrt2)) + v * std::exp(-0.5f * v * v) * kInvSqrt2Pi;
      });
    case U_GELU_TANH:
      return map_grad(x, y, dy, out, n, [](float v, float) {
        const float t = std::tanh(kSqrt2OverPi * (v + 0.044715f * v * v * v));
        return 0.5f * (1.f + t) + 0.5f * v * (1.f - t * t) * kSqrt2OverPi * (1.f + 3.f * 0.044715f * v * v);
      });
    case U_SOFTPLUS: return map_grad(x, y, dy, out, n, [](float v, float) { return sigmoidf(v); });
    case U_SOFTSIGN:
      return map_grad(x, y, dy, out, n, [](float v, float) {
        const float d = 1.f + std::fabs(v);
        return 1.f / (d * d);
      });
    case U_SWISH:
      return map_grad(x, y, dy, out, n, [](float v, float) {
        const float s = sigmoidf(v);
        return s + v * s * (1.f - s);
      });
    case U_HARD_SIGMOID: return map_grad(x, y, dy, out, n, [](float v, float) { return v > -3.f && v < 3.f ? 1.f / 6.f : 0.f; });
    case U_LEAKY_RELU: return map_grad(x, y, dy, out, n, [alpha](float v, float) { return v > 0.f ? 1.f : alpha; });
    case U_SIN: return map_grad(x, y, dy, out, n, [](float v, float) { return std::cos(v); });
    case U_COS: return map_grad(x, y, dy, out, n, [](float v, float) { return -std::sin(v); });
    case U_LOG1P: return map_grad(x, y, dy, out, n, [](float v, float) { return 1.f / (1.f + v); });
    case U_EXPM1: return map_grad(x, y, dy, out, n, [](float, float r) { return r + 1.f; });
    default: return;
  }
}

}  // namespace

// Elementwise passes over a CNN's activations are memory-bound: big ones use both cores' bandwidth.
void unary_f32(int op, const float* x, float* out, size_t n, float alpha) {
  parallel_ranges(n, kParallelElements, [&](size_t b, size_t e) { unary_f32_serial(op, x + b, out + b, e - b, alpha); });
}

void unary_grad(int op, const float* x, const float* y, const float* dy, float* out, size_t n, float alpha) {
  parallel_ranges(n, kParallelElements,
                  [&](size_t b, size_t e) { unary_grad_serial(op, x + b, y + b, dy + b, out + b, e - b, alpha); });
}

void unary_to_u8(int op, const float* x, uint8_t* out, size_t n, float) {
  // Only the predicate op produces booleans; the binding routes nothing else here.
  if (op == U_IS_NOT_FINITE)
    for (size_t i = 0; i < n; ++i) out[i] = std::isfinite(x[i]) ? 0 : 1;
}

}  // namespace dn

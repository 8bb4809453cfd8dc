// Fused optimizer updates (Keras 3's rules, term for term, as in src/backend/js/optimizers.ts):
// one pass over the weight and its slots.
#include <cmath>

#include "kernels.h"

namespace dn {

void sgd_update(float* __restrict w, const float* __restrict g, float* __restrict velocity, size_t n, float lr,
                float momentum, bool nesterov) {
  if (!velocity) {
    for (size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    const float m = momentum * velocity[i] - lr * g[i];
    velocity[i] = m;
    w[i] += nesterov ? momentum * m - lr * g[i] : m;
  }
}

void rmsprop_update(float* __restrict w, const float* __restrict g, float* __restrict ms, float* __restrict mom, size_t n,
                    float lr, float rho, float momentum, float eps, const float* __restrict sq) {
  const float oneMinusRho = 1.f - rho;
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float v = rho * ms[i] + oneMinusRho * (sq ? sq[i] : gi * gi);
    ms[i] = v;
    const float inc = lr * gi / std::sqrt(v + eps);
    if (mom) {
      const float m = momentum * mom[i] + inc;
      mom[i] = m;
      w[i] -= m;
    } else {
      w[i] -= inc;
    }
  }
}

void adam_update(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v,
                 float* __restrict vhat, size_t n, double lr, double beta1, double beta2, double eps, double step,
                 double weightDecay, const float* __restrict sq) {
  if (weightDecay > 0) {
    const float decay = static_cast<float>(lr * weightDecay);
    for (size_t i = 0; i < n; ++i) w[i] -= w[i] * decay;
  }
  // The bias correction is computed once in double, as the reference does.
  const float alpha = static_cast<float>(lr * std::sqrt(1 - std::pow(beta2, step)) / (1 - std::pow(beta1, step)));
  const float b1 = static_cast<float>(1 - beta1), b2 = static_cast<float>(1 - beta2), e = static_cast<float>(eps);
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i];
    const float mi = m[i] + (gi - m[i]) * b1;
    const float vi = v[i] + ((sq ? sq[i] : gi * gi) - v[i]) * b2;
    m[i] = mi;
    v[i] = vi;
    float denom = vi;
    if (vhat) {
      if (vi > vhat[i]) vhat[i] = vi;
      denom = vhat[i];
    }
    w[i] -= alpha * mi / (std::sqrt(denom) + e);
  }
}

void adagrad_update(float* __restrict w, const float* __restrict g, float* __restrict acc, size_t n, float lr, float eps,
                    const float* __restrict sq) {
  for (size_t i = 0; i < n; ++i) {
    const float gi = g[i];
    acc[i] += sq ? sq[i] : gi * gi;
    w[i] -= lr * gi / std::sqrt(acc[i] + eps);
  }
}

}  // namespace dn

// Row-wise softmax, its gradient, and the fused softmax + cross-entropy used by the
// categorical losses (one pass for max, one for the normaliser, one for the outputs).
#include <cmath>

#include "kernels.h"
#include "vmath.h"

namespace dn {

void softmax(const float* x, float* out, long rows, long cols) {
  for (long r = 0; r < rows; ++r) {
    const float* __restrict xr = x + r * cols;
    float* __restrict o = out + r * cols;
    float mx = -INFINITY;
    for (long c = 0; c < cols; ++c) mx = xr[c] > mx ? xr[c] : mx;
    const float sum = vmath().exp_shift_sum(xr, mx, o, cols);
    const float inv = 1.f / sum;
    for (long c = 0; c < cols; ++c) o[c] *= inv;
  }
}

void softmax_grad(const float* y, const float* dy, float* out, long rows, long cols) {
  for (long r = 0; r < rows; ++r) {
    const float* __restrict yr = y + r * cols;
    const float* __restrict dr = dy + r * cols;
    float* __restrict o = out + r * cols;
    float dot = 0.f;
    for (long c = 0; c < cols; ++c) dot += dr[c] * yr[c];
    for (long c = 0; c < cols; ++c) o[c] = yr[c] * (dr[c] - dot);
  }
}

void softmax_cross_entropy(const float* logits, const float* labels, long rows, long cols, float* loss, float* grad) {
  for (long r = 0; r < rows; ++r) {
    const float* __restrict z = logits + r * cols;
    const float* __restrict y = labels + r * cols;
    float* __restrict gr = grad + r * cols;
    float mx = -INFINITY;
    for (long c = 0; c < cols; ++c) mx = z[c] > mx ? z[c] : mx;
    const float sum = vmath().exp_shift_sum(z, mx, gr, cols);  // grad doubles as the exp buffer
    const float logSum = std::log(sum) + mx;
    const float inv = 1.f / sum;
    float l = 0.f;
    for (long c = 0; c < cols; ++c) l -= y[c] * (z[c] - logSum);
    loss[r] = l;
    // softmax − labels, TensorFlow's gradient (exact when a row of labels sums to 1).
    for (long c = 0; c < cols; ++c) gr[c] = gr[c] * inv - y[c];
  }
}

}  // namespace dn

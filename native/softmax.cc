// Row-wise softmax, its gradient, and the fused softmax + cross-entropy used by the
// categorical losses (one pass for max, one for the normaliser, one for the outputs).
#include <cmath>

#include "kernels.h"
#include "vmath.h"

namespace dn {

namespace {

// Rows shorter than this go through the block path: one vectorized exp over a chunk of whole
// rows instead of one call per row, whose 10-wide loop (a classifier's logits) would run scalar.
constexpr long kShortRow = 64;
// Elements per chunk: small enough that the chunk is still in L1 when it is normalised.
constexpr long kChunk = 4096;

// o = exp(x − rowmax) for a chunk of rows; returns nothing, rowmax goes to mx[r].
void shifted_exp_rows(const float* __restrict x, float* __restrict o, float* __restrict mx, long rows, long cols) {
  for (long r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float m = -INFINITY;
    for (long c = 0; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    mx[r] = m;
    for (long c = 0; c < cols; ++c) o[r * cols + c] = xr[c] - m;
  }
  vmath().exp(o, o, rows * cols);
}

}  // namespace

void softmax(const float* x, float* out, long rows, long cols) {
  if (cols > 0 && cols < kShortRow) {
    const long chunkRows = kChunk / cols;
    float mx[kChunk];
    for (long r0 = 0; r0 < rows; r0 += chunkRows) {
      const long nr = rows - r0 < chunkRows ? rows - r0 : chunkRows;
      float* o = out + r0 * cols;
      shifted_exp_rows(x + r0 * cols, o, mx, nr, cols);
      for (long r = 0; r < nr; ++r) {
        float* __restrict orow = o + r * cols;
        float sum = 0.f;
        for (long c = 0; c < cols; ++c) sum += orow[c];
        const float inv = 1.f / sum;
        for (long c = 0; c < cols; ++c) orow[c] *= inv;
      }
    }
    return;
  }
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

namespace {

// Loss and gradient of one row, given e = exp(z − mx) in gr and its sum.
inline void xent_row(const float* __restrict z, const float* __restrict y, float* __restrict gr, long cols, float mx,
                     float sum, float* loss) {
  const float logSum = std::log(sum) + mx;
  const float inv = 1.f / sum;
  float l = 0.f;
  for (long c = 0; c < cols; ++c) l -= y[c] * (z[c] - logSum);
  *loss = l;
  // softmax − labels, TensorFlow's gradient (exact when a row of labels sums to 1).
  for (long c = 0; c < cols; ++c) gr[c] = gr[c] * inv - y[c];
}

}  // namespace

void softmax_cross_entropy(const float* logits, const float* labels, long rows, long cols, float* loss, float* grad) {
  if (cols > 0 && cols < kShortRow) {
    // grad doubles as the exp buffer, a chunk of rows at a time.
    const long chunkRows = kChunk / cols;
    float mx[kChunk];
    for (long r0 = 0; r0 < rows; r0 += chunkRows) {
      const long nr = rows - r0 < chunkRows ? rows - r0 : chunkRows;
      shifted_exp_rows(logits + r0 * cols, grad + r0 * cols, mx, nr, cols);
      for (long r = r0; r < r0 + nr; ++r) {
        float* gr = grad + r * cols;
        float sum = 0.f;
        for (long c = 0; c < cols; ++c) sum += gr[c];
        xent_row(logits + r * cols, labels + r * cols, gr, cols, mx[r - r0], sum, loss + r);
      }
    }
    return;
  }
  for (long r = 0; r < rows; ++r) {
    const float* __restrict z = logits + r * cols;
    float* __restrict gr = grad + r * cols;
    float mx = -INFINITY;
    for (long c = 0; c < cols; ++c) mx = z[c] > mx ? z[c] : mx;
    const float sum = vmath().exp_shift_sum(z, mx, gr, cols);  // grad doubles as the exp buffer
    xent_row(z, labels + r * cols, gr, cols, mx, sum, loss + r);
  }
}

}  // namespace dn

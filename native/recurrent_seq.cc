// Whole-sequence LSTM: the time loop runs here, so a step costs a few small GEMMs and the gate math
// with no trip through JavaScript, and the backward pass turns each step's gate gradient into the
// input, kernel, recurrent-kernel and bias gradients while it is still in cache (a sequence-sized
// gate gradient would otherwise be written once and streamed through memory four times). Batch
// rows are independent through time, so a sequence with enough work is split by rows across the
// pool: each part runs its rows over every step and the parts never wait for each other; the
// weight gradients are summed over parts at the end, in a fixed order.
#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "common.h"
#include "recurrent.h"

namespace dn {
namespace {

// Rows below which a part's GEMMs get too thin to be worth another thread.
constexpr long kMinRowsPerPart = 16;

struct Steps {
  long T;
  bool back;
  long time(long s) const { return back ? T - 1 - s : s; }
  long in_slot(long t) const { return back ? t + 1 : t; }
  long out_slot(long t) const { return back ? t : t + 1; }
};

long parts_for(const LstmSeq& s) {
  const int threads = pool_threads();
  const long work = s.steps * s.batch * (s.features + s.units) * 4 * s.units;
  if (threads <= 1 || work < kParallelWork) return 1;
  return std::max(1L, std::min<long>(threads, s.batch / kMinRowsPerPart));
}

// Rows [b0, b0 + m) of part p of `parts`.
void part_rows(long batch, long parts, long p, long* b0, long* m) {
  const long per = (batch + parts - 1) / parts;
  *b0 = std::min(batch, p * per);
  *m = std::min(batch, *b0 + per) - *b0;
}

// Asks for `rows` rows of `len` floats ahead of use: the next step's rows sit in many short runs
// (one per batch row), which the hardware prefetchers do not pick up before the small GEMMs stall.
void prefetch_rows(const float* p, long rows, long len, long stride) {
  for (long r = 0; r < rows; ++r)
    for (long i = 0; i < len; i += 16) __builtin_prefetch(p + r * stride + i, 0, 2);
}

// C (+)= A·B with A(i,p) = a[i*rsa + p*csa] and row-major B and C.
void gemm_rows(long m, long n, long k, const float* a, long rsa, long csa, const float* b, long ldb, float* c, long ldc,
               const float* bias, bool accumulate) {
  GemmArgs g{m, n, k, a, rsa, csa, b, ldb, 1, c, ldc, bias, ACT_LINEAR, accumulate};
  gemm_serial(g);
}

// dst[j × rows] = src[rows × j]ᵀ, so every per-step product reads a row-major operand.
std::vector<float> transposed(const float* src, long rows, long cols) {
  std::vector<float> t(static_cast<size_t>(rows * cols));
  for (long i = 0; i < rows; ++i)
    for (long j = 0; j < cols; ++j) t[static_cast<size_t>(j * rows + i)] = src[i * cols + j];
  return t;
}

void forward_rows(const LstmSeq& s, long b0, long m) {
  const long B = s.batch, T = s.steps, F = s.features, u = s.units, G = 4 * u, xs = T * F;
  const Steps at{T, s.goBackwards};
  float* hDrop = s.drop ? scratch(2, static_cast<size_t>(m * u)) : nullptr;
  const float* drop = s.drop ? s.drop + b0 * u : nullptr;
  const float* x0 = s.x + b0 * xs;
  for (long st = 0; st < T; ++st) {
    const long t = at.time(st), in = at.in_slot(t), out = at.out_slot(t);
    float* z = s.gates + (t * B + b0) * G;
    if (st + 1 < T) prefetch_rows(x0 + at.time(st + 1) * F, m, F, xs);
    gemm_rows(m, G, F, x0 + t * F, xs, 1, s.kernel, G, z, G, s.bias, false);
    const float* hPrev = s.h + (in * B + b0) * u;
    // The initial state is zero, so the first step has no recurrent term.
    if (st > 0) {
      const float* hRec = hPrev;
      if (drop) {
        for (long i = 0; i < m * u; ++i) hDrop[i] = hPrev[i] * drop[i];
        hRec = hDrop;
      }
      gemm_rows(m, G, u, hRec, u, 1, s.rk, G, z, G, nullptr, true);
    }
    lstm_gates_forward(z, s.c + (in * B + b0) * u, hPrev, s.c + (out * B + b0) * u, s.h + (out * B + b0) * u,
                       s.mask ? s.mask + t * B + b0 : nullptr, m, u, s.act, s.recAct);
  }
}

struct Backward {
  const LstmSeq* s;
  long parts;
  const float* dStep;
  float *dh, *dc;
  const float *kT, *uT;  // kernelᵀ [4u, F], recurrent kernelᵀ [4u, u]
  float* dx;
  std::vector<LstmGrads> partial;  // per part: dKernel, dRecurrentKernel, dBias (dx unused)
};

void backward_rows(const Backward& j, long part, long b0, long m) {
  const LstmSeq& s = *j.s;
  const long B = s.batch, T = s.steps, F = s.features, u = s.units, G = 4 * u, n = m * u, xs = T * F;
  const Steps at{T, s.goBackwards};
  const LstmGrads& g = j.partial[static_cast<size_t>(part)];
  float* buf = scratch(2, static_cast<size_t>(5 * n + m * G));
  float* dhNext = j.dh + b0 * u;
  float* dcNext = j.dc + b0 * u;
  float* dhPrev = buf;
  float* dcPrev = buf + n;
  float* hDrop = buf + 2 * n;
  float* tmp = buf + 3 * n;
  float* dOut = buf + 4 * n;
  float* dz = buf + 5 * n;
  const float* drop = s.drop ? s.drop + b0 * u : nullptr;
  const float* x0 = s.x + b0 * xs;
  float* dx0 = j.dx + b0 * xs;
  for (long st = T - 1; st >= 0; --st) {
    const long t = at.time(st), in = at.in_slot(t), out = at.out_slot(t);
    if (st > 0) {
      const long tn = at.time(st - 1);
      prefetch_rows(s.gates + (tn * B + b0) * G, 1, m * G, 0);
      prefetch_rows(s.c + (at.in_slot(tn) * B + b0) * u, 1, n, 0);
      prefetch_rows(x0 + tn * F, m, F, xs);
    }
    const float* dO = nullptr;
    if (j.dStep) {
      for (long r = 0; r < m; ++r) std::memcpy(dOut + r * u, j.dStep + ((b0 + r) * T + st) * u, sizeof(float) * u);
      dO = dOut;
    }
    lstm_gates_backward(s.gates + (t * B + b0) * G, s.c + (in * B + b0) * u, s.c + (out * B + b0) * u, dhNext, dO,
                        dcNext, dz, dhPrev, dcPrev, s.mask ? s.mask + t * B + b0 : nullptr, m, u, s.act, s.recAct);
    // dx_t = dz·Kᵀ, dKernel += x_tᵀ·dz, dBias += Σ dz
    gemm_rows(m, F, G, dz, G, 1, j.kT, F, dx0 + t * F, xs, nullptr, false);
    gemm_rows(F, G, m, x0 + t * F, 1, xs, dz, G, g.dKernel, G, nullptr, true);
    if (g.dBias)
      for (long r = 0; r < m; ++r)
        for (long q = 0; q < G; ++q) g.dBias[q] += dz[r * G + q];
    // The first step's incoming state is the constant zero: nothing flows further back.
    if (st > 0) {
      const float* hRec = s.h + (in * B + b0) * u;
      if (drop) {
        for (long i = 0; i < n; ++i) hDrop[i] = hRec[i] * drop[i];
        hRec = hDrop;
      }
      // dRecurrentKernel += hRecᵀ·dz; dhPrev += (dz·Uᵀ) ∘ drop
      gemm_rows(u, G, m, hRec, 1, u, dz, G, g.dRecurrentKernel, G, nullptr, true);
      gemm_rows(m, u, G, dz, G, 1, j.uT, u, drop ? tmp : dhPrev, u, nullptr, !drop);
      if (drop)
        for (long i = 0; i < n; ++i) dhPrev[i] += tmp[i] * drop[i];
    }
    std::swap(dhNext, dhPrev);
    std::swap(dcNext, dcPrev);
  }
}

void forward_part(void* ctx, long p, int) {
  const auto& j = *static_cast<const std::pair<const LstmSeq*, long>*>(ctx);
  long b0, m;
  part_rows(j.first->batch, j.second, p, &b0, &m);
  if (m > 0) forward_rows(*j.first, b0, m);
}

void backward_part(void* ctx, long p, int) {
  const Backward& j = *static_cast<const Backward*>(ctx);
  long b0, m;
  part_rows(j.s->batch, j.parts, p, &b0, &m);
  if (m > 0) backward_rows(j, p, b0, m);
}

}  // namespace

void lstm_sequence_forward(const LstmSeq& s) {
  if (s.batch <= 0 || s.steps <= 0) return;
  std::pair<const LstmSeq*, long> job{&s, parts_for(s)};
  if (job.second == 1) return forward_rows(s, 0, s.batch);
  parallel_for(job.second, forward_part, &job);
}

void lstm_sequence_backward(const LstmSeq& s, const float* dStep, float* dh, float* dc, const LstmGrads& g) {
  const long F = s.features, u = s.units, G = 4 * u;
  const size_t kN = static_cast<size_t>(F * G), rN = static_cast<size_t>(u * G), bN = static_cast<size_t>(G);
  std::memset(g.dKernel, 0, kN * sizeof(float));
  std::memset(g.dRecurrentKernel, 0, rN * sizeof(float));
  if (g.dBias) std::memset(g.dBias, 0, bN * sizeof(float));
  if (s.batch <= 0 || s.steps <= 0) return;
  const std::vector<float> kT = transposed(s.kernel, F, G), uT = transposed(s.rk, u, G);
  Backward j{&s, parts_for(s), dStep, dh, dc, kT.data(), uT.data(), g.dx, {}};
  // Part 0 accumulates into the outputs; every other part into its own zeroed buffers.
  std::vector<float> extra(static_cast<size_t>(j.parts - 1) * (kN + rN + bN), 0.f);
  j.partial.push_back(g);
  for (long p = 1; p < j.parts; ++p) {
    float* base = extra.data() + static_cast<size_t>(p - 1) * (kN + rN + bN);
    j.partial.push_back({nullptr, base, base + kN, g.dBias ? base + kN + rN : nullptr});
  }
  if (j.parts == 1) {
    backward_rows(j, 0, 0, s.batch);
    return;
  }
  parallel_for(j.parts, backward_part, &j);
  for (long p = 1; p < j.parts; ++p) {
    const LstmGrads& q = j.partial[static_cast<size_t>(p)];
    for (size_t i = 0; i < kN; ++i) g.dKernel[i] += q.dKernel[i];
    for (size_t i = 0; i < rN; ++i) g.dRecurrentKernel[i] += q.dRecurrentKernel[i];
    if (g.dBias)
      for (size_t i = 0; i < bN; ++i) g.dBias[i] += q.dBias[i];
  }
}

}  // namespace dn

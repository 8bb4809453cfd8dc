// Whole-sequence LSTM and GRU: the time loop runs here, so a step costs a few small GEMMs and the
// gate math with no trip through JavaScript, and the backward pass turns each step's gate
// gradient into the input, kernel, recurrent-kernel and bias gradients while it is still in cache
// (a sequence-sized gate gradient would otherwise be written once and streamed through memory four
// times). Batch rows are independent through time, so a sequence with enough work is split by
// rows across the pool: each part runs its rows over every step and the parts never wait for each
// other; the weight gradients are summed over parts at the end, in a fixed order.
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

long parts_for(const RnnSeq& s, long G) {
  const int threads = pool_threads();
  const long work = s.steps * s.batch * (s.features + s.units) * G;
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

// C (+)= A·B with A(i,p) = a[i*rsa + p*csa] and row-major B and C. Inside a part that shares the
// pool with others the product stays on its thread; a sequence run as one part (a small batch of
// wide units) lets a big enough product use the pool itself.
void gemm_rows(bool serial, long m, long n, long k, const float* a, long rsa, long csa, const float* b, long ldb, float* c,
               long ldc, const float* bias, bool accumulate) {
  GemmArgs g{m, n, k, a, rsa, csa, b, ldb, 1, c, ldc, bias, ACT_LINEAR, accumulate};
  if (serial) gemm_serial(g);
  else gemm(g);
}

// dst[j × rows] = src[rows × j]ᵀ, so every per-step product reads a row-major operand.
std::vector<float> transposed(const float* src, long rows, long cols) {
  std::vector<float> t(static_cast<size_t>(rows * cols));
  for (long i = 0; i < rows; ++i)
    for (long j = 0; j < cols; ++j) t[static_cast<size_t>(j * rows + i)] = src[i * cols + j];
  return t;
}

// h∘drop for the recurrent matmul (recurrent dropout), or h itself.
const float* dropped(const float* h, const float* drop, float* out, long n) {
  if (!drop) return h;
  for (long i = 0; i < n; ++i) out[i] = h[i] * drop[i];
  return out;
}

void add_column_sums(const float* d, long rows, long cols, float* sums) {
  for (long r = 0; r < rows; ++r)
    for (long q = 0; q < cols; ++q) sums[q] += d[r * cols + q];
}

// The weight gradients of one part: part 0 sums into the caller's buffers, every other part into
// its own zeroed copy, added to part 0's in part order once all parts are done.
class PartSums {
 public:
  PartSums(const RnnGrads& g, long parts, size_t kN, size_t rN, size_t bN) : kN_(kN), rN_(rN), bN_(g.dBias ? bN : 0) {
    std::memset(g.dKernel, 0, kN * sizeof(float));
    std::memset(g.dRecurrentKernel, 0, rN * sizeof(float));
    if (g.dBias) std::memset(g.dBias, 0, bN * sizeof(float));
    const size_t each = kN_ + rN_ + bN_;
    extra_.assign(static_cast<size_t>(parts - 1) * each, 0.f);
    parts_.push_back(g);
    for (long p = 1; p < parts; ++p) {
      float* base = extra_.data() + static_cast<size_t>(p - 1) * each;
      parts_.push_back({nullptr, base, base + kN_, g.dBias ? base + kN_ + rN_ : nullptr});
    }
  }
  const RnnGrads& part(long p) const { return parts_[static_cast<size_t>(p)]; }
  void reduce() {
    const RnnGrads& g = parts_[0];
    for (size_t p = 1; p < parts_.size(); ++p) {
      const RnnGrads& q = parts_[p];
      for (size_t i = 0; i < kN_; ++i) g.dKernel[i] += q.dKernel[i];
      for (size_t i = 0; i < rN_; ++i) g.dRecurrentKernel[i] += q.dRecurrentKernel[i];
      for (size_t i = 0; i < bN_; ++i) g.dBias[i] += q.dBias[i];
    }
  }

 private:
  size_t kN_, rN_, bN_;
  std::vector<float> extra_;
  std::vector<RnnGrads> parts_;
};

// Runs rows(part, b0, m) for every part of the batch: on the pool when there is more than one.
template <class F>
void for_parts(long batch, long parts, const F& rows) {
  if (parts == 1) return rows(0L, 0L, batch);
  struct Ctx {
    const F* rows;
    long batch, parts;
  } ctx{&rows, batch, parts};
  parallel_for(parts, [](void* c, long p, int) {
    const Ctx& x = *static_cast<const Ctx*>(c);
    long b0, m;
    part_rows(x.batch, x.parts, p, &b0, &m);
    if (m > 0) (*x.rows)(p, b0, m);
  }, &ctx);
}

// What every cell's backward pass shares: the sequence geometry for rows [b0, b0 + m), the
// input-side gradients of a step, and the recurrent-side ones.
struct RowsBackward {
  const RnnSeq& s;
  bool serial;  // other parts run beside this one: keep GEMMs on this thread
  long b0, m, G;
  const float* kT;  // kernelᵀ [G, F]
  const float* uT;  // recurrent kernelᵀ [G, u]
  float* dx;        // the caller's dx
  const RnnGrads& sums;

  // dx_t = dg·Kᵀ, dKernel += x_tᵀ·dg, dBias (its first G values) += Σ dg.
  void through_input(long t, const float* dg) const {
    const long F = s.features, xs = s.steps * F;
    gemm_rows(serial, m, F, G, dg, G, 1, kT, F, dx + b0 * xs + t * F, xs, nullptr, false);
    gemm_rows(serial, F, G, m, s.x + b0 * xs + t * F, 1, xs, dg, G, sums.dKernel, G, nullptr, true);
    if (sums.dBias) add_column_sums(dg, m, G, sums.dBias);
  }

  // dRecurrentKernel += hRecᵀ·dr and dhPrev += (dr·Uᵀ)∘drop. Not called for the first step: its
  // incoming state is the constant zero, so nothing flows back from it and it adds nothing.
  void through_recurrence(const float* hPrev, const float* dr, float* dhPrev, float* hDrop, float* tmp) const {
    const long u = s.units, n = m * u;
    const float* drop = s.drop ? s.drop + b0 * u : nullptr;
    gemm_rows(serial, u, G, m, dropped(hPrev, drop, hDrop, n), 1, u, dr, G, sums.dRecurrentKernel, G, nullptr, true);
    gemm_rows(serial, m, u, G, dr, G, 1, uT, u, drop ? tmp : dhPrev, u, nullptr, !drop);
    if (drop)
      for (long i = 0; i < n; ++i) dhPrev[i] += tmp[i] * drop[i];
  }

  void prefetch_step(long t, const float* gates, long gStride) const {
    const long F = s.features;
    prefetch_rows(gates + (t * s.batch + b0) * gStride, 1, m * gStride, 0);
    prefetch_rows(s.x + b0 * s.steps * F + t * F, m, F, s.steps * F);
  }

  // This step's output gradient as a contiguous [m, u] block, or null.
  const float* step_output(const float* dStep, long st, float* out) const {
    if (!dStep) return nullptr;
    const long u = s.units;
    for (long r = 0; r < m; ++r) std::memcpy(out + r * u, dStep + ((b0 + r) * s.steps + st) * u, sizeof(float) * u);
    return out;
  }
};

// What both cells' forward passes share for rows [b0, b0 + m): the input projection of a step
// and the recurrent matmul's input.
struct RowsForward {
  const RnnSeq& s;
  bool serial;  // other parts run beside this one: keep GEMMs on this thread
  long b0, m, G;
  Steps at;
  float* hDrop;  // h∘drop, when there is recurrent dropout

  RowsForward(const RnnSeq& seq, bool alone, long first, long rows, long gates)
      : s(seq), serial(!alone), b0(first), m(rows), G(gates), at{seq.steps, seq.goBackwards},
        hDrop(seq.drop ? scratch(2, static_cast<size_t>(rows * seq.units)) : nullptr) {}

  // out = x_t·kernel + bias for step st (time t), with the next step's rows asked for.
  void project(long st, long t, const float* bias, float* out) const {
    const long F = s.features, xs = s.steps * F;
    const float* x0 = s.x + b0 * xs;
    if (st + 1 < s.steps) prefetch_rows(x0 + at.time(st + 1) * F, m, F, xs);
    gemm_rows(serial, m, G, F, x0 + t * F, xs, 1, s.kernel, G, out, G, bias, false);
  }

  // The state entering time t and what the recurrent matmul multiplies (h∘drop with dropout).
  const float* h_prev(long t) const { return s.h + (at.in_slot(t) * s.batch + b0) * s.units; }
  const float* recurrent_input(const float* hPrev) const {
    return dropped(hPrev, s.drop ? s.drop + b0 * s.units : nullptr, hDrop, m * s.units);
  }
  float* h_out(long t) const { return s.h + (at.out_slot(t) * s.batch + b0) * s.units; }
  const uint8_t* mask(long t) const { return s.mask ? s.mask + t * s.batch + b0 : nullptr; }
};

// ---- LSTM ----

void lstm_forward_rows(const RnnSeq& s, bool alone, long b0, long m) {
  const long B = s.batch, u = s.units, G = 4 * u;
  const RowsForward f(s, alone, b0, m, G);
  for (long st = 0; st < s.steps; ++st) {
    const long t = f.at.time(st);
    float* z = s.gates + (t * B + b0) * G;
    f.project(st, t, s.bias, z);
    const float* hPrev = f.h_prev(t);
    // The initial state is zero, so the first step has no recurrent term.
    if (st > 0) gemm_rows(f.serial, m, G, u, f.recurrent_input(hPrev), u, 1, s.rk, G, z, G, nullptr, true);
    lstm_gates_forward(z, s.aux + (f.at.in_slot(t) * B + b0) * u, hPrev, s.aux + (f.at.out_slot(t) * B + b0) * u,
                       f.h_out(t), f.mask(t), m, u, s.act, s.recAct);
  }
}

void lstm_backward_rows(const RowsBackward& r, const float* dStep, float* dh, float* dc) {
  const RnnSeq& s = r.s;
  const long B = s.batch, u = s.units, G = 4 * u, m = r.m, b0 = r.b0, n = m * u;
  const Steps at{s.steps, s.goBackwards};
  float* buf = scratch(2, static_cast<size_t>(5 * n + m * G));
  float* dhNext = dh + b0 * u;
  float* dcNext = dc + b0 * u;
  float* dhPrev = buf;
  float* dcPrev = buf + n;
  float *hDrop = buf + 2 * n, *tmp = buf + 3 * n, *dOut = buf + 4 * n, *dz = buf + 5 * n;
  for (long st = s.steps - 1; st >= 0; --st) {
    const long t = at.time(st), in = at.in_slot(t), out = at.out_slot(t);
    if (st > 0) {
      r.prefetch_step(at.time(st - 1), s.gates, G);
      prefetch_rows(s.aux + (at.in_slot(at.time(st - 1)) * B + b0) * u, 1, n, 0);
    }
    lstm_gates_backward(s.gates + (t * B + b0) * G, s.aux + (in * B + b0) * u, s.aux + (out * B + b0) * u, dhNext,
                        r.step_output(dStep, st, dOut), dcNext, dz, dhPrev, dcPrev,
                        s.mask ? s.mask + t * B + b0 : nullptr, m, u, s.act, s.recAct);
    r.through_input(t, dz);
    if (st > 0) r.through_recurrence(s.h + (in * B + b0) * u, dz, dhPrev, hDrop, tmp);
    std::swap(dhNext, dhPrev);
    std::swap(dcNext, dcPrev);
  }
}

// ---- GRU (reset_after) ----

void gru_forward_rows(const RnnSeq& s, bool alone, long b0, long m) {
  const long B = s.batch, u = s.units, G = 3 * u;
  const RowsForward f(s, alone, b0, m, G);
  for (long st = 0; st < s.steps; ++st) {
    const long t = f.at.time(st);
    float* xg = s.gates + (t * B + b0) * G;
    float* rec = s.aux + (t * B + b0) * G;
    f.project(st, t, s.bias, xg);
    // h·U + b_rec on every step (the first one too: its h is zero but the bias is not); kept for
    // the backward pass, which needs its candidate third.
    const float* hPrev = f.h_prev(t);
    gemm_rows(f.serial, m, G, u, f.recurrent_input(hPrev), u, 1, s.rk, G, rec, G, s.bias ? s.bias + G : nullptr, false);
    gru_gates_forward(xg, rec, hPrev, f.h_out(t), f.mask(t), m, u, s.act, s.recAct);
  }
}

void gru_backward_rows(const RowsBackward& r, const float* dStep, float* dh) {
  const RnnSeq& s = r.s;
  const long B = s.batch, u = s.units, G = 3 * u, m = r.m, b0 = r.b0, n = m * u;
  const Steps at{s.steps, s.goBackwards};
  float* buf = scratch(2, static_cast<size_t>(4 * n + 2 * m * G));
  float* dhNext = dh + b0 * u;
  float* dhPrev = buf;
  float *hDrop = buf + n, *tmp = buf + 2 * n, *dOut = buf + 3 * n, *dxg = buf + 4 * n, *drec = dxg + m * G;
  for (long st = s.steps - 1; st >= 0; --st) {
    const long t = at.time(st), in = at.in_slot(t);
    if (st > 0) {
      r.prefetch_step(at.time(st - 1), s.gates, G);
      prefetch_rows(s.aux + (at.time(st - 1) * B + b0) * G, 1, m * G, 0);
    }
    const float* hPrev = s.h + (in * B + b0) * u;
    gru_gates_backward(s.gates + (t * B + b0) * G, s.aux + (t * B + b0) * G, hPrev, dhNext, r.step_output(dStep, st, dOut),
                       dxg, drec, dhPrev, s.mask ? s.mask + t * B + b0 : nullptr, m, u, s.act, s.recAct);
    r.through_input(t, dxg);
    // The recurrent bias's gradient is dBias's second half (through_input sums into the first).
    if (r.sums.dBias) add_column_sums(drec, m, G, r.sums.dBias + G);
    if (st > 0) r.through_recurrence(hPrev, drec, dhPrev, hDrop, tmp);
    std::swap(dhNext, dhPrev);
  }
}

// Both backward passes: transposed weights once, per-part sums, rows split across the pool.
template <class Rows>
void backward(const RnnSeq& s, long G, size_t biasFloats, const RnnGrads& g, const Rows& rows) {
  const long F = s.features, u = s.units;
  const long parts = parts_for(s, G);
  PartSums sums(g, parts, static_cast<size_t>(F * G), static_cast<size_t>(u * G), biasFloats);
  if (s.batch <= 0 || s.steps <= 0) return;
  const std::vector<float> kT = transposed(s.kernel, F, G), uT = transposed(s.rk, u, G);
  for_parts(s.batch, parts, [&](long p, long b0, long m) {
    rows(RowsBackward{s, parts > 1, b0, m, G, kT.data(), uT.data(), g.dx, sums.part(p)});
  });
  sums.reduce();
}

}  // namespace

void lstm_sequence_forward(const RnnSeq& s) {
  if (s.batch <= 0 || s.steps <= 0) return;
  const long parts = parts_for(s, 4 * s.units);
  for_parts(s.batch, parts, [&](long, long b0, long m) { lstm_forward_rows(s, parts == 1, b0, m); });
}

void lstm_sequence_backward(const RnnSeq& s, const float* dStep, float* dh, float* dc, const RnnGrads& g) {
  const long G = 4 * s.units;
  backward(s, G, static_cast<size_t>(G), g, [&](const RowsBackward& r) { lstm_backward_rows(r, dStep, dh, dc); });
}

void gru_sequence_forward(const RnnSeq& s) {
  if (s.batch <= 0 || s.steps <= 0) return;
  const long parts = parts_for(s, 3 * s.units);
  for_parts(s.batch, parts, [&](long, long b0, long m) { gru_forward_rows(s, parts == 1, b0, m); });
}

void gru_sequence_backward(const RnnSeq& s, const float* dStep, float* dh, const RnnGrads& g) {
  const long G = 3 * s.units;
  backward(s, G, static_cast<size_t>(2 * G), g, [&](const RowsBackward& r) { gru_backward_rows(r, dStep, dh); });
}

}  // namespace dn

// Node-API bindings for the recurrent gate kernels. Every buffer is checked against batch × its
// row width (overflow-checked) before the kernel runs; optional buffers (dOut, mask) may be null.
// A call with no rows or no units writes nothing and returns before the kernel: its loops would
// otherwise run over the other, unbounded, size.
#include <cstring>

#include "bindings.h"
#include "napi_args.h"
#include "recurrent.h"

namespace dn {
namespace {

struct Rows {
  Args& a;
  long batch;
  // A buffer of `width` floats per row (or mask bytes when width is 1 and the view is a mask).
  bool fits(const View& v, Count width, const char* what) { return a.need(v, Count(batch) * width, what); }
  bool fits_opt(const View& v, Count width, const char* what) { return a.need_opt(v, Count(batch) * width, what); }
  // Nothing to compute: the binding returns before the kernel.
  bool empty(long units) const { return batch == 0 || units == 0; }
};

constexpr int kGateActs = GA_LINEAR + 1;

napi_value LstmGatesForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "lstmGatesForward");
  View z = a.f32(0, "z"), cPrev = a.f32(1, "cPrev"), hPrev = a.f32(2, "hPrev"), c = a.f32(3, "c"), h = a.f32(4, "h"), mask = a.u8(5, "mask", true);
  const long batch = a.size(6, "batch"), u = a.size(7, "units");
  const int act = a.code(8, "act", kGateActs), recAct = a.code(9, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(z, 4 * u, "z") || !r.fits(cPrev, u, "cPrev") ||
      !r.fits(hPrev, u, "hPrev") || !r.fits(c, u, "c") ||
      !r.fits(h, u, "h") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  lstm_gates_forward(z.f32(), cPrev.f32(), hPrev.f32(), c.f32(), h.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value LstmGatesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "lstmGatesBackward");
  View gates = a.f32(0, "gates"), cPrev = a.f32(1, "cPrev"), c = a.f32(2, "c"), dhNext = a.f32(3, "dhNext"), dOut = a.f32(4, "dOut", true), dcNext = a.f32(5, "dcNext");
  View dz = a.f32(6, "dz"), dhPrev = a.f32(7, "dhPrev"), dcPrev = a.f32(8, "dcPrev"), mask = a.u8(9, "mask", true);
  const long batch = a.size(10, "batch"), u = a.size(11, "units");
  const int act = a.code(12, "act", kGateActs), recAct = a.code(13, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 4 * u, "gates") || !r.fits(cPrev, u, "cPrev") ||
      !r.fits(c, u, "c") || !r.fits(dhNext, u, "dhNext") ||
      !r.fits_opt(dOut, u, "dOut") || !r.fits(dcNext, u, "dcNext") ||
      !r.fits(dz, 4 * u, "dz") || !r.fits(dhPrev, u, "dhPrev") ||
      !r.fits(dcPrev, u, "dcPrev") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  lstm_gates_backward(gates.f32(), cPrev.f32(), c.f32(), dhNext.f32(), dOut.f32(), dcNext.f32(), dz.f32(), dhPrev.f32(),
                      dcPrev.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruGatesForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruGatesForward");
  View xg = a.f32(0, "xg"), rec = a.f32(1, "rec"), hPrev = a.f32(2, "hPrev"), h = a.f32(3, "h"), mask = a.u8(4, "mask", true);
  const long batch = a.size(5, "batch"), u = a.size(6, "units");
  const int act = a.code(7, "act", kGateActs), recAct = a.code(8, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "xg") || !r.fits(rec, 3 * u, "rec") ||
      !r.fits(hPrev, u, "hPrev") || !r.fits(h, u, "h") ||
      !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_gates_forward(xg.f32(), rec.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruGatesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruGatesBackward");
  View gates = a.f32(0, "gates"), rec = a.f32(1, "rec"), hPrev = a.f32(2, "hPrev"), dhNext = a.f32(3, "dhNext"), dOut = a.f32(4, "dOut", true);
  View dx = a.f32(5, "dx"), drec = a.f32(6, "drec"), dhPrev = a.f32(7, "dhPrev"), mask = a.u8(8, "mask", true);
  const long batch = a.size(9, "batch"), u = a.size(10, "units");
  const int act = a.code(11, "act", kGateActs), recAct = a.code(12, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gates") || !r.fits(rec, 3 * u, "rec") ||
      !r.fits(hPrev, u, "hPrev") || !r.fits(dhNext, u, "dhNext") ||
      !r.fits_opt(dOut, u, "dOut") || !r.fits(dx, 3 * u, "dx") ||
      !r.fits(drec, 3 * u, "drec") || !r.fits(dhPrev, u, "dhPrev") ||
      !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_gates_backward(gates.f32(), rec.f32(), hPrev.f32(), dhNext.f32(), dOut.f32(), dx.f32(), drec.f32(), dhPrev.f32(),
                     mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruResetForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruResetForward");
  View xg = a.f32(0, "xg"), recZR = a.f32(1, "recZR"), hRec = a.f32(2, "hRec"), rh = a.f32(3, "rh");
  const long batch = a.size(4, "batch"), u = a.size(5, "units");
  const int recAct = a.code(6, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "xg") || !r.fits(recZR, 2 * u, "recZR") ||
      !r.fits(hRec, u, "hRec") || !r.fits(rh, u, "rh"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_reset_forward(xg.f32(), recZR.f32(), hRec.f32(), rh.f32(), batch, u, recAct);
  return nullptr;
}

napi_value GruCandidateForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruCandidateForward");
  View xg = a.f32(0, "xg"), recH = a.f32(1, "recH"), hPrev = a.f32(2, "hPrev"), h = a.f32(3, "h"), mask = a.u8(4, "mask", true);
  const long batch = a.size(5, "batch"), u = a.size(6, "units");
  const int act = a.code(7, "act", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "xg") || !r.fits(recH, u, "recH") ||
      !r.fits(hPrev, u, "hPrev") || !r.fits(h, u, "h") ||
      !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_candidate_forward(xg.f32(), recH.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

napi_value GruCandidateBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruCandidateBackward");
  View gates = a.f32(0, "gates"), hPrev = a.f32(1, "hPrev"), dhNext = a.f32(2, "dhNext"), dOut = a.f32(3, "dOut", true);
  View dzr = a.f32(4, "dzr"), dah = a.f32(5, "dah"), dhPrev = a.f32(6, "dhPrev"), mask = a.u8(7, "mask", true);
  const long batch = a.size(8, "batch"), u = a.size(9, "units");
  const int act = a.code(10, "act", kGateActs), recAct = a.code(11, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gates") || !r.fits(hPrev, u, "hPrev") ||
      !r.fits(dhNext, u, "dhNext") || !r.fits_opt(dOut, u, "dOut") ||
      !r.fits(dzr, 2 * u, "dzr") || !r.fits(dah, u, "dah") ||
      !r.fits(dhPrev, u, "dhPrev") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_candidate_backward(gates.f32(), hPrev.f32(), dhNext.f32(), dOut.f32(), dzr.f32(), dah.f32(), dhPrev.f32(), mask.u8(),
                         batch, u, act, recAct);
  return nullptr;
}

napi_value GruResetBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruResetBackward");
  View gates = a.f32(0, "gates"), hRec = a.f32(1, "hRec"), drh = a.f32(2, "drh"), dzr = a.f32(3, "dzr"), dhRec = a.f32(4, "dhRec"), mask = a.u8(5, "mask", true);
  const long batch = a.size(6, "batch"), u = a.size(7, "units");
  const int recAct = a.code(8, "recAct", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gates") || !r.fits(hRec, u, "hRec") ||
      !r.fits(drh, u, "drh") || !r.fits(dzr, 2 * u, "dzr") ||
      !r.fits(dhRec, u, "dhRec") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  gru_reset_backward(gates.f32(), hRec.f32(), drh.f32(), dzr.f32(), dhRec.f32(), mask.u8(), batch, u, recAct);
  return nullptr;
}

napi_value RnnStepForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "rnnStepForward");
  View z = a.f32(0, "z"), hPrev = a.f32(1, "hPrev"), h = a.f32(2, "h"), mask = a.u8(3, "mask", true);
  const long batch = a.size(4, "batch"), u = a.size(5, "units");
  const int act = a.code(6, "act", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(z, u, "z") || !r.fits(hPrev, u, "hPrev") ||
      !r.fits(h, u, "h") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  rnn_step_forward(z.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

napi_value RnnStepBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "rnnStepBackward");
  View y = a.f32(0, "y"), dhNext = a.f32(1, "dhNext"), dOut = a.f32(2, "dOut", true), dz = a.f32(3, "dz"), dhPrev = a.f32(4, "dhPrev"), mask = a.u8(5, "mask", true);
  const long batch = a.size(6, "batch"), u = a.size(7, "units");
  const int act = a.code(8, "act", kGateActs);
  Rows r{a, batch};
  if (!a.ok() || !r.fits(y, u, "y") || !r.fits(dhNext, u, "dhNext") ||
      !r.fits_opt(dOut, u, "dOut") || !r.fits(dz, u, "dz") ||
      !r.fits(dhPrev, u, "dhPrev") || !r.fits_opt(mask, 1, "mask"))
    return nullptr;
  if (r.empty(u)) return nullptr;
  rnn_step_backward(y.f32(), dhNext.f32(), dOut.f32(), dz.f32(), dhPrev.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

enum class Cell { Lstm, Gru };

// Arguments shared by the sequence entry points: x, kernel, recurrentKernel, bias, mask, dropMask,
// gates, aux (the LSTM's cell states or the GRU's h·U + b_rec), h, then dims = Int32Array
// [batch, steps, features, units, goBackwards, act, recAct].
bool sequence_args(Args& a, Cell cell, RnnSeq* s) {
  View x = a.f32(0, "x"), kernel = a.f32(1, "kernel"), rk = a.f32(2, "recurrentKernel"), bias = a.f32(3, "bias", true);
  View mask = a.u8(4, "mask", true), drop = a.f32(5, "dropMask", true);
  View gates = a.f32(6, "gates"), aux = a.f32(7, cell == Cell::Lstm ? "c" : "rec"), h = a.f32(8, "h"), dims = a.i32(9, "dims");
  if (!a.need(dims, 7, "dims")) return false;
  const int32_t* d = dims.i32();
  const char* const field[4] = {"batch", "steps", "features", "units"};
  for (int k = 0; k < 4; ++k)
    if (d[k] < 0) return a.require(false, "dims' %s must be non-negative, got %d", field[k], d[k]);
  // Without units there is no recurrence, and the step loop would be bounded by nothing.
  if (!a.require(d[3] >= 1, "dims' units must be at least 1, got %d", d[3]) ||
      !a.require(d[5] >= 0 && d[5] < GA_LINEAR + 1 && d[6] >= 0 && d[6] < GA_LINEAR + 1,
                 "dims' act and recAct must be gate activation codes in [0, %d), got %d and %d", GA_LINEAR + 1, d[5], d[6]))
    return false;
  const long B = d[0], T = d[1], F = d[2], u = d[3];
  const Count G = Count(cell == Cell::Lstm ? 4 : 3) * u, TB = Count(T) * B, states = (Count(T) + 1) * B * u;
  if (!a.need(x, TB * F, "x") || !a.need(kernel, Count(F) * G, "kernel") || !a.need(rk, Count(u) * G, "recurrentKernel") ||
      !a.need_opt(bias, cell == Cell::Lstm ? G : Count(2) * G, "bias") || !a.need_opt(mask, TB, "mask") ||
      !a.need_opt(drop, Count(B) * u, "dropMask") || !a.need(gates, TB * G, "gates") ||
      !a.need(aux, cell == Cell::Lstm ? states : TB * G, cell == Cell::Lstm ? "c" : "rec") || !a.need(h, states, "h"))
    return false;
  *s = RnnSeq{B,
              T,
              F,
              u,
              d[4] != 0,
              d[5],
              d[6],
              x.f32(),
              kernel.f32(),
              rk.f32(),
              bias.present ? bias.f32() : nullptr,
              mask.present ? mask.u8() : nullptr,
              drop.present ? drop.f32() : nullptr,
              gates.f32(),
              aux.f32(),
              h.f32()};
  return true;
}

// The gradient buffers from argument `first` on: dx, dKernel, dRecurrentKernel, dBias (present
// exactly when the sequence has a bias).
bool sequence_grads(Args& a, Cell cell, const RnnSeq& s, size_t first, RnnGrads* g) {
  View dx = a.f32(first, "dx"), dK = a.f32(first + 1, "dKernel"), dR = a.f32(first + 2, "dRecurrentKernel");
  View dB = a.f32(first + 3, "dBias", true);
  const Count G = Count(cell == Cell::Lstm ? 4 : 3) * s.units;
  if (!a.need(dx, Count(s.batch) * s.steps * s.features, "dx") || !a.need(dK, Count(s.features) * G, "dKernel") ||
      !a.need(dR, Count(s.units) * G, "dRecurrentKernel") ||
      !a.need_opt(dB, cell == Cell::Lstm ? G : Count(2) * G, "dBias") ||
      !a.require(!s.bias == !dB.present, "dBias must be given exactly when there is a bias"))
    return false;
  *g = RnnGrads{dx.f32(), dK.f32(), dR.f32(), dB.present ? dB.f32() : nullptr};
  return true;
}

bool state_grad(Args& a, const RnnSeq& s, size_t i, const char* name, View* v) {
  *v = a.f32(i, name);
  return a.need(*v, Count(s.batch) * s.units, name);
}

// dStep (argument 10): every step's output gradient, or null.
bool step_grads(Args& a, const RnnSeq& s, View* v) {
  *v = a.f32(10, "dStep", true);
  return a.need_opt(*v, Count(s.steps) * s.batch * s.units, "dStep");
}

// A batch of no samples: the forward pass writes nothing, and the weight gradients (sums over
// the samples) are zero. Returns true when the kernel must not run.
bool empty_batch(const RnnSeq& s, const RnnGrads* g, Cell cell) {
  if (s.batch > 0) return false;
  if (g) {
    const size_t G = static_cast<size_t>((cell == Cell::Lstm ? 4 : 3) * s.units);
    std::memset(g->dKernel, 0, static_cast<size_t>(s.features) * G * sizeof(float));
    std::memset(g->dRecurrentKernel, 0, static_cast<size_t>(s.units) * G * sizeof(float));
    if (g->dBias) std::memset(g->dBias, 0, (cell == Cell::Lstm ? G : 2 * G) * sizeof(float));
  }
  return true;
}

napi_value LstmSequenceForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "lstmSequenceForward");
  RnnSeq s;
  if (!sequence_args(a, Cell::Lstm, &s) || empty_batch(s, nullptr, Cell::Lstm)) return nullptr;
  lstm_sequence_forward(s);
  return nullptr;
}

// lstmSequenceBackward(...forward's arguments, dStep, dh, dc, dx, dKernel, dRecurrentKernel, dBias)
napi_value LstmSequenceBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "lstmSequenceBackward");
  RnnSeq s;
  RnnGrads g;
  View dStep, dh, dc;
  if (!sequence_args(a, Cell::Lstm, &s) || !step_grads(a, s, &dStep) || !state_grad(a, s, 11, "dh", &dh) ||
      !state_grad(a, s, 12, "dc", &dc) || !sequence_grads(a, Cell::Lstm, s, 13, &g) || empty_batch(s, &g, Cell::Lstm))
    return nullptr;
  lstm_sequence_backward(s, dStep.present ? dStep.f32() : nullptr, dh.f32(), dc.f32(), g);
  return nullptr;
}

napi_value GruSequenceForward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruSequenceForward");
  RnnSeq s;
  if (!sequence_args(a, Cell::Gru, &s) || empty_batch(s, nullptr, Cell::Gru)) return nullptr;
  gru_sequence_forward(s);
  return nullptr;
}

// gruSequenceBackward(...forward's arguments, dStep, dh, dx, dKernel, dRecurrentKernel, dBias)
napi_value GruSequenceBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "gruSequenceBackward");
  RnnSeq s;
  RnnGrads g;
  View dStep, dh;
  if (!sequence_args(a, Cell::Gru, &s) || !step_grads(a, s, &dStep) || !state_grad(a, s, 11, "dh", &dh) ||
      !sequence_grads(a, Cell::Gru, s, 12, &g) || empty_batch(s, &g, Cell::Gru))
    return nullptr;
  gru_sequence_backward(s, dStep.present ? dStep.f32() : nullptr, dh.f32(), g);
  return nullptr;
}

}  // namespace

void register_rnn(napi_env env, napi_value exports) {
  const Entry entries[] = {
      {"lstmGatesForward", LstmGatesForward},       {"lstmGatesBackward", LstmGatesBackward},
      {"gruGatesForward", GruGatesForward},         {"gruGatesBackward", GruGatesBackward},
      {"gruResetForward", GruResetForward},         {"gruCandidateForward", GruCandidateForward},
      {"gruCandidateBackward", GruCandidateBackward}, {"gruResetBackward", GruResetBackward},
      {"rnnStepForward", RnnStepForward},           {"rnnStepBackward", RnnStepBackward},
      {"lstmSequenceForward", LstmSequenceForward}, {"lstmSequenceBackward", LstmSequenceBackward},
      {"gruSequenceForward", GruSequenceForward},   {"gruSequenceBackward", GruSequenceBackward},
  };
  define(env, exports, entries, sizeof(entries) / sizeof(entries[0]));
}

}  // namespace dn

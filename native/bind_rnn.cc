// Node-API bindings for the recurrent gate kernels. Every buffer is checked against batch × its
// row width before the kernel runs; optional buffers (dOut, mask) may be null.
#include "bindings.h"
#include "napi_args.h"
#include "recurrent.h"

namespace dn {
namespace {

struct Rows {
  Args& a;
  long batch;
  // A buffer of `width` floats per row (or mask bytes when width is 1 and the view is a mask).
  bool fits(const View& v, long width, const char* what) {
    if (!v.data && v.length == 0 && batch * width == 0) return true;
    return a.need(v, static_cast<size_t>(batch * width), what);
  }
  bool fits_opt(const View& v, long width, const char* what) { return !v.data || fits(v, width, what); }
};

napi_value LstmGatesForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View z = a.f32(0), cPrev = a.f32(1), hPrev = a.f32(2), c = a.f32(3), h = a.f32(4), mask = a.u8(5, true);
  const long batch = a.integer(6), u = a.integer(7);
  const int act = static_cast<int>(a.integer(8)), recAct = static_cast<int>(a.integer(9));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(z, 4 * u, "lstm: z is too small") || !r.fits(cPrev, u, "lstm: cPrev is too small") ||
      !r.fits(hPrev, u, "lstm: hPrev is too small") || !r.fits(c, u, "lstm: c is too small") ||
      !r.fits(h, u, "lstm: h is too small") || !r.fits_opt(mask, 1, "lstm: mask is too small"))
    return nullptr;
  lstm_gates_forward(z.f32(), cPrev.f32(), hPrev.f32(), c.f32(), h.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value LstmGatesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View gates = a.f32(0), cPrev = a.f32(1), c = a.f32(2), dhNext = a.f32(3), dOut = a.f32(4, true), dcNext = a.f32(5);
  View dz = a.f32(6), dhPrev = a.f32(7), dcPrev = a.f32(8), mask = a.u8(9, true);
  const long batch = a.integer(10), u = a.integer(11);
  const int act = static_cast<int>(a.integer(12)), recAct = static_cast<int>(a.integer(13));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 4 * u, "lstm: gates is too small") || !r.fits(cPrev, u, "lstm: cPrev is too small") ||
      !r.fits(c, u, "lstm: c is too small") || !r.fits(dhNext, u, "lstm: dhNext is too small") ||
      !r.fits_opt(dOut, u, "lstm: dOut is too small") || !r.fits(dcNext, u, "lstm: dcNext is too small") ||
      !r.fits(dz, 4 * u, "lstm: dz is too small") || !r.fits(dhPrev, u, "lstm: dhPrev is too small") ||
      !r.fits(dcPrev, u, "lstm: dcPrev is too small") || !r.fits_opt(mask, 1, "lstm: mask is too small"))
    return nullptr;
  lstm_gates_backward(gates.f32(), cPrev.f32(), c.f32(), dhNext.f32(), dOut.f32(), dcNext.f32(), dz.f32(), dhPrev.f32(),
                      dcPrev.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruGatesForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View xg = a.f32(0), rec = a.f32(1), hPrev = a.f32(2), h = a.f32(3), mask = a.u8(4, true);
  const long batch = a.integer(5), u = a.integer(6);
  const int act = static_cast<int>(a.integer(7)), recAct = static_cast<int>(a.integer(8));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "gru: xg is too small") || !r.fits(rec, 3 * u, "gru: rec is too small") ||
      !r.fits(hPrev, u, "gru: hPrev is too small") || !r.fits(h, u, "gru: h is too small") ||
      !r.fits_opt(mask, 1, "gru: mask is too small"))
    return nullptr;
  gru_gates_forward(xg.f32(), rec.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruGatesBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View gates = a.f32(0), rec = a.f32(1), hPrev = a.f32(2), dhNext = a.f32(3), dOut = a.f32(4, true);
  View dx = a.f32(5), drec = a.f32(6), dhPrev = a.f32(7), mask = a.u8(8, true);
  const long batch = a.integer(9), u = a.integer(10);
  const int act = static_cast<int>(a.integer(11)), recAct = static_cast<int>(a.integer(12));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gru: gates is too small") || !r.fits(rec, 3 * u, "gru: rec is too small") ||
      !r.fits(hPrev, u, "gru: hPrev is too small") || !r.fits(dhNext, u, "gru: dhNext is too small") ||
      !r.fits_opt(dOut, u, "gru: dOut is too small") || !r.fits(dx, 3 * u, "gru: dx is too small") ||
      !r.fits(drec, 3 * u, "gru: drec is too small") || !r.fits(dhPrev, u, "gru: dhPrev is too small") ||
      !r.fits_opt(mask, 1, "gru: mask is too small"))
    return nullptr;
  gru_gates_backward(gates.f32(), rec.f32(), hPrev.f32(), dhNext.f32(), dOut.f32(), dx.f32(), drec.f32(), dhPrev.f32(),
                     mask.u8(), batch, u, act, recAct);
  return nullptr;
}

napi_value GruResetForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View xg = a.f32(0), recZR = a.f32(1), hRec = a.f32(2), rh = a.f32(3);
  const long batch = a.integer(4), u = a.integer(5);
  const int recAct = static_cast<int>(a.integer(6));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "gru: xg is too small") || !r.fits(recZR, 2 * u, "gru: recZR is too small") ||
      !r.fits(hRec, u, "gru: hRec is too small") || !r.fits(rh, u, "gru: rh is too small"))
    return nullptr;
  gru_reset_forward(xg.f32(), recZR.f32(), hRec.f32(), rh.f32(), batch, u, recAct);
  return nullptr;
}

napi_value GruCandidateForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View xg = a.f32(0), recH = a.f32(1), hPrev = a.f32(2), h = a.f32(3), mask = a.u8(4, true);
  const long batch = a.integer(5), u = a.integer(6);
  const int act = static_cast<int>(a.integer(7));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(xg, 3 * u, "gru: xg is too small") || !r.fits(recH, u, "gru: recH is too small") ||
      !r.fits(hPrev, u, "gru: hPrev is too small") || !r.fits(h, u, "gru: h is too small") ||
      !r.fits_opt(mask, 1, "gru: mask is too small"))
    return nullptr;
  gru_candidate_forward(xg.f32(), recH.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

napi_value GruCandidateBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View gates = a.f32(0), hPrev = a.f32(1), dhNext = a.f32(2), dOut = a.f32(3, true);
  View dzr = a.f32(4), dah = a.f32(5), dhPrev = a.f32(6), mask = a.u8(7, true);
  const long batch = a.integer(8), u = a.integer(9);
  const int act = static_cast<int>(a.integer(10)), recAct = static_cast<int>(a.integer(11));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gru: gates is too small") || !r.fits(hPrev, u, "gru: hPrev is too small") ||
      !r.fits(dhNext, u, "gru: dhNext is too small") || !r.fits_opt(dOut, u, "gru: dOut is too small") ||
      !r.fits(dzr, 2 * u, "gru: dzr is too small") || !r.fits(dah, u, "gru: dah is too small") ||
      !r.fits(dhPrev, u, "gru: dhPrev is too small") || !r.fits_opt(mask, 1, "gru: mask is too small"))
    return nullptr;
  gru_candidate_backward(gates.f32(), hPrev.f32(), dhNext.f32(), dOut.f32(), dzr.f32(), dah.f32(), dhPrev.f32(), mask.u8(),
                         batch, u, act, recAct);
  return nullptr;
}

napi_value GruResetBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View gates = a.f32(0), hRec = a.f32(1), drh = a.f32(2), dzr = a.f32(3), dhRec = a.f32(4), mask = a.u8(5, true);
  const long batch = a.integer(6), u = a.integer(7);
  const int recAct = static_cast<int>(a.integer(8));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(gates, 3 * u, "gru: gates is too small") || !r.fits(hRec, u, "gru: hRec is too small") ||
      !r.fits(drh, u, "gru: drh is too small") || !r.fits(dzr, 2 * u, "gru: dzr is too small") ||
      !r.fits(dhRec, u, "gru: dhRec is too small") || !r.fits_opt(mask, 1, "gru: mask is too small"))
    return nullptr;
  gru_reset_backward(gates.f32(), hRec.f32(), drh.f32(), dzr.f32(), dhRec.f32(), mask.u8(), batch, u, recAct);
  return nullptr;
}

napi_value RnnStepForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View z = a.f32(0), hPrev = a.f32(1), h = a.f32(2), mask = a.u8(3, true);
  const long batch = a.integer(4), u = a.integer(5);
  const int act = static_cast<int>(a.integer(6));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(z, u, "rnn: z is too small") || !r.fits(hPrev, u, "rnn: hPrev is too small") ||
      !r.fits(h, u, "rnn: h is too small") || !r.fits_opt(mask, 1, "rnn: mask is too small"))
    return nullptr;
  rnn_step_forward(z.f32(), hPrev.f32(), h.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

napi_value RnnStepBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View y = a.f32(0), dhNext = a.f32(1), dOut = a.f32(2, true), dz = a.f32(3), dhPrev = a.f32(4), mask = a.u8(5, true);
  const long batch = a.integer(6), u = a.integer(7);
  const int act = static_cast<int>(a.integer(8));
  Rows r{a, batch};
  if (!a.ok() || !r.fits(y, u, "rnn: y is too small") || !r.fits(dhNext, u, "rnn: dhNext is too small") ||
      !r.fits_opt(dOut, u, "rnn: dOut is too small") || !r.fits(dz, u, "rnn: dz is too small") ||
      !r.fits(dhPrev, u, "rnn: dhPrev is too small") || !r.fits_opt(mask, 1, "rnn: mask is too small"))
    return nullptr;
  rnn_step_backward(y.f32(), dhNext.f32(), dOut.f32(), dz.f32(), dhPrev.f32(), mask.u8(), batch, u, act);
  return nullptr;
}

enum class Cell { Lstm, Gru };

// Arguments shared by the sequence entry points: x, kernel, recurrentKernel, bias, mask, dropMask,
// gates, aux (the LSTM's cell states or the GRU's h·U + b_rec), h, then dims = Int32Array
// [batch, steps, features, units, goBackwards, act, recAct].
bool sequence_args(Args& a, Cell cell, RnnSeq* s) {
  View x = a.f32(0), kernel = a.f32(1), rk = a.f32(2), bias = a.f32(3, true), mask = a.u8(4, true), drop = a.f32(5, true);
  View gates = a.f32(6), aux = a.f32(7), h = a.f32(8), dims = a.i32(9);
  if (!a.ok() || !a.need(dims, 7, "recurrent sequence: dims needs 7 values")) return false;
  const int32_t* d = dims.i32();
  const long B = d[0], T = d[1], F = d[2], u = d[3];
  if (B < 0 || T < 0 || F < 0 || u < 0) {
    a.error = "recurrent sequence: negative size";
    return a.ok();
  }
  const size_t G = static_cast<size_t>((cell == Cell::Lstm ? 4 : 3) * u);
  const size_t TB = static_cast<size_t>(T * B), states = static_cast<size_t>((T + 1) * B * u);
  const size_t biasSize = cell == Cell::Lstm ? G : 2 * G, auxSize = cell == Cell::Lstm ? states : TB * G;
  if (!a.need(x, TB * F, "recurrent sequence: x is too small") ||
      !a.need(kernel, F * G, "recurrent sequence: kernel is too small") ||
      !a.need(rk, u * G, "recurrent sequence: recurrentKernel is too small") ||
      (bias.data && !a.need(bias, biasSize, "recurrent sequence: bias is too small")) ||
      (mask.data && !a.need(mask, TB, "recurrent sequence: mask is too small")) ||
      (drop.data && !a.need(drop, static_cast<size_t>(B * u), "recurrent sequence: dropMask is too small")) ||
      !a.need(gates, TB * G, "recurrent sequence: gates is too small") ||
      !a.need(aux, auxSize, cell == Cell::Lstm ? "recurrent sequence: c is too small" : "recurrent sequence: rec is too small") ||
      !a.need(h, states, "recurrent sequence: h is too small"))
    return false;
  *s = RnnSeq{B, T, F, u, d[4] != 0, d[5], d[6], x.f32(), kernel.f32(), rk.f32(), bias.f32(), mask.u8(), drop.f32(),
              gates.f32(), aux.f32(), h.f32()};
  return true;
}

// The gradient buffers from argument `first` on: dx, dKernel, dRecurrentKernel, dBias (present
// exactly when the sequence has a bias).
bool sequence_grads(Args& a, Cell cell, const RnnSeq& s, size_t first, RnnGrads* g) {
  View dx = a.f32(first), dK = a.f32(first + 1), dR = a.f32(first + 2), dB = a.f32(first + 3, true);
  const size_t G = static_cast<size_t>((cell == Cell::Lstm ? 4 : 3) * s.units);
  if (!a.ok() || !a.need(dx, static_cast<size_t>(s.batch * s.steps * s.features), "recurrent sequence: dx is too small") ||
      !a.need(dK, s.features * G, "recurrent sequence: dKernel is too small") ||
      !a.need(dR, s.units * G, "recurrent sequence: dRecurrentKernel is too small") ||
      (dB.data && !a.need(dB, cell == Cell::Lstm ? G : 2 * G, "recurrent sequence: dBias is too small")))
    return false;
  if (!s.bias != !dB.data) {
    a.error = "recurrent sequence: dBias must be given exactly when there is a bias";
    return a.ok();
  }
  *g = RnnGrads{dx.f32(), dK.f32(), dR.f32(), dB.f32()};
  return true;
}

bool state_grad(Args& a, const RnnSeq& s, size_t i, View* v) {
  *v = a.f32(i);
  return a.ok() && a.need(*v, static_cast<size_t>(s.batch * s.units), "recurrent sequence: a state gradient is too small");
}

// dStep (argument 10): every step's output gradient, or null.
bool step_grads(Args& a, const RnnSeq& s, View* v) {
  *v = a.f32(10, true);
  return a.ok() && (!v->data || a.need(*v, static_cast<size_t>(s.steps * s.batch * s.units), "recurrent sequence: dStep is too small"));
}

napi_value LstmSequenceForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  RnnSeq s;
  if (!sequence_args(a, Cell::Lstm, &s)) return nullptr;
  lstm_sequence_forward(s);
  return nullptr;
}

// lstmSequenceBackward(...forward's arguments, dStep, dh, dc, dx, dKernel, dRecurrentKernel, dBias)
napi_value LstmSequenceBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  RnnSeq s;
  RnnGrads g;
  View dStep, dh, dc;
  if (!sequence_args(a, Cell::Lstm, &s) || !step_grads(a, s, &dStep) || !state_grad(a, s, 11, &dh) ||
      !state_grad(a, s, 12, &dc) || !sequence_grads(a, Cell::Lstm, s, 13, &g))
    return nullptr;
  lstm_sequence_backward(s, dStep.f32(), dh.f32(), dc.f32(), g);
  return nullptr;
}

napi_value GruSequenceForward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  RnnSeq s;
  if (!sequence_args(a, Cell::Gru, &s)) return nullptr;
  gru_sequence_forward(s);
  return nullptr;
}

// gruSequenceBackward(...forward's arguments, dStep, dh, dx, dKernel, dRecurrentKernel, dBias)
napi_value GruSequenceBackward(napi_env env, napi_callback_info info) {
  Args a(env, info);
  RnnSeq s;
  RnnGrads g;
  View dStep, dh;
  if (!sequence_args(a, Cell::Gru, &s) || !step_grads(a, s, &dStep) || !state_grad(a, s, 11, &dh) ||
      !sequence_grads(a, Cell::Gru, s, 12, &g))
    return nullptr;
  gru_sequence_backward(s, dStep.f32(), dh.f32(), g);
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

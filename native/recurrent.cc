// Gate math of one LSTM / GRU / SimpleRNN time step (the matmuls stay in the GEMM). Semantics and
// buffer layouts follow src/backend/js/recurrent.ts. Each row is processed as a few whole-array
// passes (activations through the vector math, then the elementwise combination), so every loop
// vectorizes; activation derivatives are taken from the activation's output.
#include <cstring>

#include "common.h"
#include "recurrent.h"
#include "vmath.h"

namespace dn {
namespace {

void act_inplace(int a, float* __restrict v, long n) {
  switch (a) {
    case GA_TANH: vmath().tanh(v, v, n); return;
    case GA_SIGMOID: vmath().sigmoid(v, v, n); return;
    case GA_HARD_SIGMOID:
      for (long i = 0; i < n; ++i) {
        const float x = v[i], h = x / 6.f + 0.5f;
        v[i] = x <= -3.f ? 0.f : (x >= 3.f ? 1.f : h);
      }
      return;
    case GA_RELU:
      for (long i = 0; i < n; ++i) v[i] = v[i] > 0.f ? v[i] : 0.f;
      return;
    default: return;
  }
}

// out = f'(·) expressed through the activation's output y.
void act_grad(int a, const float* __restrict y, float* __restrict out, long n) {
  switch (a) {
    case GA_TANH:
      for (long i = 0; i < n; ++i) out[i] = 1.f - y[i] * y[i];
      return;
    case GA_SIGMOID:
      for (long i = 0; i < n; ++i) out[i] = y[i] * (1.f - y[i]);
      return;
    case GA_HARD_SIGMOID:
      for (long i = 0; i < n; ++i) out[i] = y[i] > 0.f && y[i] < 1.f ? 1.f / 6.f : 0.f;
      return;
    case GA_RELU:
      for (long i = 0; i < n; ++i) out[i] = y[i] > 0.f ? 1.f : 0.f;
      return;
    default:
      for (long i = 0; i < n; ++i) out[i] = 1.f;
      return;
  }
}

inline bool masked(const uint8_t* mask, long b) { return mask && !mask[b]; }

inline void copy_row(const float* src, float* dst, long b, long width) {
  std::memcpy(dst + b * width, src + b * width, static_cast<size_t>(width) * sizeof(float));
}

inline void zero_row(float* dst, long b, long width) { std::memset(dst + b * width, 0, static_cast<size_t>(width) * sizeof(float)); }

// dh = dhNext + dOut for one row.
void total_dh(const float* __restrict dhNext, const float* __restrict dOut, float* __restrict dh, long u) {
  if (dOut) {
    for (long j = 0; j < u; ++j) dh[j] = dhNext[j] + dOut[j];
  } else {
    std::memcpy(dh, dhNext, static_cast<size_t>(u) * sizeof(float));
  }
}

}  // namespace

void lstm_gates_forward(float* z, const float* cPrev, const float* hPrev, float* c, float* h, const uint8_t* mask,
                        long batch, long u, int act, int recAct) {
  float* tc = scratch(3, static_cast<size_t>(u));
  const bool fused = act == GA_TANH && recAct == GA_SIGMOID;  // Keras' defaults: one fused loop
  const VMath& vm = vmath();
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(cPrev, c, b, u);
      copy_row(hPrev, h, b, u);
      continue;
    }
    if (fused) {
      vm.lstm_row_forward(z + b * 4 * u, cPrev + b * u, c + b * u, h + b * u, u);
      continue;
    }
    float* __restrict zr = z + b * 4 * u;
    act_inplace(recAct, zr, 2 * u);  // i, f
    act_inplace(act, zr + 2 * u, u);  // g
    act_inplace(recAct, zr + 3 * u, u);  // o
    const float* __restrict cp = cPrev + b * u;
    float* __restrict cr = c + b * u;
    for (long j = 0; j < u; ++j) cr[j] = zr[u + j] * cp[j] + zr[j] * zr[2 * u + j];
    std::memcpy(tc, cr, static_cast<size_t>(u) * sizeof(float));
    act_inplace(act, tc, u);
    float* __restrict hr = h + b * u;
    for (long j = 0; j < u; ++j) hr[j] = zr[3 * u + j] * tc[j];
  }
}

void lstm_gates_backward(const float* gates, const float* cPrev, const float* c, const float* dhNext, const float* dOut,
                         const float* dcNext, float* dz, float* dhPrev, float* dcPrev, const uint8_t* mask, long batch,
                         long u, int act, int recAct) {
  float* t = scratch(3, static_cast<size_t>(7 * u));
  float* __restrict dh = t;          // u
  float* __restrict tc = t + u;      // u: act(c)
  float* __restrict dtc = t + 2 * u; // u: act'(c)
  float* __restrict gd = t + 3 * u;  // 4u: derivative of each gate's activation
  const bool fused = act == GA_TANH && recAct == GA_SIGMOID;  // Keras' defaults: one fused loop
  const VMath& vm = vmath();
  for (long b = 0; b < batch; ++b) {
    const long so = b * u;
    if (fused && !masked(mask, b)) {
      vm.lstm_row_backward(gates + b * 4 * u, cPrev + so, c + so, dhNext + so, dOut ? dOut + so : nullptr, dcNext + so,
                           dz + b * 4 * u, dhPrev + so, dcPrev + so, u);
      continue;
    }
    total_dh(dhNext + so, dOut ? dOut + so : nullptr, dh, u);
    if (masked(mask, b)) {
      zero_row(dz, b, 4 * u);
      std::memcpy(dhPrev + so, dh, static_cast<size_t>(u) * sizeof(float));
      copy_row(dcNext, dcPrev, b, u);
      continue;
    }
    const float* __restrict g = gates + b * 4 * u;
    std::memcpy(tc, c + so, static_cast<size_t>(u) * sizeof(float));
    act_inplace(act, tc, u);
    act_grad(act, tc, dtc, u);
    act_grad(recAct, g, gd, 2 * u);
    act_grad(act, g + 2 * u, gd + 2 * u, u);
    act_grad(recAct, g + 3 * u, gd + 3 * u, u);
    const float* __restrict cp = cPrev + so;
    const float* __restrict dcn = dcNext + so;
    float* __restrict d = dz + b * 4 * u;
    float* __restrict dcp = dcPrev + so;
    float* __restrict dhp = dhPrev + so;
    for (long j = 0; j < u; ++j) {
      const float i = g[j], f = g[u + j], gg = g[2 * u + j], o = g[3 * u + j];
      const float dct = dcn[j] + dh[j] * o * dtc[j];
      d[j] = dct * gg * gd[j];
      d[u + j] = dct * cp[j] * gd[u + j];
      d[2 * u + j] = dct * i * gd[2 * u + j];
      d[3 * u + j] = dh[j] * tc[j] * gd[3 * u + j];
      dcp[j] = dct * f;
      dhp[j] = 0.f;
    }
  }
}

void gru_gates_forward(float* xg, const float* rec, const float* hPrev, float* h, const uint8_t* mask, long batch, long u,
                       int act, int recAct) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(hPrev, h, b, u);
      continue;
    }
    float* __restrict x = xg + b * 3 * u;
    const float* __restrict r0 = rec + b * 3 * u;
    for (long j = 0; j < 2 * u; ++j) x[j] += r0[j];
    act_inplace(recAct, x, 2 * u);  // z, r
    for (long j = 0; j < u; ++j) x[2 * u + j] += x[u + j] * r0[2 * u + j];
    act_inplace(act, x + 2 * u, u);  // hh
    const float* __restrict hp = hPrev + b * u;
    float* __restrict hr = h + b * u;
    for (long j = 0; j < u; ++j) hr[j] = x[j] * hp[j] + (1.f - x[j]) * x[2 * u + j];
  }
}

void gru_gates_backward(const float* gates, const float* rec, const float* hPrev, const float* dhNext, const float* dOut,
                        float* dx, float* drec, float* dhPrev, const uint8_t* mask, long batch, long u, int act, int recAct) {
  float* t = scratch(3, static_cast<size_t>(4 * u));
  float* __restrict dh = t;
  float* __restrict gd = t + u;  // 3u
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, so = b * u;
    total_dh(dhNext + so, dOut ? dOut + so : nullptr, dh, u);
    if (masked(mask, b)) {
      zero_row(dx, b, 3 * u);
      zero_row(drec, b, 3 * u);
      std::memcpy(dhPrev + so, dh, static_cast<size_t>(u) * sizeof(float));
      continue;
    }
    const float* __restrict g = gates + go;
    act_grad(recAct, g, gd, 2 * u);
    act_grad(act, g + 2 * u, gd + 2 * u, u);
    const float* __restrict rc = rec + go;
    const float* __restrict hp = hPrev + so;
    float* __restrict x = dx + go;
    float* __restrict r = drec + go;
    float* __restrict dhp = dhPrev + so;
    for (long j = 0; j < u; ++j) {
      const float z = g[j], rr = g[u + j], hh = g[2 * u + j];
      const float dah = dh[j] * (1.f - z) * gd[2 * u + j];
      const float daz = dh[j] * (hp[j] - hh) * gd[j];
      const float dar = dah * rc[2 * u + j] * gd[u + j];
      x[j] = daz;
      x[u + j] = dar;
      x[2 * u + j] = dah;
      r[j] = daz;
      r[u + j] = dar;
      r[2 * u + j] = dah * rr;
      dhp[j] = dh[j] * z;
    }
  }
}

void gru_reset_forward(float* xg, const float* recZR, const float* hRec, float* rh, long batch, long u, int recAct) {
  for (long b = 0; b < batch; ++b) {
    float* __restrict x = xg + b * 3 * u;
    const float* __restrict rz = recZR + b * 2 * u;
    for (long j = 0; j < 2 * u; ++j) x[j] += rz[j];
    act_inplace(recAct, x, 2 * u);
    const float* __restrict hr = hRec + b * u;
    float* __restrict o = rh + b * u;
    for (long j = 0; j < u; ++j) o[j] = x[u + j] * hr[j];
  }
}

void gru_candidate_forward(float* xg, const float* recH, const float* hPrev, float* h, const uint8_t* mask, long batch,
                           long u, int act) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(hPrev, h, b, u);
      continue;
    }
    float* __restrict x = xg + b * 3 * u;
    const float* __restrict rh = recH + b * u;
    for (long j = 0; j < u; ++j) x[2 * u + j] += rh[j];
    act_inplace(act, x + 2 * u, u);
    const float* __restrict hp = hPrev + b * u;
    float* __restrict hr = h + b * u;
    for (long j = 0; j < u; ++j) hr[j] = x[j] * hp[j] + (1.f - x[j]) * x[2 * u + j];
  }
}

void gru_candidate_backward(const float* gates, const float* hPrev, const float* dhNext, const float* dOut, float* dzr,
                            float* dah, float* dhPrev, const uint8_t* mask, long batch, long u, int act, int recAct) {
  float* t = scratch(3, static_cast<size_t>(3 * u));
  float* __restrict dh = t;
  float* __restrict gz = t + u;
  float* __restrict gh = t + 2 * u;
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, ro = b * 2 * u, so = b * u;
    total_dh(dhNext + so, dOut ? dOut + so : nullptr, dh, u);
    if (masked(mask, b)) {
      zero_row(dzr, b, 2 * u);
      zero_row(dah, b, u);
      std::memcpy(dhPrev + so, dh, static_cast<size_t>(u) * sizeof(float));
      continue;
    }
    const float* __restrict g = gates + go;
    act_grad(recAct, g, gz, u);
    act_grad(act, g + 2 * u, gh, u);
    const float* __restrict hp = hPrev + so;
    float* __restrict da = dah + so;
    float* __restrict dz = dzr + ro;
    float* __restrict dhp = dhPrev + so;
    for (long j = 0; j < u; ++j) {
      const float z = g[j], hh = g[2 * u + j];
      da[j] = dh[j] * (1.f - z) * gh[j];
      dz[j] = dh[j] * (hp[j] - hh) * gz[j];
      dhp[j] = dh[j] * z;
    }
  }
}

void gru_reset_backward(const float* gates, const float* hRec, const float* drh, float* dzr, float* dhRec,
                        const uint8_t* mask, long batch, long u, int recAct) {
  float* gr = scratch(3, static_cast<size_t>(u));
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, ro = b * 2 * u, so = b * u;
    if (masked(mask, b)) {
      std::memset(dzr + ro + u, 0, static_cast<size_t>(u) * sizeof(float));
      continue;
    }
    const float* __restrict r = gates + go + u;
    act_grad(recAct, r, gr, u);
    const float* __restrict hr = hRec + so;
    const float* __restrict d = drh + so;
    float* __restrict dz = dzr + ro + u;
    float* __restrict dhr = dhRec + so;
    for (long j = 0; j < u; ++j) {
      dz[j] = d[j] * hr[j] * gr[j];
      dhr[j] += d[j] * r[j];
    }
  }
}

void rnn_step_forward(float* z, const float* hPrev, float* h, const uint8_t* mask, long batch, long u, int act) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(hPrev, h, b, u);
      continue;
    }
    act_inplace(act, z + b * u, u);
    copy_row(z, h, b, u);
  }
}

void rnn_step_backward(const float* y, const float* dhNext, const float* dOut, float* dz, float* dhPrev, const uint8_t* mask,
                       long batch, long u, int act) {
  float* t = scratch(3, static_cast<size_t>(2 * u));
  float* __restrict dh = t;
  float* __restrict gy = t + u;
  for (long b = 0; b < batch; ++b) {
    const long so = b * u;
    total_dh(dhNext + so, dOut ? dOut + so : nullptr, dh, u);
    if (masked(mask, b)) {
      zero_row(dz, b, u);
      std::memcpy(dhPrev + so, dh, static_cast<size_t>(u) * sizeof(float));
      continue;
    }
    act_grad(act, y + so, gy, u);
    float* __restrict d = dz + so;
    float* __restrict dhp = dhPrev + so;
    for (long j = 0; j < u; ++j) {
      d[j] = dh[j] * gy[j];
      dhp[j] = 0.f;
    }
  }
}

}  // namespace dn

// Gate math of one LSTM / GRU / SimpleRNN time step (the matmuls stay in the GEMM). Semantics and
// buffer layouts follow src/backend/js/recurrent.ts; activation derivatives are taken from the
// activation's output, so the backward pass needs no pre-activations.
#include <cmath>
#include <cstring>

#include "recurrent.h"

namespace dn {
namespace {

inline float sigmoidf(float x) {
  if (x >= 0.f) return 1.f / (1.f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.f + e);
}

inline float act_fwd(int a, float x) {
  switch (a) {
    case GA_TANH: return std::tanh(x);
    case GA_SIGMOID: return sigmoidf(x);
    case GA_HARD_SIGMOID: return x <= -3.f ? 0.f : x >= 3.f ? 1.f : x / 6.f + 0.5f;
    case GA_RELU: return x > 0.f ? x : 0.f;
    default: return x;
  }
}

inline float act_grad(int a, float y) {
  switch (a) {
    case GA_TANH: return 1.f - y * y;
    case GA_SIGMOID: return y * (1.f - y);
    case GA_HARD_SIGMOID: return y > 0.f && y < 1.f ? 1.f / 6.f : 0.f;
    case GA_RELU: return y > 0.f ? 1.f : 0.f;
    default: return 1.f;
  }
}

inline bool masked(const uint8_t* mask, long b) { return mask && !mask[b]; }

inline void copy_row(const float* src, float* dst, long b, long width) {
  std::memcpy(dst + b * width, src + b * width, static_cast<size_t>(width) * sizeof(float));
}

inline void zero_row(float* dst, long b, long width) { std::memset(dst + b * width, 0, static_cast<size_t>(width) * sizeof(float)); }

inline float dh_at(const float* dhNext, const float* dOut, long i) { return dhNext[i] + (dOut ? dOut[i] : 0.f); }

}  // namespace

void lstm_gates_forward(float* z, const float* cPrev, const float* hPrev, float* c, float* h, const uint8_t* mask,
                        long batch, long u, int act, int recAct) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(cPrev, c, b, u);
      copy_row(hPrev, h, b, u);
      continue;
    }
    float* zr = z + b * 4 * u;
    const long so = b * u;
    for (long j = 0; j < u; ++j) {
      const float i = act_fwd(recAct, zr[j]);
      const float f = act_fwd(recAct, zr[u + j]);
      const float g = act_fwd(act, zr[2 * u + j]);
      const float o = act_fwd(recAct, zr[3 * u + j]);
      zr[j] = i;
      zr[u + j] = f;
      zr[2 * u + j] = g;
      zr[3 * u + j] = o;
      const float cv = f * cPrev[so + j] + i * g;
      c[so + j] = cv;
      h[so + j] = o * act_fwd(act, cv);
    }
  }
}

void lstm_gates_backward(const float* gates, const float* cPrev, const float* c, const float* dhNext, const float* dOut,
                         const float* dcNext, float* dz, float* dhPrev, float* dcPrev, const uint8_t* mask, long batch,
                         long u, int act, int recAct) {
  for (long b = 0; b < batch; ++b) {
    const long zo = b * 4 * u, so = b * u;
    if (masked(mask, b)) {
      zero_row(dz, b, 4 * u);
      for (long j = 0; j < u; ++j) dhPrev[so + j] = dh_at(dhNext, dOut, so + j);
      copy_row(dcNext, dcPrev, b, u);
      continue;
    }
    for (long j = 0; j < u; ++j) {
      const float dh = dh_at(dhNext, dOut, so + j);
      const float i = gates[zo + j], f = gates[zo + u + j], g = gates[zo + 2 * u + j], o = gates[zo + 3 * u + j];
      const float tc = act_fwd(act, c[so + j]);
      const float dct = dcNext[so + j] + dh * o * act_grad(act, tc);
      dz[zo + j] = dct * g * act_grad(recAct, i);
      dz[zo + u + j] = dct * cPrev[so + j] * act_grad(recAct, f);
      dz[zo + 2 * u + j] = dct * i * act_grad(act, g);
      dz[zo + 3 * u + j] = dh * tc * act_grad(recAct, o);
      dcPrev[so + j] = dct * f;
      dhPrev[so + j] = 0.f;
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
    float* x = xg + b * 3 * u;
    const float* r0 = rec + b * 3 * u;
    const long so = b * u;
    for (long j = 0; j < u; ++j) {
      const float z = act_fwd(recAct, x[j] + r0[j]);
      const float r = act_fwd(recAct, x[u + j] + r0[u + j]);
      const float hh = act_fwd(act, x[2 * u + j] + r * r0[2 * u + j]);
      x[j] = z;
      x[u + j] = r;
      x[2 * u + j] = hh;
      h[so + j] = z * hPrev[so + j] + (1.f - z) * hh;
    }
  }
}

void gru_gates_backward(const float* gates, const float* rec, const float* hPrev, const float* dhNext, const float* dOut,
                        float* dx, float* drec, float* dhPrev, const uint8_t* mask, long batch, long u, int act, int recAct) {
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, so = b * u;
    if (masked(mask, b)) {
      zero_row(dx, b, 3 * u);
      zero_row(drec, b, 3 * u);
      for (long j = 0; j < u; ++j) dhPrev[so + j] = dh_at(dhNext, dOut, so + j);
      continue;
    }
    for (long j = 0; j < u; ++j) {
      const float dh = dh_at(dhNext, dOut, so + j);
      const float z = gates[go + j], r = gates[go + u + j], hh = gates[go + 2 * u + j];
      const float dah = dh * (1.f - z) * act_grad(act, hh);
      const float daz = dh * (hPrev[so + j] - hh) * act_grad(recAct, z);
      const float dar = dah * rec[go + 2 * u + j] * act_grad(recAct, r);
      dx[go + j] = daz;
      dx[go + u + j] = dar;
      dx[go + 2 * u + j] = dah;
      drec[go + j] = daz;
      drec[go + u + j] = dar;
      drec[go + 2 * u + j] = dah * r;
      dhPrev[so + j] = dh * z;
    }
  }
}

void gru_reset_forward(float* xg, const float* recZR, const float* hRec, float* rh, long batch, long u, int recAct) {
  for (long b = 0; b < batch; ++b) {
    float* x = xg + b * 3 * u;
    const float* rz = recZR + b * 2 * u;
    const long so = b * u;
    for (long j = 0; j < u; ++j) {
      const float z = act_fwd(recAct, x[j] + rz[j]);
      const float r = act_fwd(recAct, x[u + j] + rz[u + j]);
      x[j] = z;
      x[u + j] = r;
      rh[so + j] = r * hRec[so + j];
    }
  }
}

void gru_candidate_forward(float* xg, const float* recH, const float* hPrev, float* h, const uint8_t* mask, long batch,
                           long u, int act) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(hPrev, h, b, u);
      continue;
    }
    float* x = xg + b * 3 * u;
    const long so = b * u;
    for (long j = 0; j < u; ++j) {
      const float z = x[j];
      const float hh = act_fwd(act, x[2 * u + j] + recH[so + j]);
      x[2 * u + j] = hh;
      h[so + j] = z * hPrev[so + j] + (1.f - z) * hh;
    }
  }
}

void gru_candidate_backward(const float* gates, const float* hPrev, const float* dhNext, const float* dOut, float* dzr,
                            float* dah, float* dhPrev, const uint8_t* mask, long batch, long u, int act, int recAct) {
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, ro = b * 2 * u, so = b * u;
    if (masked(mask, b)) {
      zero_row(dzr, b, 2 * u);
      zero_row(dah, b, u);
      for (long j = 0; j < u; ++j) dhPrev[so + j] = dh_at(dhNext, dOut, so + j);
      continue;
    }
    for (long j = 0; j < u; ++j) {
      const float dh = dh_at(dhNext, dOut, so + j);
      const float z = gates[go + j], hh = gates[go + 2 * u + j];
      dah[so + j] = dh * (1.f - z) * act_grad(act, hh);
      dzr[ro + j] = dh * (hPrev[so + j] - hh) * act_grad(recAct, z);
      dhPrev[so + j] = dh * z;
    }
  }
}

void gru_reset_backward(const float* gates, const float* hRec, const float* drh, float* dzr, float* dhRec,
                        const uint8_t* mask, long batch, long u, int recAct) {
  for (long b = 0; b < batch; ++b) {
    const long go = b * 3 * u, ro = b * 2 * u, so = b * u;
    if (masked(mask, b)) {
      std::memset(dzr + ro + u, 0, static_cast<size_t>(u) * sizeof(float));
      continue;
    }
    for (long j = 0; j < u; ++j) {
      const float r = gates[go + u + j];
      dzr[ro + u + j] = drh[so + j] * hRec[so + j] * act_grad(recAct, r);
      dhRec[so + j] += drh[so + j] * r;
    }
  }
}

void rnn_step_forward(float* z, const float* hPrev, float* h, const uint8_t* mask, long batch, long u, int act) {
  for (long b = 0; b < batch; ++b) {
    if (masked(mask, b)) {
      copy_row(hPrev, h, b, u);
      continue;
    }
    const long so = b * u;
    for (long j = 0; j < u; ++j) {
      const float y = act_fwd(act, z[so + j]);
      z[so + j] = y;
      h[so + j] = y;
    }
  }
}

void rnn_step_backward(const float* y, const float* dhNext, const float* dOut, float* dz, float* dhPrev, const uint8_t* mask,
                       long batch, long u, int act) {
  for (long b = 0; b < batch; ++b) {
    const long so = b * u;
    const bool m = masked(mask, b);
    for (long j = 0; j < u; ++j) {
      const float dh = dh_at(dhNext, dOut, so + j);
      dz[so + j] = m ? 0.f : dh * act_grad(act, y[so + j]);
      dhPrev[so + j] = m ? dh : 0.f;
    }
  }
}

}  // namespace dn

// One time step of the recurrent cells' gate math (see Backend in src/backend/backend.ts).
#pragma once
#include <cstdint>

namespace dn {

// Codes for GateActivation, mirrored in src/backend/native/codes.ts.
enum GateAct : int { GA_TANH = 0, GA_SIGMOID = 1, GA_HARD_SIGMOID = 2, GA_RELU = 3, GA_LINEAR = 4 };

void lstm_gates_forward(float* z, const float* cPrev, const float* hPrev, float* c, float* h, const uint8_t* mask,
                        long batch, long units, int act, int recAct);
void lstm_gates_backward(const float* gates, const float* cPrev, const float* c, const float* dhNext, const float* dOut,
                         const float* dcNext, float* dz, float* dhPrev, float* dcPrev, const uint8_t* mask, long batch,
                         long units, int act, int recAct);
void gru_gates_forward(float* xg, const float* rec, const float* hPrev, float* h, const uint8_t* mask, long batch,
                       long units, int act, int recAct);
void gru_gates_backward(const float* gates, const float* rec, const float* hPrev, const float* dhNext, const float* dOut,
                        float* dx, float* drec, float* dhPrev, const uint8_t* mask, long batch, long units, int act,
                        int recAct);
void gru_reset_forward(float* xg, const float* recZR, const float* hRec, float* rh, long batch, long units, int recAct);
void gru_candidate_forward(float* xg, const float* recH, const float* hPrev, float* h, const uint8_t* mask, long batch,
                           long units, int act);
void gru_candidate_backward(const float* gates, const float* hPrev, const float* dhNext, const float* dOut, float* dzr,
                            float* dah, float* dhPrev, const uint8_t* mask, long batch, long units, int act, int recAct);
void gru_reset_backward(const float* gates, const float* hRec, const float* drh, float* dzr, float* dhRec,
                        const uint8_t* mask, long batch, long units, int recAct);
// One LSTM or GRU layer over a whole sequence (see LstmSequence and GruSequence in
// src/backend/backend.ts): x and the gradients the caller sees are batch-major like the layer's
// tensors; gates and states are kept time-major so each step's block is contiguous.
struct RnnSeq {
  long batch, steps, features, units;
  bool goBackwards;
  int act, recAct;
  const float* x;       // [batch, steps, features]
  const float* kernel;  // [features, G]  (G = 4u for the LSTM, 3u for the GRU)
  const float* rk;      // [u, G]
  const float* bias;    // LSTM [G]; GRU (reset_after) [2, G]: input bias, then recurrent bias; or null
  const uint8_t* mask;  // [steps, batch] or null
  const float* drop;    // [batch, u] or null
  float* gates;         // [steps, batch, G]
  float* aux;           // LSTM: cell states, (steps + 1) × [batch, u]; GRU: h·U + b_rec, [steps, batch, G]
  float* h;             // (steps + 1) × [batch, u]
};
// Where the backward passes write: dx [batch, steps, features], dKernel, dRecurrentKernel and
// dBias (shaped like the bias; null when there is none), all overwritten.
struct RnnGrads {
  float* dx;
  float* dKernel;
  float* dRecurrentKernel;
  float* dBias;
};
// dStep [batch, steps, u] (by processing step) may be null; dh (and the LSTM's dc) [batch, u] are
// consumed as working memory.
void lstm_sequence_forward(const RnnSeq& s);
void lstm_sequence_backward(const RnnSeq& s, const float* dStep, float* dh, float* dc, const RnnGrads& g);
void gru_sequence_forward(const RnnSeq& s);
void gru_sequence_backward(const RnnSeq& s, const float* dStep, float* dh, const RnnGrads& g);

void rnn_step_forward(float* z, const float* hPrev, float* h, const uint8_t* mask, long batch, long units, int act);
void rnn_step_backward(const float* y, const float* dhNext, const float* dOut, float* dz, float* dhPrev,
                       const uint8_t* mask, long batch, long units, int act);

}  // namespace dn

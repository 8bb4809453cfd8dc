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
void rnn_step_forward(float* z, const float* hPrev, float* h, const uint8_t* mask, long batch, long units, int act);
void rnn_step_backward(const float* y, const float* dhNext, const float* dOut, float* dz, float* dhPrev,
                       const uint8_t* mask, long batch, long units, int act);

}  // namespace dn

// Kernel entry points called by the Node-API bindings. Semantics follow the reference backend in
// src/backend/js/ (see src/backend/backend.ts for the contract of each).
#pragma once
#include <cstddef>
#include <cstdint>

#include "common.h"

namespace dn {

// Op codes, in the order of UnaryOp / BinaryOp in src/backend/backend.ts (mirrored in codes.ts).
enum UnaryCode : int {
  U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_SQUARE, U_RECIPROCAL, U_SIGN, U_FLOOR, U_ROUND,
  U_RELU, U_RELU6, U_SIGMOID, U_TANH, U_ELU, U_SELU, U_GELU, U_GELU_TANH, U_SOFTPLUS, U_SOFTSIGN,
  U_SWISH, U_HARD_SIGMOID, U_LEAKY_RELU, U_SIN, U_COS, U_LOG1P, U_EXPM1, U_IS_NOT_FINITE, U_COUNT
};
enum BinaryCode : int {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM,
  B_EQUAL, B_NOT_EQUAL, B_GREATER, B_GREATER_EQUAL, B_LESS, B_LESS_EQUAL, B_COUNT
};

void unary_f32(int op, const float* x, float* out, size_t n, float alpha);
void unary_to_u8(int op, const float* x, uint8_t* out, size_t n, float alpha);
void unary_grad(int op, const float* x, const float* y, const float* dy, float* out, size_t n, float alpha);

// out = a ∘ b, broadcasting shapes right-aligned to outShape (rank ≤ 8). Output is float32, or
// uint8 (0/1) for comparisons.
constexpr int kMaxRank = 8;
void binary(int op, const float* a, const int32_t* aShape, int aRank, const float* b, const int32_t* bShape, int bRank,
            void* out, bool outU8, const int32_t* outShape, int outRank);

void reduce_sum(const float* x, long outer, long reduce, long inner, float* out);
void reduce_max(const float* x, long outer, long reduce, long inner, float* out, int32_t* argmax);
void transpose(const void* x, size_t elemBytes, const int32_t* shape, const int32_t* perm, int rank, void* out);
void copy_block(const void* x, size_t elemBytes, long outer, long inner, void* out, long outInner, long offset);
void slice_block(const void* x, size_t elemBytes, long outer, long xInner, long offset, long inner, void* out);
double sum_squares(const float* x, size_t n);
bool all_finite(const float* x, size_t n);

void softmax(const float* x, float* out, long rows, long cols);
void softmax_grad(const float* y, const float* dy, float* out, long rows, long cols);
void softmax_cross_entropy(const float* logits, const float* labels, long rows, long cols, float* loss, float* grad);

void gather(const float* table, long dim, const int32_t* idx, long count, float* out);
void scatter_add(const float* dy, long dim, const int32_t* idx, long count, float* dtable);

struct ConvGeom {
  long batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft;
  long groups;      // conv2d only
  long multiplier;  // depthwise only
};
// out = act(conv + bias), act an Act code (common.h).
void conv2d(const float* x, const float* kernel, const float* bias, float* out, const ConvGeom& g, int act);
void conv2d_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g);
void conv2d_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g);
void depthwise_conv2d(const float* x, const float* kernel, float* out, const ConvGeom& g);
void depthwise_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g);
void depthwise_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g);

struct PoolGeom {
  long batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft;
};
void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeom& g);
void max_pool2d_grad(const float* dy, const int32_t* argmax, size_t n, float* dx, size_t dxLen);
void avg_pool2d(const float* x, float* out, const PoolGeom& g);
void avg_pool2d_grad(const float* dy, float* dx, const PoolGeom& g);

void sgd_update(float* w, const float* g, float* velocity, size_t n, float lr, float momentum, bool nesterov);
// sq, when not null, replaces g² in the second-moment terms (an embedding's per-lookup squares).
void rmsprop_update(float* w, const float* g, float* ms, float* mom, size_t n, float lr, float rho, float momentum, float eps,
                    const float* sq);
void adam_update(float* w, const float* g, float* m, float* v, float* vhat, size_t n, double lr, double beta1, double beta2,
                 double eps, double step, double weightDecay, const float* sq);
void adagrad_update(float* w, const float* g, float* acc, size_t n, float lr, float eps, const float* sq);

}  // namespace dn

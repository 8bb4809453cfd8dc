import type { BinaryOp, FusedActivation, GateActivation, UnaryOp } from '../backend.js';

// Integer codes for op names, in the order of the enums in native/kernels.h and native/common.h.
// Records typed over the unions make the compiler flag any op added to backend.ts but not here.

export const ACT_CODE: Readonly<Record<FusedActivation, number>> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

export const UNARY_CODE: Readonly<Record<UnaryOp, number>> = {
  neg: 0,
  abs: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  rsqrt: 5,
  square: 6,
  reciprocal: 7,
  sign: 8,
  floor: 9,
  round: 10,
  relu: 11,
  relu6: 12,
  sigmoid: 13,
  tanh: 14,
  elu: 15,
  selu: 16,
  gelu: 17,
  geluTanh: 18,
  softplus: 19,
  softsign: 20,
  swish: 21,
  hardSigmoid: 22,
  leakyRelu: 23,
  sin: 24,
  cos: 25,
  log1p: 26,
  expm1: 27,
  isNotFinite: 28,
};

export const BINARY_CODE: Readonly<Record<BinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  equal: 7,
  notEqual: 8,
  greater: 9,
  greaterEqual: 10,
  less: 11,
  lessEqual: 12,
};

/** GateAct in native/recurrent.h. */
export const GATE_CODE: Readonly<Record<GateActivation, number>> = {
  tanh: 0,
  sigmoid: 1,
  hard_sigmoid: 2,
  relu: 3,
  linear: 4,
};

/** Binary ops whose result is 0/1, the only ones the native side writes into a bool (Uint8Array) output. */
export const COMPARISON_MIN_CODE = BINARY_CODE.equal;

/** The largest rank the native broadcasting and transpose kernels accept (kMaxRank in native/kernels.h). */
export const MAX_NATIVE_RANK = 8;

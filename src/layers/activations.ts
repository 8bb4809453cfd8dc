import type { FusedActivation } from '../backend/backend.js';
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';

export type ActivationId =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'softmax'
  | 'tanh'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'silu'
  | 'hard_sigmoid'
  | 'leaky_relu'
  | 'exponential'
  | 'log_softmax';
export type ActivationFn = (x: Tensor) => Tensor;

const table: Record<ActivationId, ActivationFn> = {
  linear: (x) => x,
  relu: (x) => ops.unary('relu', x),
  relu6: (x) => ops.unary('relu6', x),
  sigmoid: (x) => {
    const y = ops.unary('sigmoid', x);
    ops.markLogits(y, 'sigmoid', x);
    return y;
  },
  softmax: (x) => ops.softmax(x, -1),
  log_softmax: (x) => ops.log(ops.softmax(x, -1)),
  tanh: (x) => ops.unary('tanh', x),
  elu: (x) => ops.unary('elu', x, 1),
  selu: (x) => ops.unary('selu', x),
  gelu: (x) => ops.unary('gelu', x),
  softplus: (x) => ops.unary('softplus', x),
  softsign: (x) => ops.unary('softsign', x),
  swish: (x) => ops.unary('swish', x),
  silu: (x) => ops.unary('swish', x),
  hard_sigmoid: (x) => ops.unary('hardSigmoid', x),
  leaky_relu: (x) => ops.unary('leakyRelu', x, 0.2),
  exponential: (x) => ops.exp(x),
};

export function getActivation(id: ActivationId | ActivationFn | undefined | null): ActivationFn {
  if (id === undefined || id === null) return table.linear;
  if (typeof id === 'function') return id;
  const fn = table[id];
  if (!fn) throw new Error(`Unknown activation '${String(id)}'. Known: ${Object.keys(table).join(', ')}.`);
  return fn;
}

/** Activations a matmul can apply in its epilogue without losing anything a loss needs (not sigmoid/softmax: they keep logits). */
export function fusable(id: ActivationId | ActivationFn | undefined | null): FusedActivation | undefined {
  if (id === undefined || id === null || id === 'linear') return 'linear';
  if (id === 'relu' || id === 'tanh') return id;
  return undefined;
}

/** Whether `name` is one of the named activations (a .keras file can only refer to those). */
export function isActivationId(name: string): name is ActivationId {
  return Object.hasOwn(table, name);
}

export function activationName(id: ActivationId | ActivationFn | undefined | null): string {
  if (id === undefined || id === null) return 'linear';
  return typeof id === 'function' ? id.name || 'custom' : id;
}

import * as ops from '../ops/index.js';
import { describeValue } from '../tensor/describe.js';
import type { Tensor, TensorLike } from '../tensor/tensor.js';
import { tensorArg } from './tensor_arg.js';

/**
 * `x` divided by its `order`-norm along `axis`, as Keras's `keras.utils.normalize` does for an
 * array: `(Σ|x|^order)^(1/order)`, with a zero norm taken as 1 so that zero vectors stay zero.
 * Built from ops, so gradients flow through it.
 */
export function normalize(x: TensorLike, axis = -1, order = 2): Tensor {
  const where = 'utils.normalize';
  const t = tensorArg(where, 'x', x);
  if (t.dtype === 'bool') throw new TypeError(`${where}: x must hold numbers, got a bool tensor.`);
  if (!Number.isSafeInteger(order) || order < 1) {
    throw new Error(`${where}: order must be a whole number ≥ 1, got ${describeValue(order)}.`);
  }
  // A scalar is a vector of one, as in Keras.
  const values = t.rank === 0 ? t.reshape([1]) : t;
  const rank = values.rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(
      `${where}: axis must be a whole number in [${-rank}, ${rank}) for a rank-${rank} x, got ${describeValue(axis)}.`,
    );
  }
  const float = values.cast('float32');
  const norm =
    order === 1
      ? ops.sum(ops.abs(float), axis, true)
      : order === 2
        ? ops.sqrt(ops.sum(ops.square(float), axis, true))
        : ops.pow(ops.sum(ops.pow(ops.abs(float), order), axis, true), 1 / order);
  const zero = ops.cast(ops.compare('equal', norm, 0), 'float32');
  return ops.div(float, ops.add(norm, zero));
}

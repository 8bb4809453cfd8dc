import { describeValue } from '../tensor/describe.js';
import { Tensor, type TensorLike, tensor } from '../tensor/tensor.js';

/**
 * The tensor a utility was given: a tensor as it is, nested arrays or a typed array read by
 * `tensor()` (which refuses ragged rows and non-numbers). Anything else is an error naming `where`.
 */
export function tensorArg(where: string, name: string, value: TensorLike): Tensor {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value) || ArrayBuffer.isView(value) || typeof value === 'number') return tensor(value);
  throw new TypeError(`${where}: ${name} must be a tensor, an array or a typed array, got ${describeValue(value)}.`);
}

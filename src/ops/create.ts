import { type DType, allocData } from '../tensor/dtype.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** A fresh float32 tensor of `shape` with its buffer, for an op to fill. */
export function emptyFloat(shape: Shape): { t: Tensor; data: Float32Array } {
  const data = new Float32Array(sizeOf(shape));
  return { t: new Tensor(data, shape, 'float32'), data };
}

export function empty(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocData(dtype, sizeOf(shape)), shape, dtype);
}

export function floatData(t: Tensor, what: string): Float32Array {
  if (!(t.values instanceof Float32Array)) {
    throw new Error(`${what} expects a float32 tensor, got ${t.dtype}.`);
  }
  return t.values;
}

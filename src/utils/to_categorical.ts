import { describeValue } from '../tensor/describe.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { tensorArg } from './tensor_arg.js';

/**
 * One-hot rows from class indices, as Keras's `keras.utils.to_categorical`: float32 of shape
 * `[...y.shape, numClasses]`, where a trailing axis of size 1 is dropped first (`[n, 1]` labels
 * give `[n, numClasses]`). `numClasses` defaults to the largest index + 1.
 */
export function toCategorical(y: TensorLike, numClasses?: number | null): Tensor {
  const where = 'utils.toCategorical';
  const labels = tensorArg(where, 'y (class indices)', y);
  const values = labels.values;
  let largest = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new Error(`${where}: class indices must be whole numbers ≥ 0, got ${v} at flat position ${i}.`);
    }
    if (v > largest) largest = v;
  }
  let classes: number;
  if (numClasses === undefined || numClasses === null) {
    if (values.length === 0) throw new Error(`${where}: y is empty, so numClasses must be given.`);
    classes = largest + 1;
  } else {
    if (typeof numClasses !== 'number' || !Number.isSafeInteger(numClasses) || numClasses <= 0) {
      throw new Error(`${where}: numClasses must be a positive whole number, got ${describeValue(numClasses)}.`);
    }
    if (largest >= numClasses) {
      throw new Error(
        `${where}: class index ${largest} is out of range for numClasses = ${numClasses} (indices 0 … ${numClasses - 1}).`,
      );
    }
    classes = numClasses;
  }
  const shape = labels.rank > 1 && labels.shape[labels.rank - 1] === 1 ? labels.shape.slice(0, -1) : labels.shape;
  const out = new Float32Array(values.length * classes);
  for (let i = 0; i < values.length; i++) out[i * classes + values[i]] = 1;
  return new Tensor(out, [...shape, classes], 'float32');
}

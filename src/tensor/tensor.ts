import { describeValue } from './describe.js';
import { type DType, type TypedArray, allocData, checkDType, dtypeOfArray, storageDType } from './dtype.js';
import { type Shape, checkShape, formatShape, sizeOf } from './shape.js';

/** Nested number arrays as users write data by hand: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | boolean | readonly NestedArray[];
/** What `tensor()` reads: nested arrays, a tensor, or a numeric typed array (other than the storage types, converted). */
export type TensorLike = Tensor | NestedArray | TypedArray | NumericTypedArray;

let nextTensorId = 0;

const STORAGE: Readonly<Record<DType, string>> = {
  float32: 'a Float32Array',
  int32: 'an Int32Array',
  bool: 'a Uint8Array',
};

/**
 * Methods on `Tensor` that are operations (with gradients) live in `ops/`; they are attached here
 * at load time so that this file stays below `ops/` in the dependency order.
 */
export interface TensorMethods {
  cast(x: Tensor, dtype: DType): Tensor;
  reshape(x: Tensor, shape: readonly number[]): Tensor;
}
let methods: TensorMethods | undefined;
export function installTensorMethods(m: TensorMethods): void {
  methods = m;
}

/**
 * A dense, row-major, immutable n-dimensional array. Its storage is a plain typed array, so
 * memory is reclaimed by the garbage collector: no `dispose` is ever needed.
 */
export class Tensor {
  readonly id = nextTensorId++;
  readonly shape: number[];
  readonly dtype: DType;
  /** The elements, row-major. Treat as read-only: kernels never write into a tensor they did not create. */
  readonly values: TypedArray;

  constructor(values: TypedArray, shape: Shape, dtype: DType = dtypeOfArray(values)) {
    // O(rank): every op output passes here, so nothing proportional to the data.
    checkShape(shape, 'Tensor');
    if (storageDType(values) !== dtype) {
      checkDType(dtype, 'Tensor');
      throw new TypeError(
        `Tensor: dtype '${dtype}' keeps its values in ${STORAGE[dtype]}, got ${describeValue(values)}.`,
      );
    }
    if (values.length !== sizeOf(shape)) {
      throw new Error(`A tensor of shape ${formatShape(shape)} needs ${sizeOf(shape)} values, got ${values.length}.`);
    }
    this.values = values;
    this.shape = shape.slice();
    this.dtype = dtype;
  }

  get size(): number {
    return this.values.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The elements as a typed array (the tensor's own storage: do not modify it). */
  dataSync(): TypedArray {
    return this.values;
  }

  /** The elements as nested number arrays. */
  arraySync(): NestedArray {
    const v = this.values;
    if (this.shape.length === 0) return v[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      const inner = sizeOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? v[offset + i] : build(dim + 1, offset + i * inner);
      }
      return out;
    };
    return build(0, 0);
  }

  cast(dtype: DType): Tensor {
    checkDType(dtype, 'Tensor.cast');
    return requireMethods().cast(this, dtype);
  }

  reshape(shape: readonly number[]): Tensor {
    return requireMethods().reshape(this, shape);
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

function requireMethods(): TensorMethods {
  if (!methods) throw new Error('Tensor operations are not loaded; import from "dendrite".');
  return methods;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = (cur as readonly NestedArray[])[0];
  }
  return shape;
}

/** Where an element sits in nested arrays, as an index expression: `[1][0]`. */
const at = (path: readonly number[]): string => path.map((i) => `[${i}]`).join('') || 'the top level';

/**
 * Copies nested arrays into `out`, refusing ragged rows and anything that is not a number or a
 * boolean: a string in training data would otherwise become NaN and train into NaN weights.
 */
function flatten(data: NestedArray, shape: Shape, out: TypedArray): void {
  let k = 0;
  const path: number[] = [];
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v === 'number') out[k++] = v;
      else if (typeof v === 'boolean') out[k++] = Number(v);
      else if (Array.isArray(v))
        throw new Error(`Ragged nested array: ${at(path)} is an array, but its siblings are not.`);
      else
        throw new TypeError(
          `tensor(): the element at ${at(path)} is ${describeValue(v)}; expected a number or a boolean.`,
        );
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(
        `Ragged nested array: expected ${shape[dim]} elements at ${at(path)} (depth ${dim}), got ${describeValue(v)}.`,
      );
    }
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      walk(v[i], dim + 1);
      path.pop();
    }
  };
  walk(data, 0);
}

/** A copy of any other numeric typed array (Float64Array, Int16Array, ...) into `dtype`'s storage. */
function convertTypedArray(arr: ArrayBufferView, dtype: DType): TypedArray {
  if (!isNumericTypedArray(arr)) {
    throw new TypeError(`tensor(): cannot read numbers from ${describeValue(arr)}; pass a numeric typed array.`);
  }
  const out = allocData(dtype, arr.length);
  for (let i = 0; i < arr.length; i++) out[i] = arr[i];
  return out;
}

export type NumericTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;
function isNumericTypedArray(a: ArrayBufferView): a is NumericTypedArray {
  return (
    a instanceof Float32Array ||
    a instanceof Float64Array ||
    a instanceof Int8Array ||
    a instanceof Int16Array ||
    a instanceof Int32Array ||
    a instanceof Uint8Array ||
    a instanceof Uint8ClampedArray ||
    a instanceof Uint16Array ||
    a instanceof Uint32Array
  );
}

/**
 * Creates a tensor from nested arrays or a typed array (with its shape). Plain numbers become
 * `float32` unless a dtype is given; an `Int32Array` becomes `int32`, a `Uint8Array` `bool`, and
 * other numeric typed arrays (Float64Array, ...) are converted to `float32`.
 */
export function tensor(data: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) checkDType(dtype, 'tensor()');
  if (shape !== undefined) checkShape(shape, 'tensor()');
  if (data instanceof Tensor) {
    if (shape && sizeOf(shape) !== data.size) {
      throw new Error(
        `tensor(): shape ${formatShape(shape)} (${sizeOf(shape)} values) does not match the given tensor of ` +
          `shape ${formatShape(data.shape)}.`,
      );
    }
    const reshaped = shape ? data.reshape(shape) : data;
    return dtype && dtype !== data.dtype ? reshaped.cast(dtype) : reshaped;
  }
  if (ArrayBuffer.isView(data)) {
    const own = storageDType(data);
    const dt = dtype ?? own ?? 'float32';
    const values = own === dt ? (data as TypedArray) : convertTypedArray(data, dt);
    const s = shape ?? [values.length];
    if (sizeOf(s) !== values.length) {
      throw new Error(`tensor(): ${values.length} values do not fill shape ${formatShape(s)} (${sizeOf(s)} values).`);
    }
    return new Tensor(values, s, dt);
  }
  const inferred = inferShape(data);
  const dt = dtype ?? 'float32';
  const out = allocData(dt, sizeOf(inferred));
  flatten(data, inferred, out);
  if (shape && sizeOf(shape) !== out.length) {
    throw new Error(`tensor(): ${out.length} values do not fill shape ${formatShape(shape)}.`);
  }
  return new Tensor(out, shape ?? inferred, dt);
}

/** A number or boolean for scalar() and fill(); anything else is an error naming the call. */
function checkScalar(value: unknown, where: string): asserts value is number | boolean {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new TypeError(`${where}: the value must be a number or a boolean, got ${describeValue(value)}.`);
  }
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'scalar()');
  checkScalar(value, 'scalar()');
  const data = allocData(dtype, 1);
  data[0] = Number(value);
  return new Tensor(data, [], dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'zeros()');
  checkShape(shape, 'zeros()');
  return new Tensor(allocData(dtype, sizeOf(shape)), shape, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'ones()');
  checkShape(shape, 'ones()');
  const data = allocData(dtype, sizeOf(shape));
  data.fill(1);
  return new Tensor(data, shape, dtype);
}

export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'fill()');
  checkShape(shape, 'fill()');
  checkScalar(value, 'fill()');
  const data = allocData(dtype, sizeOf(shape));
  data.fill(Number(value));
  return new Tensor(data, shape, dtype);
}

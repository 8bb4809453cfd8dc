import { type DType, type TypedArray, allocData, checkDType, dtypeOfArray } from './dtype.js';
import { type Shape, formatShape, sizeOf } from './shape.js';

/** Nested number arrays as users write data by hand: `[[1, 2], [3, 4]]`. */
export type NestedArray = number | boolean | readonly NestedArray[];
export type TensorLike = Tensor | NestedArray | TypedArray;

let nextTensorId = 0;

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

function flatten(data: NestedArray, shape: Shape, out: TypedArray): void {
  let k = 0;
  const walk = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new Error('Ragged nested array: every row must have the same length.');
      out[k++] = typeof v === 'boolean' ? Number(v) : (v as number);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`Ragged nested array: expected ${shape[dim]} elements at depth ${dim}.`);
    }
    for (const item of v as readonly NestedArray[]) walk(item, dim + 1);
  };
  walk(data, 0);
}

/**
 * Creates a tensor from nested arrays or a typed array (with its shape). Plain numbers become
 * `float32` unless a dtype is given; an `Int32Array` becomes `int32`.
 */
export function tensor(data: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined) checkDType(dtype, 'tensor()');
  if (data instanceof Tensor) {
    if (shape && sizeOf(shape) !== data.size) throw new Error('tensor(): shape does not match the given tensor.');
    return dtype && dtype !== data.dtype ? data.cast(dtype) : shape ? data.reshape(shape) : data;
  }
  if (ArrayBuffer.isView(data)) {
    const arr = data as TypedArray;
    const s = shape ?? [arr.length];
    const dt = dtype ?? dtypeOfArray(arr);
    if (dtypeOfArray(arr) === dt) return new Tensor(arr, s, dt);
    const out = allocData(dt, arr.length);
    for (let i = 0; i < arr.length; i++) out[i] = arr[i];
    return new Tensor(out, s, dt);
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

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'scalar()');
  const data = allocData(dtype, 1);
  data[0] = value;
  return new Tensor(data, [], dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'zeros()');
  return new Tensor(allocData(dtype, sizeOf(shape)), shape, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'ones()');
  const data = allocData(dtype, sizeOf(shape));
  data.fill(1);
  return new Tensor(data, shape, dtype);
}

export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkDType(dtype, 'fill()');
  const data = allocData(dtype, sizeOf(shape));
  data.fill(value);
  return new Tensor(data, shape, dtype);
}

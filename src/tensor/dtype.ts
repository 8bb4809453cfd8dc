/** Element types a tensor can hold. `bool` is stored one byte per element. */
export type DType = 'float32' | 'int32' | 'bool';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

export type DataFor<D extends DType> = D extends 'float32' ? Float32Array : D extends 'int32' ? Int32Array : Uint8Array;

export function allocData(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

export function isDType(value: unknown): value is DType {
  return value === 'float32' || value === 'int32' || value === 'bool';
}

/**
 * Refuses a dtype Dendrite does not compute in. A JavaScript caller can pass 'float16' or
 * 'mixed_float16'; computing those silently in float32 and writing them into saved files would
 * claim a precision the model never had.
 */
export function checkDType(value: unknown, where: string): asserts value is DType {
  if (!isDType(value)) {
    throw new TypeError(
      `${where}: dtype must be 'float32', 'int32' or 'bool', got ${JSON.stringify(value)}. ` +
        'Dendrite computes in float32; half precision and mixed-precision policies are not supported.',
    );
  }
}

/** The dtype a typed array stores; anything but Float32Array, Int32Array and Uint8Array has none. */
export function storageDType(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint8Array) return 'bool';
  return undefined;
}

export function dtypeOfArray(data: TypedArray): DType {
  const dt = storageDType(data);
  if (!dt) {
    const name = (data as object)?.constructor?.name ?? typeof data;
    throw new TypeError(`A tensor stores a Float32Array, Int32Array or Uint8Array, got ${name}.`);
  }
  return dt;
}

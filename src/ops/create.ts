import { type DType, allocData } from '../tensor/dtype.js';
import { MAX_ELEMENTS, type Shape, formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Buffers for one training step. Allocating a typed array costs far more than the arithmetic of a
 * small layer, so while a pool is active (`withBufferPool`), ops take their float32 outputs from it
 * and the trainer hands every buffer back when the step is over: a long `fit` reuses one step's
 * working set instead of feeding the garbage collector. Nothing allocated inside the scope may
 * outlive it; the trainer reads what it needs (losses, metrics) before the scope closes.
 */
export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly lent: Float32Array[] = [];

  /** A buffer of `size` floats: zeroed, or as its last user left it when `zeroed` is false. */
  take(size: number, zeroed = true): Float32Array {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new Error(`BufferPool.take: size must be a non-negative integer, got ${String(size)}.`);
    }
    const buf = this.free.get(size)?.pop();
    if (buf) {
      if (zeroed) buf.fill(0);
      else if (poisonReused) buf.fill(NaN);
      this.lent.push(buf);
      return buf;
    }
    const fresh = new Float32Array(size);
    this.lent.push(fresh);
    return fresh;
  }

  releaseAll(): void {
    for (const buf of this.lent) {
      let list = this.free.get(buf.length);
      if (!list) this.free.set(buf.length, (list = []));
      list.push(buf);
    }
    this.lent.length = 0;
  }
}

let activePool: BufferPool | null = null;
let poisonReused = false;

/**
 * Test hook: reused output buffers (outputBuffer) come back filled with NaN instead of stale
 * values, so an op that leaves part of its output unwritten shows up as NaN, not as plausible data.
 */
export function setOutputPoisoning(on: boolean): void {
  poisonReused = on;
}

/** Runs `f` with op outputs drawn from `pool`, then returns every buffer to it. */
export function withBufferPool<T>(pool: BufferPool, f: () => T): T {
  if (!(pool instanceof BufferPool)) throw new TypeError('withBufferPool: pool must be a BufferPool.');
  if (typeof f !== 'function') throw new TypeError('withBufferPool: f must be a function.');
  if (activePool) return f();
  activePool = pool;
  try {
    return f();
  } finally {
    activePool = null;
    pool.releaseAll();
  }
}

/** A zeroed float32 buffer: from the step pool when one is active. */
export function floatBuffer(size: number): Float32Array {
  return activePool ? activePool.take(size) : new Float32Array(size);
}

/**
 * A float32 buffer that its writer fills completely (a backend kernel's output: kernels overwrite
 * their outputs). From the step pool it comes as its last user left it; at the size of a CNN's
 * activations zeroing it first cost as much as the elementwise op that then writes it.
 */
export function outputBuffer(size: number): Float32Array {
  return activePool ? activePool.take(size, false) : new Float32Array(size);
}

/** A float32 tensor of `shape` with its buffer, for a backend kernel to overwrite entirely (see outputBuffer). */
/**
 * The element count of a result shape, refused past what a typed array can hold: an op whose
 * arguments ask for more (a padding or repeat count of 2^31) gets a clear error, not V8's.
 */
function resultSize(shape: Shape): number {
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS)
    throw new Error(`A result of shape ${formatShape(shape)} would hold ${n} elements; a tensor holds at most 2^32.`);
  return n;
}

export function outputFloat(shape: Shape): { t: Tensor; data: Float32Array } {
  const data = outputBuffer(resultSize(shape));
  return { t: new Tensor(data, shape, 'float32'), data };
}

/** A fresh, zeroed float32 tensor of `shape` with its buffer, for an op to fill. */
export function emptyFloat(shape: Shape): { t: Tensor; data: Float32Array } {
  const data = floatBuffer(resultSize(shape));
  return { t: new Tensor(data, shape, 'float32'), data };
}

export function empty(shape: Shape, dtype: DType): Tensor {
  const size = resultSize(shape);
  return new Tensor(dtype === 'float32' ? floatBuffer(size) : allocData(dtype, size), shape, dtype);
}

/** A tensor of `shape` for a backend kernel to overwrite entirely (see outputBuffer). */
export function emptyOutput(shape: Shape, dtype: DType): Tensor {
  const size = resultSize(shape);
  return new Tensor(dtype === 'float32' ? outputBuffer(size) : allocData(dtype, size), shape, dtype);
}

export function floatData(t: Tensor, what: string): Float32Array {
  if (!(t.values instanceof Float32Array)) {
    throw new Error(`${what} expects a float32 tensor, got ${t.dtype}.`);
  }
  return t.values;
}

import type { Layer } from './layer.js';

/**
 * Layers whose output length along a spatial axis depends on their input length there
 * (convolutions, pooling, cropping, padding, upsampling) say how long an input must be.
 *
 * With `Input({ shape: [null, ...] })` a too short sequence only shows when data arrives. The
 * model then checks each layer's shape (`computeOutputShape` on the concrete shapes throws a
 * `WindowTooLargeError` naming the layer, the length it received and its window) and can work
 * back to the least model input length that works by chaining `minInputLength` from the failing
 * layer (or from every length-consuming layer) to the input: `minInputLengthThrough`.
 */
export interface LengthInverse {
  /**
   * The least input length along `axis` (an axis of the input shape: 1 for the steps of a
   * sequence, 1 or 2 for an image's height or width) for which this layer's output has at least
   * `minOutputLength` positions on the matching output axis. Layers that reduce the axis away
   * (global pooling) need one position whatever `minOutputLength` is.
   */
  minInputLength(minOutputLength: number, axis: number): number;
}

export function hasLengthInverse(layer: Layer): layer is Layer & LengthInverse {
  return typeof (layer as Partial<LengthInverse>).minInputLength === 'function';
}

/**
 * The least length along `axis` of the first layer's input for which every layer of `path`
 * (in call order, each feeding the next on that axis) has at least one position to work on, and
 * the last produces at least `minOutputLength`. Layers without an inverse keep the length
 * (Dense, activations, Embedding, normalization, recurrent layers returning sequences).
 *
 * For the notebook's Embedding → Conv1D(5) → MaxPooling1D(5) → Conv1D(5) ×2 → MaxPooling1D(5)
 * → Conv1D(5) ×2 → GlobalMaxPooling1D this gives 269.
 */
export function minInputLengthThrough(path: readonly Layer[], axis = 1, minOutputLength = 1): number {
  let need = Math.max(1, minOutputLength);
  for (let i = path.length - 1; i >= 0; i--) {
    const layer = path[i];
    if (hasLengthInverse(layer)) need = Math.max(1, layer.minInputLength(need, axis));
  }
  return need;
}

/**
 * The least n ≥ 1 for which `works(n)` holds, given that it holds for every length above one
 * that works (true of every layer here: a longer input never gives a shorter output). For
 * graphs where following one path is not enough (branches, merges), `works` can run the
 * model's shape checks for input length n. Returns null if nothing up to `limit` works.
 */
export function leastWorkingLength(works: (length: number) => boolean, limit = 1 << 24): number | null {
  let hi = 1;
  while (!works(hi)) {
    if (hi >= limit) return null;
    hi = Math.min(hi * 2, limit);
  }
  let lo = Math.floor(hi / 2); // does not work (or is 0)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (works(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * A convolution or pooling window that does not fit its input: thrown by `computeOutputShape`,
 * so at `apply` time when shapes are known and, for `null` lengths, before any kernel runs.
 */
export class WindowTooLargeError extends Error {
  override readonly name = 'WindowTooLargeError';
  constructor(
    message: string,
    /** The layer that ran out of length. */
    readonly layerName: string,
    readonly className: string,
    /** The axis of the layer's input shape that is too short. */
    readonly axis: number,
    /** The length the layer received on that axis. */
    readonly inputLength: number,
    /** The window's extent on that axis (dilation included). */
    readonly window: number,
    /** The least input length on that axis this layer alone accepts. */
    readonly minLength: number,
  ) {
    super(message);
  }
}

/**
 * `Sequence`, Keras's `PyDataset` (formerly `keras.utils.Sequence`): batches by index, so `fit`
 * knows the epoch's length, can shuffle the batch order, and tells the data when an epoch ends.
 */
export abstract class Sequence<T = unknown> {
  /** The number of batches in an epoch. */
  abstract readonly length: number;
  /** Batch `index` (0 ≤ index < length): `[x, y]` or `[x, y, sampleWeight]` for fit and evaluate. */
  abstract getItem(index: number): T | Promise<T>;
  /** Called at the end of every epoch (reshuffle your samples here). */
  onEpochEnd(): void | Promise<void> {}
}

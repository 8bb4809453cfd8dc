import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Logs } from './callbacks.js';

/** One batch of a loop: inputs, targets and optional per-sample weights. */
export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  sw: Float32Array | null;
}

/** Batch-size-weighted means of the total and per-output losses over an epoch, as Keras logs them. */
export class LossTracker {
  private total = 0;
  private readonly each: number[];
  private count = 0;
  constructor(private readonly names: readonly string[]) {
    this.each = names.map(() => 0);
  }
  add(loss: number, each: readonly number[], size: number): void {
    this.total += loss * size;
    each.forEach((v, i) => (this.each[i] += v * size));
    this.count += size;
  }
  logs(): Logs {
    const logs: Logs = { loss: this.total / this.count };
    if (this.names.length > 1) this.names.forEach((name, i) => (logs[`${name}_loss`] = this.each[i] / this.count));
    return logs;
  }
}

export function makeBatch(
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  sw: Float32Array | null,
  start: number,
  end: number,
  order: Int32Array | null,
): Batch {
  if (!order) {
    return {
      xs: xs.map((t) => ops.rowRange(t, start, end)),
      ys: ys.map((t) => ops.rowRange(t, start, end)),
      sw: sw?.subarray(start, end) ?? null,
    };
  }
  const idx = order.subarray(start, end);
  return {
    xs: xs.map((t) => ops.takeRows(t, idx)),
    ys: ys.map((t) => ops.takeRows(t, idx)),
    sw: sw ? Float32Array.from(idx, (i) => sw[i]) : null,
  };
}

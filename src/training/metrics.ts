import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';

/** A metric accumulates over an epoch and reports one number; `name` is the key it logs under. */
export interface Metric {
  readonly name: string;
  reset(): void;
  update(yTrue: Tensor, yPred: Tensor, sampleWeight: Float32Array | null): void;
  result(): number;
}

export type MetricId =
  | 'acc'
  | 'accuracy'
  | 'binary_accuracy'
  | 'categorical_accuracy'
  | 'sparse_categorical_accuracy'
  | 'mse'
  | 'mean_squared_error'
  | 'mae'
  | 'mean_absolute_error'
  | 'auc';

/** Per-sample values averaged with sample weights over the epoch (Keras's MeanMetricWrapper). */
class MeanMetric implements Metric {
  private total = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly perSample: (yTrue: Tensor, yPred: Tensor) => Float32Array,
  ) {}
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  update(yTrue: Tensor, yPred: Tensor, sw: Float32Array | null): void {
    const v = this.perSample(yTrue, yPred);
    const batch = yPred.shape[0];
    const per = v.length / batch;
    for (let i = 0; i < v.length; i++) {
      const w = sw ? sw[Math.floor(i / per)] : 1;
      this.total += v[i] * w;
      this.count += w;
    }
  }
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
}

function rows(t: Tensor): { n: number; cols: number } {
  const cols = t.shape[t.rank - 1] ?? 1;
  return { n: t.size / cols, cols };
}

function argmaxRows(t: Tensor): Int32Array {
  const { n, cols } = rows(t);
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (t.values[r * cols + c] > t.values[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Float32Array {
  if (yTrue.size !== yPred.size)
    throw new Error(
      `binary_accuracy: targets ${formatShape(yTrue.shape)} do not match predictions ${formatShape(yPred.shape)}.`,
    );
  const out = new Float32Array(yPred.size);
  for (let i = 0; i < out.length; i++)
    out[i] = Number(yPred.values[i] > threshold) === Number(yTrue.values[i] > 0.5 ? 1 : 0) ? 1 : 0;
  // Averaged over the last axis per sample, as Keras does.
  const { n, cols } = rows(yPred);
  const per = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += out[r * cols + c];
    per[r] = s / cols;
  }
  return per;
}

function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Float32Array {
  const a = argmaxRows(yTrue);
  const b = argmaxRows(yPred);
  return Float32Array.from(a, (v, i) => (v === b[i] ? 1 : 0));
}

function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Float32Array {
  const b = argmaxRows(yPred);
  return Float32Array.from(b, (v, i) => (v === Math.round(yTrue.values[i]) ? 1 : 0));
}

function perSampleLoss(fn: (a: Tensor, b: Tensor) => Tensor): (a: Tensor, b: Tensor) => Float32Array {
  return (a, b) =>
    ops.noGrad(() => {
      const t = a.dtype === 'float32' ? a : a.cast('float32');
      return fn(t.rank === b.rank ? t : t.reshape(b.shape), b).values as Float32Array;
    });
}

const mse = perSampleLoss((a, b) => ops.mean(ops.square(ops.sub(b, a)), -1));
const mae = perSampleLoss((a, b) => ops.mean(ops.abs(ops.sub(b, a)), -1));

/** ROC AUC over 200 thresholds with trapezoidal interpolation, accumulated over the epoch like Keras's AUC. */
class AUC implements Metric {
  private readonly thresholds: number[];
  private tp!: Float64Array;
  private fp!: Float64Array;
  private fn!: Float64Array;
  private tn!: Float64Array;
  constructor(
    readonly name: string,
    numThresholds = 200,
  ) {
    const eps = 1e-7;
    this.thresholds = [
      -eps,
      ...Array.from({ length: numThresholds - 2 }, (_, i) => (i + 1) / (numThresholds - 1)),
      1 + eps,
    ];
    this.reset();
  }
  reset(): void {
    const n = this.thresholds.length;
    this.tp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.fn = new Float64Array(n);
    this.tn = new Float64Array(n);
  }
  update(yTrue: Tensor, yPred: Tensor, sw: Float32Array | null): void {
    const per = yPred.size / yPred.shape[0];
    for (let i = 0; i < yPred.size; i++) {
      const w = sw ? sw[Math.floor(i / per)] : 1;
      const positive = yTrue.values[i] > 0.5;
      const p = yPred.values[i];
      this.thresholds.forEach((t, k) => {
        if (p > t) (positive ? this.tp : this.fp)[k] += w;
        else (positive ? this.fn : this.tn)[k] += w;
      });
    }
  }
  result(): number {
    let auc = 0;
    for (let k = 0; k < this.thresholds.length - 1; k++) {
      const tpr = (j: number): number => this.tp[j] / Math.max(this.tp[j] + this.fn[j], 1e-12);
      const fpr = (j: number): number => this.fp[j] / Math.max(this.fp[j] + this.tn[j], 1e-12);
      auc += ((fpr(k) - fpr(k + 1)) * (tpr(k) + tpr(k + 1))) / 2;
    }
    return auc;
  }
}

/**
 * Builds a metric from its identifier. `acc`/`accuracy` resolve by shapes as Keras 3 does: binary
 * when predictions have one column, sparse when targets have one fewer axis (or one column against
 * many), categorical otherwise; the metric keeps the name the user wrote.
 */
export function createMetric(
  id: MetricId | Metric,
  yTrueShape: readonly (number | null)[] | null,
  yPredShape: readonly (number | null)[],
): Metric {
  if (typeof id !== 'string') return id;
  switch (id) {
    case 'acc':
    case 'accuracy': {
      const last = yPredShape[yPredShape.length - 1];
      const tRank = yTrueShape?.length ?? yPredShape.length;
      const tLast = yTrueShape?.[yTrueShape.length - 1];
      if (last === 1) return new MeanMetric(id, (a, b) => binaryAccuracy(a, b));
      if (tRank < yPredShape.length || (tLast === 1 && last !== 1))
        return new MeanMetric(id, sparseCategoricalAccuracy);
      return new MeanMetric(id, categoricalAccuracy);
    }
    case 'binary_accuracy':
      return new MeanMetric(id, (a, b) => binaryAccuracy(a, b));
    case 'categorical_accuracy':
      return new MeanMetric(id, categoricalAccuracy);
    case 'sparse_categorical_accuracy':
      return new MeanMetric(id, sparseCategoricalAccuracy);
    case 'mse':
    case 'mean_squared_error':
      return new MeanMetric(id, mse);
    case 'mae':
    case 'mean_absolute_error':
      return new MeanMetric(id, mae);
    case 'auc':
      return new AUC(id);
    default:
      throw new Error(
        `Unknown metric '${String(id)}'. Known: acc, accuracy, binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, mse, mae, auc.`,
      );
  }
}

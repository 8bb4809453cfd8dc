/**
 * Keras 3's accuracy metrics: the functions (one value per sample) and the classes that average
 * them over an epoch. Matches are counted in plain loops: accuracies have no gradient.
 */
import { describeValue } from '../../layers/options.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import type { MetricArgs } from './base.js';
import { MeanMetricWrapper } from './reduction.js';

/** Targets in the predictions' layout: equal shapes, or [batch] against [batch, 1] (either way round). */
function sameLayout(name: string, yTrue: Tensor, yPred: Tensor): void {
  const squeeze = (s: readonly number[]): string => (s[s.length - 1] === 1 ? s.slice(0, -1) : s).join();
  if (yTrue.shape.join() !== yPred.shape.join() && squeeze(yTrue.shape) !== squeeze(yPred.shape))
    throw new Error(
      `${name}: targets of shape ${formatShape(yTrue.shape)} do not match predictions of shape ${formatShape(yPred.shape)}.`,
    );
}

/** The index of each row's largest value over the last axis (the first, on ties). */
function argmaxRows(t: Tensor): Int32Array {
  const cols = t.rank === 0 ? 1 : t.shape[t.rank - 1];
  const n = cols === 0 ? 0 : t.size / cols;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (t.values[r * cols + c] > t.values[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** The shape of one value per row: the predictions' shape without its last axis. */
function rowShape(yPred: Tensor): number[] {
  return yPred.shape.slice(0, -1);
}

/** 1 where targets equal predictions exactly, elementwise. */
export function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  sameLayout('accuracy', yTrue, yPred);
  const out = Float32Array.from(yPred.values, (p, i) => (yTrue.values[i] === p ? 1 : 0));
  return new Tensor(out, yPred.shape, 'float32');
}

/** 1 where (prediction > threshold) equals the target, elementwise; targets are 0 or 1. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  sameLayout('binary_accuracy', yTrue, yPred);
  const out = Float32Array.from(yPred.values, (p, i) => (yTrue.values[i] === (p > threshold ? 1 : 0) ? 1 : 0));
  return new Tensor(out, yPred.shape, 'float32');
}

/** 1 per row where the targets' and the predictions' largest entries are at the same index. */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  if (yTrue.shape.join() !== yPred.shape.join())
    throw new Error(
      `categorical_accuracy: one-hot targets of shape ${formatShape(yTrue.shape)} do not match predictions of ` +
        `shape ${formatShape(yPred.shape)}.`,
    );
  const a = argmaxRows(yTrue);
  const b = argmaxRows(yPred);
  return new Tensor(
    Float32Array.from(a, (v, i) => (v === b[i] ? 1 : 0)),
    rowShape(yPred),
    'float32',
  );
}

/** Class indices ([batch] or [batch, 1]) read for predictions of shape [batch, classes]. */
function classIndices(name: string, yTrue: Tensor, yPred: Tensor): ArrayLike<number> {
  const lead = rowShape(yPred);
  const shape = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? yTrue.shape.slice(0, -1) : yTrue.shape;
  if (shape.join() !== lead.join())
    throw new Error(
      `${name}: integer targets of shape ${formatShape(yTrue.shape)} do not match predictions of shape ` +
        `${formatShape(yPred.shape)} (expected ${formatShape(lead)}).`,
    );
  return yTrue.values;
}

/** 1 per row where the target class index is the predictions' largest entry. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const labels = classIndices('sparse_categorical_accuracy', yTrue, yPred);
  const b = argmaxRows(yPred);
  return new Tensor(
    Float32Array.from(b, (v, i) => (v === labels[i] ? 1 : 0)),
    rowShape(yPred),
    'float32',
  );
}

/**
 * Whether `target` is among the k largest entries of `row` (TensorFlow's in_top_k: entries tied
 * with it count in its favour, and a non-finite score is never in the top k).
 */
function inTopK(row: ArrayLike<number>, offset: number, cols: number, target: number, k: number): boolean {
  if (!Number.isInteger(target) || target < 0 || target >= cols) return false;
  const score = row[offset + target];
  if (!Number.isFinite(score)) return false;
  let above = 0;
  for (let c = 0; c < cols; c++) if (row[offset + c] > score) above++;
  return above < k;
}

function topK(name: string, labels: ArrayLike<number>, yPred: Tensor, k: number): Tensor {
  if (yPred.rank < 2)
    throw new Error(`${name}: predictions must have a class axis, got shape ${formatShape(yPred.shape)}.`);
  const cols = yPred.shape[yPred.rank - 1];
  const out = new Float32Array(labels.length);
  for (let r = 0; r < out.length; r++) out[r] = inTopK(yPred.values, r * cols, cols, labels[r], k) ? 1 : 0;
  return new Tensor(out, rowShape(yPred), 'float32');
}

/** 1 per row where the target's class (its largest entry) is among the k largest predictions. */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  if (yTrue.shape.join() !== yPred.shape.join())
    throw new Error(
      `top_k_categorical_accuracy: one-hot targets of shape ${formatShape(yTrue.shape)} do not match predictions ` +
        `of shape ${formatShape(yPred.shape)}.`,
    );
  return topK('top_k_categorical_accuracy', argmaxRows(yTrue), yPred, k);
}

/** 1 per row where the target class index is among the k largest predictions. */
export function sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  const name = 'sparse_top_k_categorical_accuracy';
  return topK(name, classIndices(name, yTrue, yPred), yPred, k);
}

function positiveInteger(className: string, key: string, v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new Error(`${className}: ${key} must be a whole number ≥ 1, got ${describeValue(v)}.`);
  return v;
}

export class Accuracy extends MeanMetricWrapper {
  static override readonly className = 'Accuracy';
  constructor(args: MetricArgs = {}) {
    super(accuracy, args, [], 'accuracy');
  }
}

export interface BinaryAccuracyArgs extends MetricArgs {
  /** Predictions above it count as 1. Default 0.5. */
  threshold?: number;
}

export class BinaryAccuracy extends MeanMetricWrapper {
  static override readonly className = 'BinaryAccuracy';
  readonly threshold: number;
  constructor(args: BinaryAccuracyArgs = {}) {
    const threshold = args?.threshold ?? 0.5;
    super((a, b) => binaryAccuracy(a, b, threshold), args, ['threshold'], 'binary_accuracy');
    if (typeof threshold !== 'number' || !Number.isFinite(threshold))
      throw new Error(`BinaryAccuracy: threshold must be a number, got ${describeValue(threshold)}.`);
    this.threshold = threshold;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

export class CategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'CategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(categoricalAccuracy, args, [], 'categorical_accuracy');
  }
}

export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'SparseCategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(sparseCategoricalAccuracy, args, [], 'sparse_categorical_accuracy');
  }
}

export interface TopKArgs extends MetricArgs {
  /** How many of the largest predictions count. Default 5. */
  k?: number;
}

export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'TopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    const k = positiveInteger('TopKCategoricalAccuracy', 'k', args?.k, 5);
    super((a, b) => topKCategoricalAccuracy(a, b, k), args, ['k'], 'top_k_categorical_accuracy');
    this.k = k;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'SparseTopKCategoricalAccuracy';
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    const k = positiveInteger('SparseTopKCategoricalAccuracy', 'k', args?.k, 5);
    super((a, b) => sparseTopKCategoricalAccuracy(a, b, k), args, ['k'], 'sparse_top_k_categorical_accuracy');
    this.k = k;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
}

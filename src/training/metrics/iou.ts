/**
 * Keras 3's intersection-over-union metrics: a confusion matrix of class indices accumulated
 * over batches, and IoU = TP / (TP + FP + FN) per class, averaged over the target classes.
 * Keras counts in integers by default (dtype 'int32'), so fractional sample weights are
 * truncated toward zero; `dtype: 'float32'` counts them as they are.
 */
import type { Variable } from '../../layers/variable.js';
import { checkOptions, describeValue } from '../../layers/options.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, asTensor, weightValues } from './base.js';

const EPSILON = 1e-7;

type IoUDtype = 'int32' | 'int64' | 'float32';

export interface IoUArgs extends Omit<MetricArgs, 'dtype'> {
  /** How the confusion matrix counts: 'int32' (Keras's default, weights truncated) or 'float32'. */
  dtype?: IoUDtype | null;
  /** A class index left out of the counts. */
  ignoreClass?: number | null;
  /** Targets are class indices (default true); false: one-hot or scores, reduced by argmax over `axis`. */
  sparseYTrue?: boolean;
  /** Predictions are class indices (default true); false: scores, reduced by argmax over `axis`. */
  sparseYPred?: boolean;
  /** The class axis for argmax when not sparse. Only -1. */
  axis?: number;
}

/** The index of the largest entry of each row over the last axis. */
function argmaxLast(t: Tensor): Float64Array {
  const cols = t.shape[t.rank - 1] ?? 1;
  const out = new Float64Array(cols === 0 ? 0 : t.size / cols);
  for (let r = 0; r < out.length; r++) {
    let best = 0;
    for (let c = 1; c < cols; c++) if (t.values[r * cols + c] > t.values[r * cols + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Keras's IoU: the mean IoU of `targetClassIds` over a `numClasses` × `numClasses` confusion matrix. */
export class IoU extends Metric {
  static override readonly className: string = 'IoU';
  readonly numClasses: number;
  readonly targetClassIds: number[];
  readonly ignoreClass: number | null;
  readonly sparseYTrue: boolean;
  readonly sparseYPred: boolean;
  readonly axis: -1;
  private readonly totalCm: Variable;

  constructor(
    numClasses: number,
    targetClassIds: readonly number[],
    args: IoUArgs = {},
    allowed: readonly string[] = ['ignoreClass', 'sparseYTrue', 'sparseYPred', 'axis'],
  ) {
    super(args as MetricArgs, allowed);
    const name = this.className;
    if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1)
      throw new Error(`${name}: numClasses must be a whole number ≥ 1, got ${describeValue(numClasses)}.`);
    if (
      !Array.isArray(targetClassIds) ||
      targetClassIds.length === 0 ||
      targetClassIds.some((c) => !Number.isInteger(c) || c < 0 || c >= numClasses)
    )
      throw new Error(
        `${name}: targetClassIds must be class indices in [0, ${numClasses}), got ${JSON.stringify(targetClassIds)}.`,
      );
    const { ignoreClass = null, sparseYTrue = true, sparseYPred = true, axis = -1 } = args;
    if (ignoreClass !== null && !Number.isInteger(ignoreClass))
      throw new Error(`${name}: ignoreClass must be a class index or null, got ${describeValue(ignoreClass)}.`);
    for (const [key, v] of [
      ['sparseYTrue', sparseYTrue],
      ['sparseYPred', sparseYPred],
    ] as const)
      if (typeof v !== 'boolean')
        throw new TypeError(`${name}: ${key} must be true or false, got ${describeValue(v)}.`);
    if (axis !== -1)
      throw new Error(`${name}: Dendrite takes the class axis as the last (axis -1) only, got ${describeValue(axis)}.`);
    this.numClasses = numClasses;
    this.targetClassIds = [...targetClassIds];
    this.ignoreClass = ignoreClass;
    this.sparseYTrue = sparseYTrue;
    this.sparseYPred = sparseYPred;
    this.axis = -1;
    this.totalCm = this.addVariable({ name: 'total_confusion_matrix', shape: [numClasses, numClasses] });
  }

  protected override get dtypes(): { fallback: string; allowed: readonly string[] } {
    return { fallback: 'int32', allowed: ['int32', 'int64', 'float32'] };
  }

  updateState(yTrueLike: TensorLike, yPredLike: TensorLike, sampleWeight?: TensorLike | null): void {
    const yTrue = asTensor(yTrueLike);
    const yPred = asTensor(yPredLike);
    const labels = this.sparseYTrue ? yTrue.values : argmaxLast(yTrue);
    const preds = this.sparseYPred ? yPred.values : argmaxLast(yPred);
    if (labels.length !== preds.length)
      throw new Error(`${this.className}: ${labels.length} targets for ${preds.length} predictions.`);
    const w = weightValues(sampleWeight);
    if (w && w.length !== 1 && w.length !== labels.length)
      throw new Error(`${this.className}: ${w.length} sample weights for ${labels.length} values.`);
    const integer = this.dtype !== 'float32';
    const n = this.numClasses;
    const cm = this.totalCm.value.values as Float32Array;
    const delta = new Float64Array(n * n);
    for (let i = 0; i < labels.length; i++) {
      // Integer counting takes the class indices and weights as Keras's cast to int does: truncated.
      const t = integer ? Math.trunc(labels[i]) : labels[i];
      const p = integer ? Math.trunc(preds[i]) : preds[i];
      const inBounds = t >= 0 && t < n && p >= 0 && p < n && t !== this.ignoreClass;
      if (!inBounds) continue;
      const raw = w ? w[w.length === 1 ? 0 : i] : 1;
      delta[Math.trunc(t) * n + Math.trunc(p)] += integer ? Math.trunc(raw) : raw;
    }
    for (let i = 0; i < cm.length; i++) cm[i] += delta[i];
  }

  result(): number {
    const n = this.numClasses;
    const cm = this.totalCm.value.values;
    let sum = 0;
    let valid = 0;
    for (const c of this.targetClassIds) {
      let predicted = 0;
      let actual = 0;
      for (let k = 0; k < n; k++) {
        predicted += cm[k * n + c];
        actual += cm[c * n + k];
      }
      const tp = cm[c * n + c];
      const denominator = predicted + actual - tp;
      if (denominator > 1e-9) {
        sum += tp / (denominator + EPSILON);
        valid++;
      }
    }
    return sum / (valid + EPSILON);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numClasses: this.numClasses,
      targetClassIds: this.targetClassIds,
      ignoreClass: this.ignoreClass,
      sparseYTrue: this.sparseYTrue,
      sparseYPred: this.sparseYPred,
      axis: this.axis,
    };
  }
}

export interface BinaryIoUArgs extends Omit<IoUArgs, 'ignoreClass' | 'sparseYTrue' | 'sparseYPred' | 'axis'> {
  /** Which of the classes 0 and 1 to average over. Default [0, 1]. */
  targetClassIds?: readonly number[];
  /** Predictions at or above it are class 1. Default 0.5. */
  threshold?: number;
}

/** IoU of binary predictions thresholded into classes 0 and 1. */
export class BinaryIoU extends IoU {
  static override readonly className: string = 'BinaryIoU';
  readonly threshold: number;
  constructor(args: BinaryIoUArgs = {}) {
    checkOptions('BinaryIoU', args, ['targetClassIds', 'threshold', 'name', 'dtype']);
    super(2, args.targetClassIds ?? [0, 1], { name: args.name, dtype: args.dtype }, []);
    const { threshold = 0.5 } = args;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold))
      throw new Error(`BinaryIoU: threshold must be a number, got ${describeValue(threshold)}.`);
    this.threshold = threshold;
  }
  override updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const p = asTensor(yPred);
    const classes = Float32Array.from(p.values, (v) => (v >= this.threshold ? 1 : 0));
    super.updateState(yTrue, classes, sampleWeight);
  }
  override getConfig(): Record<string, unknown> {
    return { targetClassIds: this.targetClassIds, threshold: this.threshold, name: this.name, dtype: this.dtype };
  }
}

/** Class ids 0 .. n − 1 (one id for an invalid n, which the IoU constructor then refuses, naming it). */
function everyClass(n: number): number[] {
  return Array.from({ length: Number.isInteger(n) && n > 0 ? n : 1 }, (_, i) => i);
}

/** The mean IoU over every class. */
export class MeanIoU extends IoU {
  static override readonly className: string = 'MeanIoU';
  constructor(numClasses: number, args: IoUArgs = {}) {
    super(numClasses, everyClass(numClasses), args);
  }
  override getConfig(): Record<string, unknown> {
    const { numClasses, name, dtype, ignoreClass, sparseYTrue, sparseYPred, axis } = this;
    return { numClasses, name, dtype, ignoreClass, sparseYTrue, sparseYPred, axis };
  }
}

export type OneHotIoUArgs = Omit<IoUArgs, 'sparseYTrue'>;

const ONE_HOT_OPTIONS = ['name', 'dtype', 'ignoreClass', 'sparseYPred', 'axis'];

/** One-hot targets always; predictions as scores unless told they are class indices. */
function oneHot(args: OneHotIoUArgs): IoUArgs {
  return { sparseYPred: false, ...args, sparseYTrue: false };
}

/** IoU for one-hot targets (and, unless `sparseYPred`, scores as predictions). */
export class OneHotIoU extends IoU {
  static override readonly className: string = 'OneHotIoU';
  constructor(numClasses: number, targetClassIds: readonly number[], args: OneHotIoUArgs = {}) {
    checkOptions('OneHotIoU', args, ONE_HOT_OPTIONS);
    super(numClasses, targetClassIds, oneHot(args), [...ONE_HOT_OPTIONS, 'sparseYTrue']);
  }
  override getConfig(): Record<string, unknown> {
    const { numClasses, targetClassIds, name, dtype, ignoreClass, sparseYPred, axis } = this;
    return { numClasses, targetClassIds, name, dtype, ignoreClass, sparseYPred, axis };
  }
}

/** The mean IoU over every class, for one-hot targets. */
export class OneHotMeanIoU extends IoU {
  static override readonly className: string = 'OneHotMeanIoU';
  constructor(numClasses: number, args: OneHotIoUArgs = {}) {
    checkOptions('OneHotMeanIoU', args, ONE_HOT_OPTIONS);
    super(numClasses, everyClass(numClasses), oneHot(args), [...ONE_HOT_OPTIONS, 'sparseYTrue']);
  }
  override getConfig(): Record<string, unknown> {
    const { numClasses, name, dtype, ignoreClass, sparseYPred, axis } = this;
    return { numClasses, name, dtype, ignoreClass, sparseYPred, axis };
  }
}

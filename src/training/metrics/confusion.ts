/**
 * Keras 3's confusion-matrix metrics at thresholds: the counts (TruePositives, FalsePositives,
 * TrueNegatives, FalseNegatives), Precision and Recall, and the update they and AUC share
 * (Keras's metrics_utils.update_confusion_matrix_variables).
 */
import type { Variable } from '../../layers/variable.js';
import { describeValue } from '../../layers/options.js';
import { formatShape } from '../../tensor/shape.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, asTensor, assignAdd, divideNoNan, elementWeights } from './base.js';

/** Keras's stand-in for minus infinity: predictions outside the top k are set to it. */
const NEG_INF = -1e10;

export interface ConfusionVariables {
  tp?: Variable;
  fp?: Variable;
  tn?: Variable;
  fn?: Variable;
}

export interface ConfusionUpdate {
  thresholds: readonly number[];
  /** Thresholds are i/(n−1) (AUC's): counted by bucketing each prediction once, as Keras does. */
  evenly: boolean;
  sampleWeight?: TensorLike | null;
  topK?: number | null;
  classId?: number | null;
  /** One weight per class (the last axis), multiplied into the sample weights. */
  labelWeights?: ArrayLike<number> | null;
}

/** Whether thresholds are 0, 1/(n−1), ..., 1, to np.allclose's tolerance, as Keras checks. */
export function evenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((t, i) => Math.abs(t - i / (n - 1)) <= 1e-7 + 1e-5 * (i / (n - 1)));
}

/** Keeps each row's k largest entries and sets the rest to NEG_INF (ties go to the lower index). */
function filterTopK(values: ArrayLike<number>, cols: number, k: number): Float32Array {
  const out = new Float32Array(values.length).fill(NEG_INF);
  const order = Array.from({ length: cols }, (_, c) => c);
  for (let r = 0; r < values.length / cols; r++) {
    const at = r * cols;
    const ranked = [...order].sort((a, b) => values[at + b] - values[at + a] || a - b);
    for (const c of ranked.slice(0, k)) out[at + c] = values[at + c];
  }
  return out;
}

/** Adds a batch's true/false positive/negative counts at each threshold to the given variables. */
export function updateConfusion(
  what: string,
  vars: ConfusionVariables,
  yTrueLike: TensorLike,
  yPredLike: TensorLike,
  u: ConfusionUpdate,
): void {
  const yTrue = asTensor(yTrueLike);
  const yPred = asTensor(yPredLike);
  if (yTrue.size !== yPred.size)
    throw new Error(
      `${what}: targets of shape ${formatShape(yTrue.shape)} do not match predictions of shape ${formatShape(yPred.shape)}.`,
    );
  const cols = yPred.rank === 0 ? 1 : yPred.shape[yPred.rank - 1];
  let preds: ArrayLike<number> = yPred.values;
  let labels: ArrayLike<number> = yTrue.values;
  let weights: ArrayLike<number> | null = elementWeights(what, u.sampleWeight, yPred.shape);
  if (u.labelWeights) {
    const lw = u.labelWeights;
    const base = weights;
    weights = Float32Array.from(preds, (_, i) => (base ? base[i] : 1) * lw[i % cols]);
  }
  if (u.topK !== undefined && u.topK !== null) preds = filterTopK(preds, cols, u.topK);
  if (u.classId !== undefined && u.classId !== null) {
    const id = u.classId;
    if (yPred.rank < 2 || id >= cols)
      throw new Error(
        `${what}: classId ${id} needs predictions of shape [batch, classes > ${id}], got ${formatShape(yPred.shape)}.`,
      );
    const column = (a: ArrayLike<number>): Float32Array =>
      Float32Array.from({ length: a.length / cols }, (_, r) => a[r * cols + id]);
    preds = column(preds);
    labels = column(labels);
    if (weights) weights = column(weights);
  }
  const n = u.thresholds.length;
  const tp = new Float64Array(n);
  const fp = new Float64Array(n);
  let positives = 0;
  let negatives = 0;
  if (u.evenly) {
    // Each prediction lands in the bucket of the highest threshold it exceeds; the counts at a
    // threshold are the sums over the buckets from it up (Keras's optimized path, float32 as there).
    const withEpsilon = u.thresholds[0] < 0 || u.thresholds[n - 1] > 1;
    const bucketTp = new Float64Array(n);
    const bucketFp = new Float64Array(n);
    for (let i = 0; i < preds.length; i++) {
      const p = Math.min(Math.max(preds[i], 0), 1);
      let bucket = Math.ceil(Math.fround(p * (n - 1))) - 1;
      if (withEpsilon) bucket = Math.max(bucket, 0);
      const w = weights ? weights[i] : 1;
      const positive = labels[i] !== 0;
      if (positive) positives += w;
      else negatives += w;
      if (bucket < 0) continue;
      (positive ? bucketTp : bucketFp)[bucket] += w;
    }
    let runTp = 0;
    let runFp = 0;
    for (let k = n - 1; k >= 0; k--) {
      runTp += bucketTp[k];
      runFp += bucketFp[k];
      tp[k] = runTp;
      fp[k] = runFp;
    }
  } else {
    const cut = u.thresholds.map((t) => Math.fround(t));
    for (let i = 0; i < preds.length; i++) {
      const w = weights ? weights[i] : 1;
      const positive = labels[i] !== 0;
      if (positive) positives += w;
      else negatives += w;
      for (let k = 0; k < n; k++) if (preds[i] > cut[k]) (positive ? tp : fp)[k] += w;
    }
  }
  if (vars.tp) assignAdd(vars.tp, tp);
  if (vars.fp) assignAdd(vars.fp, fp);
  if (vars.tn)
    assignAdd(
      vars.tn,
      Float64Array.from(fp, (f) => negatives - f),
    );
  if (vars.fn)
    assignAdd(
      vars.fn,
      Float64Array.from(tp, (t) => positives - t),
    );
}

/** Thresholds as Keras's parse_init_thresholds reads them: one number or a list, each in [0, 1]. */
export function parseThresholds(className: string, thresholds: unknown, fallback: number): number[] {
  if (thresholds === undefined || thresholds === null) return [fallback];
  const list = typeof thresholds === 'number' ? [thresholds] : Array.isArray(thresholds) ? [...thresholds] : null;
  if (!list || list.length === 0 || list.some((t) => typeof t !== 'number' || !(t >= 0 && t <= 1)))
    throw new Error(
      `${className}: thresholds must be a number or a list of numbers in [0, 1], got ${describeValue(thresholds)}.`,
    );
  return list as number[];
}

/** An optional whole number ≥ lo (top_k, class_id), null when not given. */
export function optionalInteger(className: string, key: string, v: unknown, lo: number): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo)
    throw new Error(`${className}: ${key} must be a whole number ≥ ${lo} or null, got ${describeValue(v)}.`);
  return v;
}

/** One number for one threshold given as a number; one per threshold for a list. */
export type ThresholdResult<T> = T extends number ? number : number[];

export interface ThresholdArgs<T extends number | readonly number[]> extends MetricArgs {
  /** A prediction above a threshold counts as positive. Default 0.5; a list reports one result per threshold. */
  thresholds?: T | null;
}

/** A count of one cell of the confusion matrix, at each threshold. */
abstract class ConfusionCount<T extends number | readonly number[]> extends Metric {
  readonly thresholds: number[];
  private readonly initThresholds: T | null;
  private readonly accumulator: Variable;
  constructor(args: ThresholdArgs<T>, defaultName: string | undefined) {
    super(args, ['thresholds'], defaultName);
    this.initThresholds = args.thresholds ?? null;
    this.thresholds = parseThresholds(this.className, args.thresholds, 0.5);
    this.accumulator = this.addVariable({ name: 'accumulator', shape: [this.thresholds.length] });
  }
  protected abstract readonly cell: keyof ConfusionVariables;
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updateConfusion(this.className, { [this.cell]: this.accumulator }, yTrue, yPred, {
      thresholds: this.thresholds,
      evenly: evenlyDistributed(this.thresholds),
      sampleWeight,
    });
  }
  result(): ThresholdResult<T> {
    return perThreshold(this.initThresholds, Array.from(this.accumulator.value.values));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds };
  }
}

/** The first value when the thresholds were one number, all of them for a list. */
export function perThreshold<T>(init: T | null, values: number[]): ThresholdResult<T> {
  return (Array.isArray(init) ? values : values[0]) as ThresholdResult<T>;
}

export class TruePositives<T extends number | readonly number[] = number> extends ConfusionCount<T> {
  static override readonly className = 'TruePositives';
  protected readonly cell = 'tp';
  constructor(args: ThresholdArgs<T> = {}) {
    super(args, undefined);
  }
}

export class FalsePositives<T extends number | readonly number[] = number> extends ConfusionCount<T> {
  static override readonly className = 'FalsePositives';
  protected readonly cell = 'fp';
  constructor(args: ThresholdArgs<T> = {}) {
    super(args, undefined);
  }
}

export class TrueNegatives<T extends number | readonly number[] = number> extends ConfusionCount<T> {
  static override readonly className = 'TrueNegatives';
  protected readonly cell = 'tn';
  constructor(args: ThresholdArgs<T> = {}) {
    super(args, undefined);
  }
}

export class FalseNegatives<T extends number | readonly number[] = number> extends ConfusionCount<T> {
  static override readonly className = 'FalseNegatives';
  protected readonly cell = 'fn';
  constructor(args: ThresholdArgs<T> = {}) {
    super(args, undefined);
  }
}

export interface PrecisionRecallArgs<T extends number | readonly number[]> extends ThresholdArgs<T> {
  /** Count only each row's k largest predictions (the default threshold is then −∞). */
  topK?: number | null;
  /** Count only this class (a column of [batch, classes] predictions). */
  classId?: number | null;
}

/** Precision and Recall: true positives over predicted (or actual) positives, at each threshold. */
abstract class PrecisionRecall<T extends number | readonly number[]> extends Metric {
  readonly thresholds: number[];
  readonly topK: number | null;
  readonly classId: number | null;
  private readonly initThresholds: T | null;
  protected readonly truePositives: Variable;
  protected readonly other: Variable;
  constructor(args: PrecisionRecallArgs<T>, otherName: 'false_positives' | 'false_negatives') {
    super(args, ['thresholds', 'topK', 'classId']);
    this.topK = optionalInteger(this.className, 'topK', args.topK, 1);
    this.classId = optionalInteger(this.className, 'classId', args.classId, 0);
    this.initThresholds = args.thresholds ?? null;
    this.thresholds = parseThresholds(this.className, args.thresholds, this.topK === null ? 0.5 : NEG_INF);
    const shape = [this.thresholds.length];
    this.truePositives = this.addVariable({ name: 'true_positives', shape });
    this.other = this.addVariable({ name: otherName, shape });
  }
  protected count(cells: ConfusionVariables, yTrue: TensorLike, yPred: TensorLike, sw?: TensorLike | null): void {
    const { thresholds, topK, classId } = this;
    updateConfusion(this.className, cells, yTrue, yPred, {
      thresholds,
      evenly: evenlyDistributed(thresholds),
      sampleWeight: sw,
      topK,
      classId,
    });
  }
  result(): ThresholdResult<T> {
    const tp = this.truePositives.value.values;
    const other = this.other.value.values;
    return perThreshold(
      this.initThresholds,
      Array.from(tp, (t, i) => divideNoNan(t, Math.fround(t + other[i]))),
    );
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.initThresholds, topK: this.topK, classId: this.classId };
  }
}

export class Precision<T extends number | readonly number[] = number> extends PrecisionRecall<T> {
  static override readonly className = 'Precision';
  constructor(args: PrecisionRecallArgs<T> = {}) {
    super(args, 'false_positives');
  }
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    this.count({ tp: this.truePositives, fp: this.other }, yTrue, yPred, sampleWeight);
  }
}

export class Recall<T extends number | readonly number[] = number> extends PrecisionRecall<T> {
  static override readonly className = 'Recall';
  constructor(args: PrecisionRecallArgs<T> = {}) {
    super(args, 'false_negatives');
  }
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    this.count({ tp: this.truePositives, fn: this.other }, yTrue, yPred, sampleWeight);
  }
}

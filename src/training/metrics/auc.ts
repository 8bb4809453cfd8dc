/**
 * Keras 3's AUC: the area under the ROC or precision-recall curve, from confusion counts kept at
 * `numThresholds` thresholds (200 by default, evenly spaced, with −ε and 1 + ε at the ends) and
 * summed by Keras's Riemann rules; the PR curve with `interpolation` uses Davis & Goadrich's
 * interpolation, as Keras does.
 */
import * as ops from '../../ops/index.js';
import type { Variable } from '../../layers/variable.js';
import { describeValue } from '../../layers/options.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, asTensor, divideNoNan } from './base.js';
import { evenlyDistributed, updateConfusion } from './confusion.js';

const EPSILON = 1e-7;

export type AucCurve = 'ROC' | 'PR' | 'PRGAIN';
export type AucSummation = 'interpolation' | 'majoring' | 'minoring';

export interface AUCArgs extends MetricArgs {
  /** How many thresholds to count at, evenly spaced over [0, 1]. Default 200. */
  numThresholds?: number;
  /** 'ROC' (default), 'PR' (precision-recall) or 'PRGAIN'. Lower case is taken too. */
  curve?: AucCurve | 'roc' | 'pr' | 'prgain';
  /** How each step of the curve is measured. Default 'interpolation'. */
  summationMethod?: AucSummation | 'Interpolation' | 'Majoring' | 'Minoring';
  /** Thresholds in [0, 1] to count at instead of evenly spaced ones. */
  thresholds?: readonly number[] | null;
  /** Only false: one curve over every label. */
  multiLabel?: boolean;
  /** Only null (it goes with multiLabel). */
  numLabels?: number | null;
  /** A weight per label (last axis) for each prediction's count. */
  labelWeights?: readonly number[] | null;
  /** Predictions are logits: a sigmoid is applied first. Default false. */
  fromLogits?: boolean;
}

const AUC_OPTIONS = [
  'numThresholds',
  'curve',
  'summationMethod',
  'thresholds',
  'multiLabel',
  'numLabels',
  'labelWeights',
  'fromLogits',
];

function choice<T extends string>(className: string, key: string, v: unknown, fallback: T, allowed: readonly T[]): T {
  if (v === undefined) return fallback;
  const found = allowed.find((a) => typeof v === 'string' && a.toLowerCase() === v.toLowerCase());
  if (!found) throw new Error(`${className}: ${key} must be one of ${allowed.join(', ')}, got ${describeValue(v)}.`);
  return found;
}

export class AUC extends Metric {
  static override readonly className = 'AUC';
  readonly numThresholds: number;
  readonly curve: AucCurve;
  readonly summationMethod: AucSummation;
  readonly labelWeights: number[] | null;
  readonly fromLogits: boolean;
  /** Every threshold counted at, −ε and 1 + ε included. */
  readonly thresholds: number[];
  private readonly givenThresholds: boolean;
  private readonly evenly: boolean;
  private readonly tp: Variable;
  private readonly fp: Variable;
  private readonly tn: Variable;
  private readonly fn: Variable;

  constructor(args: AUCArgs = {}) {
    super(args, AUC_OPTIONS);
    const name = this.className;
    const inner = this.innerThresholds(args);
    this.givenThresholds = args.thresholds !== undefined && args.thresholds !== null;
    this.numThresholds = inner.length + 2;
    this.evenly = !this.givenThresholds || evenlyDistributed([0, ...inner, 1]);
    this.thresholds = [0 - EPSILON, ...inner, 1 + EPSILON];
    this.curve = choice(name, 'curve', args.curve, 'ROC', ['ROC', 'PR', 'PRGAIN']);
    this.summationMethod = choice(name, 'summationMethod', args.summationMethod, 'interpolation', [
      'interpolation',
      'majoring',
      'minoring',
    ]);
    if (args.multiLabel !== undefined && args.multiLabel !== false)
      throw new Error(
        `${name}: multiLabel is not supported by Dendrite (got ${describeValue(args.multiLabel)}); leave it false.`,
      );
    if (args.numLabels !== undefined && args.numLabels !== null)
      throw new Error(`${name}: numLabels goes with multiLabel, which Dendrite does not support; leave it null.`);
    const lw = args.labelWeights;
    if (lw !== undefined && lw !== null && (!Array.isArray(lw) || lw.some((w) => typeof w !== 'number' || w < 0)))
      throw new Error(`${name}: labelWeights must be a list of numbers ≥ 0, got ${describeValue(lw)}.`);
    this.labelWeights = lw ? [...lw] : null;
    if (args.fromLogits !== undefined && typeof args.fromLogits !== 'boolean')
      throw new TypeError(`${name}: fromLogits must be true or false, got ${describeValue(args.fromLogits)}.`);
    this.fromLogits = args.fromLogits ?? false;
    const shape = [this.numThresholds];
    this.tp = this.addVariable({ name: 'true_positives', shape });
    this.fp = this.addVariable({ name: 'false_positives', shape });
    this.tn = this.addVariable({ name: 'true_negatives', shape });
    this.fn = this.addVariable({ name: 'false_negatives', shape });
  }

  /** The thresholds between the two ends: the given ones sorted, or i/(n−1) for 0 < i < n−1. */
  private innerThresholds(args: AUCArgs): number[] {
    const given = args.thresholds;
    if (given !== undefined && given !== null) {
      if (!Array.isArray(given) || given.some((t) => typeof t !== 'number' || !(t >= 0 && t <= 1)))
        throw new Error(
          `${this.className}: thresholds must be a list of numbers in [0, 1], got ${describeValue(given)}.`,
        );
      return [...given].sort((a, b) => a - b);
    }
    const n = args.numThresholds ?? 200;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 1)
      throw new Error(`${this.className}: numThresholds must be a whole number > 1, got ${describeValue(n)}.`);
    return Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const p = this.fromLogits ? ops.noGrad(() => ops.unary('sigmoid', asTensor(yPred))) : yPred;
    updateConfusion(this.className, { tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn }, yTrue, p, {
      thresholds: this.thresholds,
      evenly: this.evenly,
      sampleWeight,
      labelWeights: this.labelWeights,
    });
  }

  result(): number {
    const tp = this.tp.value.values;
    const fp = this.fp.value.values;
    const tn = this.tn.value.values;
    const fn = this.fn.value.values;
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return interpolatedPrAuc(tp, fp, fn);
    const n = this.numThresholds;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const recall = divideNoNan(tp[i], tp[i] + fn[i]);
      if (this.curve === 'ROC') {
        x[i] = divideNoNan(fp[i], fp[i] + tn[i]);
        y[i] = recall;
      } else if (this.curve === 'PR') {
        x[i] = recall;
        y[i] = divideNoNan(tp[i], tp[i] + fp[i]);
      } else {
        // Precision-recall gain (Flach & Kull): gains relative to the positives' share.
        const scale = divideNoNan(tp[i] + fn[i], tn[i] + fp[i]);
        x[i] = tp[i] === 0 ? 0 : Math.max(1 - scale * divideNoNan(fn[i], tp[i]), 0);
        y[i] = tp[i] === 0 ? 1 : 1 - scale * divideNoNan(fp[i], tp[i]);
      }
    }
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const height =
        this.summationMethod === 'interpolation'
          ? (y[i] + y[i + 1]) / 2
          : this.summationMethod === 'minoring'
            ? Math.min(y[i], y[i + 1])
            : Math.max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * height;
    }
    return area;
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      numThresholds: this.numThresholds,
      curve: this.curve,
      summationMethod: this.summationMethod,
      multiLabel: false,
      numLabels: null,
      labelWeights: this.labelWeights,
      fromLogits: this.fromLogits,
    };
    if (this.givenThresholds) config.thresholds = this.thresholds.slice(1, -1);
    return config;
  }
}

/**
 * The PR curve's area with precision interpolated between thresholds as Davis & Goadrich
 * describe: precision varies with the count of predicted positives along each step, not linearly.
 */
function interpolatedPrAuc(tp: ArrayLike<number>, fp: ArrayLike<number>, fn: ArrayLike<number>): number {
  let area = 0;
  for (let i = 0; i < tp.length - 1; i++) {
    const dtp = tp[i] - tp[i + 1];
    const p0 = tp[i] + fp[i];
    const p1 = tp[i + 1] + fp[i + 1];
    const slope = divideNoNan(dtp, Math.max(p0 - p1, 0));
    const intercept = tp[i + 1] - slope * p1;
    const ratio = p0 > 0 && p1 > 0 ? divideNoNan(p0, Math.max(p1, 0)) : 1;
    area += divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
  }
  return area;
}

/**
 * Keras 3's metrics at an operating point: the best of one rate among the thresholds where
 * another rate reaches a floor (SensitivityAtSpecificity, SpecificityAtSensitivity,
 * PrecisionAtRecall, RecallAtPrecision), from counts kept at `numThresholds` thresholds.
 */
import type { Variable } from '../../layers/variable.js';
import { describeValue } from '../../layers/options.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, divideNoNan } from './base.js';
import { optionalInteger, updateConfusion } from './confusion.js';

export interface OperatingPointArgs extends MetricArgs {
  /** How many thresholds to count at, evenly spaced over [0, 1]. Default 200. */
  numThresholds?: number;
  /** Count only this class (a column of [batch, classes] predictions). */
  classId?: number | null;
}

interface Rates {
  sensitivity: number;
  specificity: number;
  precision: number;
}
type RateName = keyof Rates;

abstract class OperatingPoint extends Metric {
  readonly numThresholds: number;
  readonly classId: number | null;
  /** The least value of the constrained rate. */
  private readonly floor: number;
  private readonly thresholds: number[];
  private readonly tp: Variable;
  private readonly fp: Variable;
  private readonly tn: Variable;
  private readonly fn: Variable;

  constructor(
    args: OperatingPointArgs,
    valueKey: string,
    value: unknown,
    /** The rate that must reach `value`, and the rate reported at the best such threshold. */
    private readonly constrained: RateName,
    private readonly reported: RateName,
  ) {
    super(args, ['numThresholds', 'classId']);
    const name = this.className;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      throw new Error(`${name}: ${valueKey} must be a number in [0, 1], got ${describeValue(value)}.`);
    const n = args.numThresholds ?? 200;
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0)
      throw new Error(`${name}: numThresholds must be a whole number > 0, got ${describeValue(n)}.`);
    this.numThresholds = n;
    this.floor = value;
    this.classId = optionalInteger(name, 'classId', args.classId, 0);
    // Keras's thresholds here are exactly 0 and 1 at the ends, without the ε that AUC adds.
    this.thresholds = n === 1 ? [0.5] : [0, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1];
    const shape = [this.thresholds.length];
    this.tp = this.addVariable({ name: 'true_positives', shape });
    this.fp = this.addVariable({ name: 'false_positives', shape });
    this.tn = this.addVariable({ name: 'true_negatives', shape });
    this.fn = this.addVariable({ name: 'false_negatives', shape });
  }

  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    updateConfusion(this.className, { tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn }, yTrue, yPred, {
      thresholds: this.thresholds,
      evenly: this.numThresholds > 1,
      sampleWeight,
      classId: this.classId,
    });
  }

  result(): number {
    const [tp, fp, tn, fn] = [this.tp, this.fp, this.tn, this.fn].map((v) => v.value.values);
    let best = 0;
    for (let i = 0; i < this.thresholds.length; i++) {
      const rates: Rates = {
        sensitivity: divideNoNan(tp[i], tp[i] + fn[i]),
        specificity: divideNoNan(tn[i], tn[i] + fp[i]),
        precision: divideNoNan(tp[i], tp[i] + fp[i]),
      };
      if (rates[this.constrained] >= this.floor) best = Math.max(best, rates[this.reported]);
    }
    return best;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), classId: this.classId, numThresholds: this.numThresholds };
  }
}

/** The best sensitivity (recall) among the thresholds where specificity ≥ `specificity`. */
export class SensitivityAtSpecificity extends OperatingPoint {
  static override readonly className = 'SensitivityAtSpecificity';
  readonly specificity: number;
  constructor(specificity: number, args: OperatingPointArgs = {}) {
    super(args, 'specificity', specificity, 'specificity', 'sensitivity');
    this.specificity = specificity;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), specificity: this.specificity };
  }
}

/** The best specificity among the thresholds where sensitivity ≥ `sensitivity`. */
export class SpecificityAtSensitivity extends OperatingPoint {
  static override readonly className = 'SpecificityAtSensitivity';
  readonly sensitivity: number;
  constructor(sensitivity: number, args: OperatingPointArgs = {}) {
    super(args, 'sensitivity', sensitivity, 'sensitivity', 'specificity');
    this.sensitivity = sensitivity;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), sensitivity: this.sensitivity };
  }
}

/** The best precision among the thresholds where recall ≥ `recall`. */
export class PrecisionAtRecall extends OperatingPoint {
  static override readonly className = 'PrecisionAtRecall';
  readonly recall: number;
  constructor(recall: number, args: OperatingPointArgs = {}) {
    super(args, 'recall', recall, 'sensitivity', 'precision');
    this.recall = recall;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recall: this.recall };
  }
}

/** The best recall among the thresholds where precision ≥ `precision`. */
export class RecallAtPrecision extends OperatingPoint {
  static override readonly className = 'RecallAtPrecision';
  readonly precision: number;
  constructor(precision: number, args: OperatingPointArgs = {}) {
    super(args, 'precision', precision, 'precision', 'sensitivity');
    this.precision = precision;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), precision: this.precision };
  }
}

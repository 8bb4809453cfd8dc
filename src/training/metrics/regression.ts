/**
 * Keras 3's regression metrics: the errors averaged over an epoch (MSE, MAE, MAPE, MSLE, RMSE,
 * log-cosh, cosine similarity) and R2Score, the coefficient of determination from running sums.
 */
import * as ops from '../../ops/index.js';
import type { Variable } from '../../layers/variable.js';
import { describeValue } from '../../layers/options.js';
import { formatShape } from '../../tensor/shape.js';
import type { TensorLike } from '../../tensor/tensor.js';
import {
  alignTargets,
  l2Normalize,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from '../losses.js';
import { Metric, type MetricArgs, asTensor, elementWeights } from './base.js';
import { MeanMetricWrapper } from './reduction.js';

export class MeanSquaredError extends MeanMetricWrapper {
  static override readonly className = 'MeanSquaredError';
  constructor(args: MetricArgs = {}) {
    super(meanSquaredError, args, [], 'mean_squared_error');
  }
}

export class MeanAbsoluteError extends MeanMetricWrapper {
  static override readonly className = 'MeanAbsoluteError';
  constructor(args: MetricArgs = {}) {
    super(meanAbsoluteError, args, [], 'mean_absolute_error');
  }
}

export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  static override readonly className = 'MeanAbsolutePercentageError';
  constructor(args: MetricArgs = {}) {
    super(meanAbsolutePercentageError, args, [], 'mean_absolute_percentage_error');
  }
}

export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  static override readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: MetricArgs = {}) {
    super(meanSquaredLogarithmicError, args, [], 'mean_squared_logarithmic_error');
  }
}

/** √ of the mean squared error over every value seen (not the mean of per-batch roots). */
export class RootMeanSquaredError extends MeanMetricWrapper {
  static override readonly className = 'RootMeanSquaredError';
  constructor(args: MetricArgs = {}) {
    super(
      (a, b) => ops.square(ops.sub(b, alignTargets('root_mean_squared_error', a, b))),
      args,
      [],
      'root_mean_squared_error',
    );
  }
  override result(): number {
    return Math.sqrt(super.result());
  }
}

/** The cosine of the angle between targets and predictions (1 when they point the same way). */
export class CosineSimilarity extends MeanMetricWrapper {
  static override readonly className = 'CosineSimilarity';
  constructor(args: MetricArgs & { axis?: number } = {}) {
    super(
      (a, b) => ops.sum(ops.mul(l2Normalize(alignTargets('cosine_similarity', a, b)), l2Normalize(b)), -1),
      args,
      ['axis'],
      'cosine_similarity',
    );
    if (args.axis !== undefined && args.axis !== -1)
      throw new Error(
        `CosineSimilarity: Dendrite takes the last axis (axis -1) only, got ${describeValue(args.axis)}.`,
      );
  }
}

export class LogCoshError extends MeanMetricWrapper {
  static override readonly className = 'LogCoshError';
  constructor(args: MetricArgs = {}) {
    super(logCosh, args, [], 'logcosh');
  }
}

export type R2Aggregation = 'uniform_average' | 'variance_weighted_average' | null;

export interface R2ScoreArgs extends MetricArgs {
  /** How the outputs' scores combine: their mean (default), weighted by variance, or null for one per output. */
  classAggregation?: R2Aggregation;
  /** Regressors of the model, for the adjusted R² (default 0: the plain R²). */
  numRegressors?: number;
}

/** One score per output for `classAggregation: null`, else one number. */
export type R2Result<A> = A extends null ? number[] : number;

interface R2Sums {
  squaredSum: Variable;
  sum: Variable;
  residual: Variable;
  count: Variable;
}

/** The coefficient of determination, 1 − SS_res / SS_tot, per output of [batch, outputs] data. */
export class R2Score<A extends R2Aggregation | undefined = undefined> extends Metric {
  static override readonly className = 'R2Score';
  readonly classAggregation: R2Aggregation;
  readonly numRegressors: number;
  private readonly numSamples = this.addVariable({ name: 'num_samples' });
  private sums: R2Sums | null = null;

  constructor(args: R2ScoreArgs & { classAggregation?: A } = {}) {
    super(args, ['classAggregation', 'numRegressors'], 'r2_score');
    const { classAggregation = 'uniform_average', numRegressors = 0 } = args;
    if (
      classAggregation !== null &&
      classAggregation !== 'uniform_average' &&
      classAggregation !== 'variance_weighted_average'
    )
      throw new Error(
        `R2Score: classAggregation must be 'uniform_average', 'variance_weighted_average' or null, got ${describeValue(classAggregation)}.`,
      );
    if (typeof numRegressors !== 'number' || !Number.isInteger(numRegressors) || numRegressors < 0)
      throw new Error(`R2Score: numRegressors must be a whole number ≥ 0, got ${describeValue(numRegressors)}.`);
    this.classAggregation = classAggregation;
    this.numRegressors = numRegressors;
  }

  updateState(yTrueLike: TensorLike, yPredLike: TensorLike, sampleWeight?: TensorLike | null): void {
    const yPred = asTensor(yPredLike);
    const yTrue = alignTargets('R2Score', asTensor(yTrueLike), yPred);
    if (yPred.rank !== 2)
      throw new Error(`R2Score expects data of shape [batch, outputs], got ${formatShape(yPred.shape)}.`);
    const [rows, outputs] = yPred.shape;
    this.sums ??= {
      squaredSum: this.addVariable({ name: 'squared_sum', shape: [outputs] }),
      sum: this.addVariable({ name: 'sum', shape: [outputs] }),
      residual: this.addVariable({ name: 'residual', shape: [outputs] }),
      count: this.addVariable({ name: 'count', shape: [outputs] }),
    };
    if (this.sums.sum.shape[0] !== outputs)
      throw new Error(`R2Score was built for ${this.sums.sum.shape[0]} outputs, got data with ${outputs}.`);
    const w = elementWeights('R2Score', sampleWeight, yPred.shape);
    const t = yTrue.values;
    const p = yPred.values;
    const delta = {
      squaredSum: new Float64Array(outputs),
      sum: new Float64Array(outputs),
      residual: new Float64Array(outputs),
      count: new Float64Array(outputs),
    };
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < outputs; c++) {
        const i = r * outputs + c;
        const wi = w ? w[i] : 1;
        delta.sum[c] += t[i] * wi;
        delta.squaredSum[c] += t[i] * t[i] * wi;
        delta.residual[c] += (t[i] - p[i]) ** 2 * wi;
        delta.count[c] += wi;
      }
    }
    for (const key of ['squaredSum', 'sum', 'residual', 'count'] as const) {
      const v = this.sums[key].value.values as Float32Array;
      for (let c = 0; c < outputs; c++) v[c] += delta[key][c];
    }
    // Keras 3.15.1 counts values here, not samples; the adjusted R² uses this count as n.
    (this.numSamples.value.values as Float32Array)[0] += yTrue.size;
  }

  result(): R2Result<A> {
    const f = Math.fround;
    const s = this.sums;
    if (!s) return (this.classAggregation === null ? [] : 0) as R2Result<A>;
    const [sq, sum, residual, count] = [s.squaredSum, s.sum, s.residual, s.count].map((v) => v.value.values);
    // In float32 step by step, as Keras computes it: SS_tot is a difference of large sums.
    const total = Array.from(sum, (x, c) => f(sq[c] - f(x * f(x / count[c]))));
    const raw = total.map((tot, c) => {
      const r = f(1 - f(residual[c] / tot));
      return Number.isFinite(r) || Number.isNaN(r) ? r : 0;
    });
    if (this.classAggregation === null) return raw as R2Result<A>;
    let score: number;
    if (this.classAggregation === 'uniform_average') score = raw.reduce((a, r) => a + r, 0) / raw.length;
    else score = raw.reduce((a, r, c) => a + total[c] * r, 0) / total.reduce((a, t) => a + t, 0);
    const n = this.numSamples.value.values[0];
    const k = this.numRegressors;
    // The adjusted R² needs more samples than regressors; Keras falls back to the plain one otherwise.
    if (k !== 0 && k < n - 1) score = 1 - ((1 - score) * (n - 1)) / (n - k - 1);
    return score as R2Result<A>;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), classAggregation: this.classAggregation, numRegressors: this.numRegressors };
  }
}

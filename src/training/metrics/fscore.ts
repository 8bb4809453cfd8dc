/**
 * Keras 3's FBetaScore and F1Score: precision and recall per class from thresholded
 * predictions (each row's top class when no threshold is given), combined as F-β and averaged
 * over classes as asked.
 */
import type { Variable } from '../../layers/variable.js';
import { describeValue } from '../../layers/options.js';
import { formatShape } from '../../tensor/shape.js';
import type { TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, asTensor, elementWeights } from './base.js';

const EPSILON = 1e-7;

/** null: one score per class; 'micro': over all cells at once; 'macro': the classes' mean; 'weighted': weighted by each class's support. */
export type FScoreAverage = 'micro' | 'macro' | 'weighted' | null;

export interface F1ScoreArgs extends MetricArgs {
  /** How per-class scores combine. Default null: one per class. */
  average?: FScoreAverage;
  /** Predictions above it are positive; default null: each row's largest prediction is. */
  threshold?: number | null;
}

export interface FBetaScoreArgs extends F1ScoreArgs {
  /** How much more recall weighs than precision. Default 1. */
  beta?: number;
}

interface Counts {
  tp: Variable;
  fp: Variable;
  fn: Variable;
  /** Each class's weighted count of true labels, for the 'weighted' average. */
  support: Variable;
}

/** One score per class for `average: null`, else one number. */
export type FScoreResult<A> = A extends null | undefined ? number[] : number;

export class FBetaScore<A extends FScoreAverage | undefined = undefined> extends Metric {
  static override readonly className: string = 'FBetaScore';
  readonly average: FScoreAverage;
  readonly beta: number;
  readonly threshold: number | null;
  private counts: Counts | null = null;

  constructor(
    args: FBetaScoreArgs & { average?: A } = {},
    allowed = ['average', 'beta', 'threshold'],
    defaultName = 'fbeta_score',
  ) {
    super(args, allowed, defaultName);
    const name = this.className;
    const { average = null, beta = 1, threshold = null } = args;
    if (average !== null && average !== 'micro' && average !== 'macro' && average !== 'weighted')
      throw new Error(`${name}: average must be null, 'micro', 'macro' or 'weighted', got ${describeValue(average)}.`);
    if (typeof beta !== 'number' || !(beta > 0))
      throw new Error(`${name}: beta must be a number > 0, got ${describeValue(beta)}.`);
    if (threshold !== null && (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1)))
      throw new Error(`${name}: threshold must be null or a number in (0, 1], got ${describeValue(threshold)}.`);
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
  }

  /** The counts, per class unless averaged 'micro'; made on the first batch, when the classes are known. */
  private build(classes: number): Counts {
    const shape = this.average === 'micro' ? [] : [classes];
    this.counts ??= {
      tp: this.addVariable({ name: 'true_positives', shape }),
      fp: this.addVariable({ name: 'false_positives', shape }),
      fn: this.addVariable({ name: 'false_negatives', shape }),
      support: this.addVariable({ name: 'intermediate_weights', shape }),
    };
    return this.counts;
  }

  updateState(yTrueLike: TensorLike, yPredLike: TensorLike, sampleWeight?: TensorLike | null): void {
    const yTrue = asTensor(yTrueLike);
    const yPred = asTensor(yPredLike);
    if (yPred.rank !== 2 || yTrue.rank !== 2 || yTrue.shape.join() !== yPred.shape.join())
      throw new Error(
        `${this.className} expects targets and predictions of shape [batch, classes], got ` +
          `${formatShape(yTrue.shape)} and ${formatShape(yPred.shape)}.`,
      );
    const [rows, classes] = yPred.shape;
    const counts = this.build(classes);
    if (this.average !== 'micro' && counts.tp.shape[0] !== classes)
      throw new Error(
        `${this.className} was built for ${counts.tp.shape[0]} classes, got predictions with ${classes}.`,
      );
    const w = elementWeights(this.className, sampleWeight, yPred.shape);
    const p = yPred.values;
    const t = yTrue.values;
    const size = this.average === 'micro' ? 1 : classes;
    const [tp, fp, fn, support] = [0, 1, 2, 3].map(() => new Float64Array(size));
    for (let r = 0; r < rows; r++) {
      let top = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) top = Math.max(top, p[r * classes + c]);
      for (let c = 0; c < classes; c++) {
        const i = r * classes + c;
        // Without a threshold every entry equal to the row's largest (and not zero) is predicted.
        const predicted = this.threshold === null ? p[i] >= top && Math.abs(p[i]) > 1e-9 : p[i] > this.threshold;
        const pred = predicted ? 1 : 0;
        const wi = w ? w[i] : 1;
        const k = size === 1 ? 0 : c;
        tp[k] += pred * t[i] * wi;
        fp[k] += pred * (1 - t[i]) * wi;
        fn[k] += (1 - pred) * t[i] * wi;
        support[k] += t[i] * wi;
      }
    }
    const add = (v: Variable, delta: Float64Array): void => {
      const values = v.value.values as Float32Array;
      for (let i = 0; i < values.length; i++) values[i] += delta[i];
    };
    add(counts.tp, tp);
    add(counts.fp, fp);
    add(counts.fn, fn);
    add(counts.support, support);
  }

  result(): FScoreResult<A> {
    if (!this.counts) return (this.average === null ? [] : 0) as FScoreResult<A>;
    const [tp, fp, fn, support] = [this.counts.tp, this.counts.fp, this.counts.fn, this.counts.support].map(
      (v) => v.value.values,
    );
    const b2 = this.beta * this.beta;
    const scores = Array.from(tp, (t, i) => {
      const precision = t / (t + fp[i] + EPSILON);
      const recall = t / (t + fn[i] + EPSILON);
      return ((precision * recall) / (b2 * precision + recall + EPSILON)) * (1 + b2);
    });
    if (this.average === null) return scores as FScoreResult<A>;
    if (this.average === 'weighted') {
      let total = 0;
      for (const s of support) total += s;
      return scores.reduce((acc, s, i) => acc + (s * support[i]) / (total + EPSILON), 0) as FScoreResult<A>;
    }
    return (scores.reduce((a, s) => a + s, 0) / scores.length) as FScoreResult<A>;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), average: this.average, beta: this.beta, threshold: this.threshold };
  }
}

/** FBetaScore with β = 1: the harmonic mean of precision and recall. */
export class F1Score<A extends FScoreAverage | undefined = undefined> extends FBetaScore<A> {
  static override readonly className: string = 'F1Score';
  constructor(args: F1ScoreArgs & { average?: A } = {}) {
    super(args, ['average', 'threshold'], 'f1_score');
  }
  override getConfig(): Record<string, unknown> {
    const { beta: _beta, ...config } = super.getConfig();
    return config;
  }
}

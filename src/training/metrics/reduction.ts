/**
 * Keras 3's reduction metrics: `Mean` and `Sum` of values given directly, and
 * `MeanMetricWrapper`, the weighted mean over samples of a per-sample function, which most of
 * Keras's metrics are (accuracies, errors, crossentropies).
 */
import * as ops from '../../ops/index.js';
import type { Variable } from '../../layers/variable.js';
import type { Tensor, TensorLike } from '../../tensor/tensor.js';
import { Metric, type MetricArgs, asTensor, divideNoNan, weightValues } from './base.js';

/** A per-sample metric function: one value per sample (or per sample and position). */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * Keras's reduce_to_samplewise_values: values of shape [batch, ...] become one value per sample
 * (their `reduce` over the trailing axes, weights applied first when given per value), with the
 * weight each sample carries; a scalar counts as one sample.
 */
function samplewise(
  name: string,
  values: Tensor,
  sampleWeight: TensorLike | null | undefined,
  reduce: 'mean' | 'sum',
): { perSample: Float64Array; weights: Float64Array | null } {
  const v = values.values;
  const rows = values.rank === 0 ? 1 : values.shape[0];
  const per = rows === 0 ? 0 : v.length / rows;
  const w = weightValues(sampleWeight);
  if (w && w.length !== rows && w.length !== v.length)
    throw new Error(
      `${name}: ${w.length} sample weights for ${rows} samples: give one weight per sample, or one per value.`,
    );
  const perValue = w !== null && w.length === v.length && per !== 1;
  const perSample = new Float64Array(rows);
  const weights = w ? new Float64Array(rows) : null;
  const scale = reduce === 'mean' && per > 0 ? 1 / per : 1;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    let ws = 0;
    for (let k = 0; k < per; k++) {
      const i = r * per + k;
      const wi = perValue ? w[i] : 1;
      s += v[i] * wi;
      ws += wi;
    }
    const rowWeight = w ? (perValue ? ws * scale : w[r]) : 1;
    perSample[r] = perValue ? s * scale : s * scale * rowWeight;
    if (weights) weights[r] = rowWeight;
  }
  return { perSample, weights };
}

function sumOf(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** Adds a batch to a running total and count, as Keras's `Mean.update_state`. */
function addToMean(
  name: string,
  total: Variable,
  count: Variable,
  values: Tensor,
  sampleWeight: TensorLike | null | undefined,
): void {
  const { perSample, weights } = samplewise(name, values, sampleWeight, 'mean');
  (total.value.values as Float32Array)[0] += sumOf(perSample);
  (count.value.values as Float32Array)[0] += weights ? sumOf(weights) : perSample.length;
}

/** The (weighted) mean of the values given: `updateState([1, 3, 5, 7])` then `result()` is 4. */
export class Mean extends Metric {
  static override readonly className: string = 'Mean';
  private readonly total = this.addVariable({ name: 'total' });
  private readonly count = this.addVariable({ name: 'count' });
  constructor(args: MetricArgs = {}) {
    super(args, [], 'mean');
  }
  /** Values of shape [batch, ...] (averaged per sample) and optional weights per sample or per value. */
  override updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    addToMean(this.className, this.total, this.count, asTensor(values), sampleWeight);
  }
  result(): number {
    return divideNoNan(this.total.value.values[0], this.count.value.values[0]);
  }
}

/** The (weighted) sum of the values given. */
export class Sum extends Metric {
  static override readonly className: string = 'Sum';
  private readonly total = this.addVariable({ name: 'total' });
  constructor(args: MetricArgs = {}) {
    super(args, [], 'sum');
  }
  override updateState(values: TensorLike, sampleWeight?: TensorLike | null): void {
    const { perSample } = samplewise(this.className, asTensor(values), sampleWeight, 'sum');
    (this.total.value.values as Float32Array)[0] += sumOf(perSample);
  }
  result(): number {
    return this.total.value.values[0];
  }
}

/**
 * The weighted mean over samples of a per-sample function `fn(yTrue, yPred)`, as Keras's
 * `MeanMetricWrapper(fn)`. Without a name it is named after the class (`mean_metric_wrapper`).
 */
export class MeanMetricWrapper extends Metric {
  static override readonly className: string = 'MeanMetricWrapper';
  private readonly total = this.addVariable({ name: 'total' });
  private readonly count = this.addVariable({ name: 'count' });
  constructor(
    private readonly fn: MetricFn,
    args: MetricArgs = {},
    allowed: readonly string[] = [],
    defaultName?: string,
  ) {
    super(args, allowed, defaultName);
    if (typeof fn !== 'function')
      throw new TypeError(`${this.className}: expects a function (yTrue, yPred) => Tensor, got ${typeof fn}.`);
  }
  updateState(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): void {
    const values = ops.noGrad(() => this.fn(asTensor(yTrue), asTensor(yPred)));
    addToMean(this.className, this.total, this.count, values, sampleWeight);
  }
  result(): number {
    return divideNoNan(this.total.value.values[0], this.count.value.values[0]);
  }
}

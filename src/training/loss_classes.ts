/**
 * Keras 3's `Loss` base class, its reductions, and the regression losses as classes
 * (`keras.losses.MeanSquaredError()` and the rest). A loss object holds its options and Keras's
 * config, so a model compiled with one is saved with its compile settings and reloads compiled,
 * here or in Keras. Subclass `Loss` and implement `call` for a loss of your own.
 */
import * as ops from '../ops/index.js';
import { type Tensor, type TensorLike, tensor } from '../tensor/tensor.js';
import { checkOptions, describeValue, toSnakeCase } from '../layers/options.js';
import {
  type CosineSimilarityOptions,
  type HuberOptions,
  POSITIVE,
  cosineSimilarity,
  huber,
  lastAxis,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
  numberOption,
} from './losses.js';

/**
 * How a loss reduces its values to what `apply` returns, as Keras's reductions:
 * `sum_over_batch_size` (and its alias `mean`) divides the weighted sum by the number of values,
 * `sum` adds up, `mean_with_sample_weight` divides by the sum of the sample weights, `none` keeps
 * every value. Compile trains on one number per output, so it takes every reduction but `none`.
 */
export type Reduction = 'sum_over_batch_size' | 'mean' | 'sum' | 'mean_with_sample_weight' | 'none';
const REDUCTIONS: readonly (string | null)[] = [
  'sum_over_batch_size',
  'mean',
  'sum',
  'mean_with_sample_weight',
  'none',
];

export interface LossArgs {
  /** Default 'sum_over_batch_size'. Keras's `None` is written `'none'` (null is taken too). */
  reduction?: Reduction | null;
  /** Default: Keras's name for the loss (`mean_squared_error`, `huber_loss`, ...). */
  name?: string;
}

/**
 * Weights per-sample loss values by `sampleWeight` (one per sample, broadcast over the other
 * axes; a single value for the batch is spread over its samples) and reduces them as Keras's
 * `reduce_weighted_values` does.
 */
export function reduceLoss(values: Tensor, sampleWeight: Tensor | null, reduction: Reduction | null): Tensor {
  let v = values;
  if (sampleWeight) {
    const sw = sampleWeight.dtype === 'float32' ? sampleWeight : sampleWeight.cast('float32');
    if (v.rank === 0) v = ops.mul(sw.reshape([sw.size]), v);
    else {
      if (sw.size !== v.shape[0])
        throw new Error(
          `The loss has ${v.shape[0]} samples but ${sw.size} sample weights were given: give one weight per sample.`,
        );
      v = ops.mul(v, sw.reshape([v.shape[0], ...v.shape.slice(1).map(() => 1)]));
    }
  }
  if (reduction === 'none' || reduction === null || v.rank === 0) return v;
  const total = ops.sum(v);
  if (reduction === 'sum') return total;
  let divisor = v.size;
  if (reduction === 'mean_with_sample_weight' && sampleWeight) {
    divisor = 0;
    for (const w of sampleWeight.values) divisor += w;
  }
  // Keras's divide_no_nan: an empty batch, or weights that sum to zero, give 0.
  return divisor === 0 ? ops.scale(total, 0) : ops.div(total, divisor);
}

/** The base of the loss classes: per-sample values from `call`, with a name and a reduction. */
export abstract class Loss {
  /** Keras's class name, which saved files record; a subclass declares its own. */
  static readonly className: string = 'Loss';
  readonly name: string;
  readonly reduction: Reduction | null;

  /**
   * A subclass passes its options on. Dendrite's own classes also pass the option names they
   * take, so that a misspelt option is an error, and Keras's default name for the loss.
   */
  constructor(args: LossArgs = {}, allowed?: readonly string[], defaultName?: string) {
    const className = this.className;
    if (allowed) checkOptions(className, args, ['reduction', 'name', ...allowed]);
    else checkOptions(className, args, Object.keys(args ?? {}));
    const { reduction = 'sum_over_batch_size', name = defaultName ?? toSnakeCase(className) } = args ?? {};
    if (!REDUCTIONS.includes(reduction))
      throw new Error(
        `${className}: reduction must be one of ${REDUCTIONS.join(', ')}, got ${describeValue(reduction)}.`,
      );
    if (typeof name !== 'string')
      throw new TypeError(`${className}: name must be a string, got ${describeValue(name)}.`);
    this.name = name;
    this.reduction = reduction;
  }

  /** The loss of each sample (shape [batch] or [batch, ...]), before weighting and reduction. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /** The loss as Keras's `loss(y_true, y_pred, sample_weight)`: weighted, then reduced. */
  apply(yTrue: TensorLike, yPred: TensorLike, sampleWeight?: TensorLike | null): Tensor {
    const p = tensor(yPred);
    const values = this.call(tensor(yTrue), p.dtype === 'float32' ? p : p.cast('float32'));
    return reduceLoss(
      values,
      sampleWeight === undefined || sampleWeight === null ? null : tensor(sampleWeight),
      this.reduction,
    );
  }

  /** The constructor's options, camelCase, in the order of Keras's `get_config`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  get className(): string {
    const ctor = this.constructor as typeof Loss;
    return Object.hasOwn(ctor, 'className') ? ctor.className : ctor.name;
  }
}

export class MeanSquaredError extends Loss {
  static override readonly className = 'MeanSquaredError';
  constructor(args: LossArgs = {}) {
    super(args, [], 'mean_squared_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredError(yTrue, yPred);
  }
}

export class MeanAbsoluteError extends Loss {
  static override readonly className = 'MeanAbsoluteError';
  constructor(args: LossArgs = {}) {
    super(args, [], 'mean_absolute_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsoluteError(yTrue, yPred);
  }
}

export class MeanAbsolutePercentageError extends Loss {
  static override readonly className = 'MeanAbsolutePercentageError';
  constructor(args: LossArgs = {}) {
    super(args, [], 'mean_absolute_percentage_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanAbsolutePercentageError(yTrue, yPred);
  }
}

export class MeanSquaredLogarithmicError extends Loss {
  static override readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: LossArgs = {}) {
    super(args, [], 'mean_squared_logarithmic_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return meanSquaredLogarithmicError(yTrue, yPred);
  }
}

export interface HuberArgs extends LossArgs, HuberOptions {}

export class Huber extends Loss {
  static override readonly className = 'Huber';
  readonly delta: number;
  constructor(args: HuberArgs = {}) {
    super(args, ['delta'], 'huber_loss');
    this.delta = numberOption('Huber', 'delta', args.delta, 1, POSITIVE, 'a positive number');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, { delta: this.delta });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

export class LogCosh extends Loss {
  static override readonly className = 'LogCosh';
  constructor(args: LossArgs = {}) {
    super(args, [], 'log_cosh');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return logCosh(yTrue, yPred);
  }
}

export interface CosineSimilarityArgs extends LossArgs, CosineSimilarityOptions {}

export class CosineSimilarity extends Loss {
  static override readonly className = 'CosineSimilarity';
  readonly axis: -1;
  constructor(args: CosineSimilarityArgs = {}) {
    super(args, ['axis'], 'cosine_similarity');
    this.axis = lastAxis('CosineSimilarity', args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return cosineSimilarity(yTrue, yPred);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

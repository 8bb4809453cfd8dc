/**
 * Keras 3's loss classes (`keras.losses.SparseCategoricalCrossentropy(from_logits=True)` and the
 * rest) for the losses Dendrite has: each holds its options and Keras's config, so a model
 * compiled with one is saved with its compile settings and reloads compiled, here or in Keras.
 */
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, describeValue } from '../layers/options.js';
import {
  type LossFn,
  type LossId,
  binaryCrossentropy,
  categoricalCrossentropy,
  cosineSimilarity,
  getLoss,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';

/**
 * How a loss reduces its per-sample values to one number. `sum_over_batch_size` and `mean` average
 * (weighted by sample weights), `sum` adds up. Keras's `none` and `mean_with_sample_weight` are not
 * offered: compile trains on one number, averaged over the batch's samples.
 */
export type Reduction = 'sum_over_batch_size' | 'mean' | 'sum';
const REDUCTIONS: readonly string[] = ['sum_over_batch_size', 'mean', 'sum'];

export interface LossArgs {
  /** Default 'sum_over_batch_size'. */
  reduction?: Reduction;
  /** Default: Keras's name for the loss (`mean_squared_error`, `huber_loss`, ...). */
  name?: string;
}

/** The base of the loss classes: a per-sample loss with a name and a reduction, and Keras's config. */
export abstract class Loss {
  static readonly className: string = 'Loss';
  readonly name: string;
  readonly reduction: Reduction;

  constructor(args: LossArgs | undefined, allowed: readonly string[], defaultName: string) {
    const className = this.className;
    checkOptions(className, args, ['reduction', 'name', ...allowed]);
    const { reduction = 'sum_over_batch_size', name = defaultName } = args ?? {};
    if (!REDUCTIONS.includes(reduction))
      throw new Error(
        `${className}: reduction must be one of ${REDUCTIONS.join(', ')}, got ${describeValue(reduction)}. Dendrite trains on the batch's mean or sum.`,
      );
    if (typeof name !== 'string')
      throw new TypeError(`${className}: name must be a string, got ${describeValue(name)}.`);
    this.name = name;
    this.reduction = reduction;
  }

  /** The loss of each sample (shape [batch] or [batch, ...]), before any reduction. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * The loss as compile runs it: per-sample values that the trainer weights and averages. For a
   * `sum`, each value is scaled by their count, so that the average is the sum.
   */
  asLossFn(): LossFn {
    if (this.reduction !== 'sum') return (yTrue, yPred) => this.call(yTrue, yPred);
    return (yTrue, yPred) => {
      const values = this.call(yTrue, yPred);
      return ops.scale(values, values.size);
    };
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

/** Dendrite's losses reduce over the last axis only, as Keras does by default. */
function lastAxis(className: string, axis: unknown): -1 {
  if (axis !== undefined && axis !== -1)
    throw new Error(
      `${className}: Dendrite computes this loss over the last axis (axis -1) only, got axis ${describeValue(axis)}.`,
    );
  return -1;
}

function flag(className: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new TypeError(`${className}: ${key} must be true or false, got ${describeValue(v)}.`);
  return v;
}

function smoothing(className: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1))
    throw new Error(`${className}: labelSmoothing must be a number in [0, 1], got ${describeValue(v)}.`);
  return v;
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

export interface CrossentropyArgs extends LossArgs {
  /** Predictions are logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** Moves this much of each target's weight evenly onto every class. Default 0. */
  labelSmoothing?: number;
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

export class BinaryCrossentropy extends Loss {
  static override readonly className = 'BinaryCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: -1;
  constructor(args: CrossentropyArgs = {}) {
    super(args, ['fromLogits', 'labelSmoothing', 'axis'], 'binary_crossentropy');
    this.fromLogits = flag('BinaryCrossentropy', 'fromLogits', args.fromLogits ?? false);
    this.labelSmoothing = smoothing('BinaryCrossentropy', args.labelSmoothing ?? 0);
    this.axis = lastAxis('BinaryCrossentropy', args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const s = this.labelSmoothing;
    const t = s === 0 ? yTrue : ops.add(ops.scale(floats(yTrue), 1 - s), 0.5 * s);
    return binaryCrossentropy(t, yPred, this.fromLogits);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export class CategoricalCrossentropy extends Loss {
  static override readonly className = 'CategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: -1;
  constructor(args: CrossentropyArgs = {}) {
    super(args, ['fromLogits', 'labelSmoothing', 'axis'], 'categorical_crossentropy');
    this.fromLogits = flag('CategoricalCrossentropy', 'fromLogits', args.fromLogits ?? false);
    this.labelSmoothing = smoothing('CategoricalCrossentropy', args.labelSmoothing ?? 0);
    this.axis = lastAxis('CategoricalCrossentropy', args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const s = this.labelSmoothing;
    const classes = yPred.shape[yPred.rank - 1];
    const t = s === 0 ? yTrue : ops.add(ops.scale(floats(yTrue), 1 - s), s / classes);
    return categoricalCrossentropy(t, yPred, this.fromLogits);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export interface SparseCategoricalCrossentropyArgs extends LossArgs {
  /** Predictions are logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** Only null: Dendrite does not leave a class out of the loss. */
  ignoreClass?: null;
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

export class SparseCategoricalCrossentropy extends Loss {
  static override readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly axis: -1;
  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    super(args, ['fromLogits', 'ignoreClass', 'axis'], 'sparse_categorical_crossentropy');
    this.fromLogits = flag('SparseCategoricalCrossentropy', 'fromLogits', args.fromLogits ?? false);
    if (args.ignoreClass !== undefined && args.ignoreClass !== null)
      throw new Error(
        `SparseCategoricalCrossentropy: ignoreClass is not supported by Dendrite (got ${describeValue(args.ignoreClass)}); leave it null.`,
      );
    this.axis = lastAxis('SparseCategoricalCrossentropy', args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, this.fromLogits);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: null, axis: this.axis };
  }
}

export interface HuberArgs extends LossArgs {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

export class Huber extends Loss {
  static override readonly className = 'Huber';
  readonly delta: number;
  constructor(args: HuberArgs = {}) {
    super(args, ['delta'], 'huber_loss');
    const delta = args.delta ?? 1;
    if (typeof delta !== 'number' || !Number.isFinite(delta) || delta <= 0)
      throw new Error(`Huber: delta must be a positive number, got ${describeValue(delta)}.`);
    this.delta = delta;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, this.delta);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}

export interface CosineSimilarityArgs extends LossArgs {
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

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

function floats(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : t.cast('float32');
}

/** The loss classes by Keras's class name, for loading them from a config. */
export const LOSS_CLASSES: Readonly<Record<string, new (args: Record<string, unknown>) => Loss>> = {
  MeanSquaredError,
  MeanAbsoluteError,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Huber,
  CosineSimilarity,
};

/** What compile runs for a loss given by name, function or object. */
export function resolveLoss(spec: LossId | LossFn | Loss): LossFn {
  return spec instanceof Loss ? spec.asLossFn() : getLoss(spec);
}

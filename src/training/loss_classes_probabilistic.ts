/**
 * Keras 3's probabilistic losses as classes: the crossentropies (plain and focal),
 * KLDivergence and Poisson, with Keras's options and configs.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../layers/options.js';
import { Loss, type LossArgs } from './loss_classes.js';
import { UNIT, flagOption, lastAxis, numberOption } from './losses.js';
import {
  type BinaryFocalOptions,
  type CrossentropyOptions,
  type FocalOptions,
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from './losses_probabilistic.js';

export interface CrossentropyArgs extends LossArgs, CrossentropyOptions {}
export interface FocalCrossentropyArgs extends LossArgs, FocalOptions {}
export interface BinaryFocalCrossentropyArgs extends LossArgs, BinaryFocalOptions {}

/** What every crossentropy class holds: logits or not, label smoothing, and the class axis. */
abstract class CrossentropyLoss extends Loss {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: -1;
  constructor(args: CrossentropyArgs, extra: readonly string[], defaultName: string) {
    super(args, ['fromLogits', 'labelSmoothing', 'axis', ...extra], defaultName);
    const name = this.className;
    this.fromLogits = flagOption(name, 'fromLogits', args.fromLogits, false);
    this.labelSmoothing = numberOption(name, 'labelSmoothing', args.labelSmoothing, 0, UNIT, 'a number in [0, 1]');
    this.axis = lastAxis(name, args.axis);
  }
  protected get options(): CrossentropyOptions {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export class BinaryCrossentropy extends CrossentropyLoss {
  static override readonly className = 'BinaryCrossentropy';
  constructor(args: CrossentropyArgs = {}) {
    super(args, [], 'binary_crossentropy');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropy(yTrue, yPred, this.options);
  }
}

export class CategoricalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'CategoricalCrossentropy';
  constructor(args: CrossentropyArgs = {}) {
    super(args, [], 'categorical_crossentropy');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this.options);
  }
}

function focal(className: string, args: FocalOptions): { alpha: number; gamma: number } {
  return {
    alpha: numberOption(className, 'alpha', args.alpha, 0.25),
    gamma: numberOption(className, 'gamma', args.gamma, 2, (n) => n >= 0, 'a number ≥ 0'),
  };
}

export class BinaryFocalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'BinaryFocalCrossentropy';
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  constructor(args: BinaryFocalCrossentropyArgs = {}) {
    super(args, ['applyClassBalancing', 'alpha', 'gamma'], 'binary_focal_crossentropy');
    this.applyClassBalancing = flagOption(this.className, 'applyClassBalancing', args.applyClassBalancing, false);
    ({ alpha: this.alpha, gamma: this.gamma } = focal(this.className, args));
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const { alpha, gamma, applyClassBalancing } = this;
    return binaryFocalCrossentropy(yTrue, yPred, { ...this.options, alpha, gamma, applyClassBalancing });
  }
  override getConfig(): Record<string, unknown> {
    const { applyClassBalancing, alpha, gamma } = this;
    return { ...super.getConfig(), applyClassBalancing, alpha, gamma };
  }
}

export class CategoricalFocalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'CategoricalFocalCrossentropy';
  readonly alpha: number;
  readonly gamma: number;
  constructor(args: FocalCrossentropyArgs = {}) {
    super(args, ['alpha', 'gamma'], 'categorical_focal_crossentropy');
    ({ alpha: this.alpha, gamma: this.gamma } = focal(this.className, args));
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalFocalCrossentropy(yTrue, yPred, { ...this.options, alpha: this.alpha, gamma: this.gamma });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha, gamma: this.gamma };
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
    this.fromLogits = flagOption(this.className, 'fromLogits', args.fromLogits, false);
    if (args.ignoreClass !== undefined && args.ignoreClass !== null)
      throw new Error(
        `SparseCategoricalCrossentropy: ignoreClass is not supported by Dendrite (got ${describeValue(args.ignoreClass)}); leave it null.`,
      );
    this.axis = lastAxis(this.className, args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: null, axis: this.axis };
  }
}

export class KLDivergence extends Loss {
  static override readonly className = 'KLDivergence';
  constructor(args: LossArgs = {}) {
    super(args, [], 'kl_divergence');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return klDivergence(yTrue, yPred);
  }
}

export class Poisson extends Loss {
  static override readonly className = 'Poisson';
  constructor(args: LossArgs = {}) {
    super(args, [], 'poisson');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return poisson(yTrue, yPred);
  }
}

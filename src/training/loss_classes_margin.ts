/**
 * Keras 3's hinge losses and the overlap losses of segmentation (Dice, Tversky) as classes.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Loss, type LossArgs } from './loss_classes.js';
import { numberOption } from './losses.js';
import { categoricalHinge, hinge, squaredHinge } from './losses_hinge.js';
import {
  type DiceOptions,
  type OverlapAxis,
  type TverskyOptions,
  dice,
  overlapAxis,
  tversky,
} from './losses_segmentation.js';

export class Hinge extends Loss {
  static override readonly className = 'Hinge';
  constructor(args: LossArgs = {}) {
    super(args, [], 'hinge');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return hinge(yTrue, yPred);
  }
}

export class SquaredHinge extends Loss {
  static override readonly className = 'SquaredHinge';
  constructor(args: LossArgs = {}) {
    super(args, [], 'squared_hinge');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return squaredHinge(yTrue, yPred);
  }
}

export class CategoricalHinge extends Loss {
  static override readonly className = 'CategoricalHinge';
  constructor(args: LossArgs = {}) {
    super(args, [], 'categorical_hinge');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalHinge(yTrue, yPred);
  }
}

export interface DiceArgs extends LossArgs, DiceOptions {}

export class Dice extends Loss {
  static override readonly className = 'Dice';
  readonly axis: OverlapAxis;
  constructor(args: DiceArgs = {}) {
    super(args, ['axis'], 'dice');
    this.axis = overlapAxis(this.className, args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return dice(yTrue, yPred, { axis: this.axis });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

export interface TverskyArgs extends LossArgs, TverskyOptions {}

export class Tversky extends Loss {
  static override readonly className = 'Tversky';
  readonly alpha: number;
  readonly beta: number;
  readonly axis: OverlapAxis;
  constructor(args: TverskyArgs = {}) {
    super(args, ['alpha', 'beta', 'axis'], 'tversky');
    this.alpha = numberOption(this.className, 'alpha', args.alpha, 0.5);
    this.beta = numberOption(this.className, 'beta', args.beta, 0.5);
    this.axis = overlapAxis(this.className, args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return tversky(yTrue, yPred, { alpha: this.alpha, beta: this.beta, axis: this.axis });
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha, beta: this.beta, axis: this.axis };
  }
}

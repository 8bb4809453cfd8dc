/**
 * Keras 3's probabilistic and hinge metrics: the loss functions of the same names averaged over
 * an epoch, with the loss's options.
 */
import { categoricalHinge, hinge, squaredHinge } from '../losses_hinge.js';
import {
  type CrossentropyOptions,
  type SparseCrossentropyOptions,
  binaryCrossentropy,
  categoricalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from '../losses_probabilistic.js';
import { UNIT, flagOption, lastAxis, numberOption } from '../losses.js';
import type { MetricArgs } from './base.js';
import { MeanMetricWrapper } from './reduction.js';

/** The loss function checks these too; checking them here fails at construction, not on the first batch. */
function checkCrossentropy(
  name: string,
  fromLogits: unknown,
  labelSmoothing: unknown,
  axis?: unknown,
  ignoreClass?: unknown,
): void {
  flagOption(name, 'fromLogits', fromLogits, false);
  numberOption(name, 'labelSmoothing', labelSmoothing, 0, UNIT, 'a number in [0, 1]');
  lastAxis(name, axis);
  if (ignoreClass !== undefined && ignoreClass !== null)
    throw new Error(`${name}: ignoreClass is not supported by Dendrite (got ${String(ignoreClass)}); leave it null.`);
}

export class KLDivergence extends MeanMetricWrapper {
  static override readonly className = 'KLDivergence';
  constructor(args: MetricArgs = {}) {
    super(klDivergence, args, [], 'kl_divergence');
  }
}

export class Poisson extends MeanMetricWrapper {
  static override readonly className = 'Poisson';
  constructor(args: MetricArgs = {}) {
    super(poisson, args, [], 'poisson');
  }
}

export interface BinaryCrossentropyMetricArgs extends MetricArgs, Omit<CrossentropyOptions, 'axis'> {}

export class BinaryCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'BinaryCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(args: BinaryCrossentropyMetricArgs = {}) {
    const { fromLogits = false, labelSmoothing = 0 } = args ?? {};
    super(
      (a, b) => binaryCrossentropy(a, b, { fromLogits, labelSmoothing }),
      args,
      ['fromLogits', 'labelSmoothing'],
      'binary_crossentropy',
    );
    checkCrossentropy('BinaryCrossentropy', fromLogits, labelSmoothing);
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}

export interface CategoricalCrossentropyMetricArgs extends MetricArgs, CrossentropyOptions {}

export class CategoricalCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'CategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: -1;
  constructor(args: CategoricalCrossentropyMetricArgs = {}) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = args ?? {};
    super(
      (a, b) => categoricalCrossentropy(a, b, { fromLogits, labelSmoothing, axis }),
      args,
      ['fromLogits', 'labelSmoothing', 'axis'],
      'categorical_crossentropy',
    );
    checkCrossentropy('CategoricalCrossentropy', fromLogits, labelSmoothing, axis);
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = -1;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export interface SparseCategoricalCrossentropyMetricArgs extends MetricArgs, SparseCrossentropyOptions {}

export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly axis: -1;
  constructor(args: SparseCategoricalCrossentropyMetricArgs = {}) {
    const { fromLogits = false, ignoreClass = null, axis = -1 } = args ?? {};
    const options = { fromLogits, ignoreClass, axis };
    super(
      (a, b) => sparseCategoricalCrossentropy(a, b, options),
      args,
      ['fromLogits', 'ignoreClass', 'axis'],
      'sparse_categorical_crossentropy',
    );
    checkCrossentropy('SparseCategoricalCrossentropy', fromLogits, 0, axis, ignoreClass);
    this.fromLogits = fromLogits;
    this.axis = -1;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: null, axis: this.axis };
  }
}

export class Hinge extends MeanMetricWrapper {
  static override readonly className = 'Hinge';
  constructor(args: MetricArgs = {}) {
    super(hinge, args, [], 'hinge');
  }
}

export class SquaredHinge extends MeanMetricWrapper {
  static override readonly className = 'SquaredHinge';
  constructor(args: MetricArgs = {}) {
    super(squaredHinge, args, [], 'squared_hinge');
  }
}

export class CategoricalHinge extends MeanMetricWrapper {
  static override readonly className = 'CategoricalHinge';
  constructor(args: MetricArgs = {}) {
    super(categoricalHinge, args, [], 'categorical_hinge');
  }
}

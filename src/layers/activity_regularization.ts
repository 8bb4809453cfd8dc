import type { Tensor } from '../tensor/tensor.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkOptions, describeValue } from './options.js';
import { L1L2 } from './regularizers.js';

export interface ActivityRegularizationArgs extends Omit<LayerArgs, 'activityRegularizer'> {
  /** The factor of Σ|x| (default 0). */
  l1?: number;
  /** The factor of Σx² (default 0). */
  l2?: number;
}

function factor(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`ActivityRegularization: ${name} must be a finite number ≥ 0, got ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Keras 3's ActivityRegularization: passes its input through and, on each call, adds
 * `(l1 · Σ|x| + l2 · Σx²) / batch size` to the losses (through the activity regularizer every layer
 * has, which calls `addLoss`), so training pushes the activations towards small values.
 */
export class ActivityRegularization extends Layer {
  static override readonly className = 'ActivityRegularization';
  override supportsMasking = true;
  readonly l1: number;
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    // The penalty is this layer's own activity regularizer, so another one cannot be given.
    checkOptions('ActivityRegularization', args, [
      ...BASE_OPTIONS.filter((o) => o !== 'activityRegularizer'),
      'l1',
      'l2',
    ]);
    const l1 = factor('l1', args.l1 ?? 0);
    const l2 = factor('l2', args.l2 ?? 0);
    super({ ...args, activityRegularizer: new L1L2({ l1, l2 }) });
    this.l1 = l1;
    this.l2 = l2;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return x;
  }

  // Keras writes l1 and l2 in place of the regularizer they make.
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.activityRegularizer;
    return { ...config, l1: this.l1, l2: this.l2 };
  }
}

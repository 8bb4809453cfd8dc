import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkOptions, describeValue } from './options.js';

export interface LeakyReLUArgs extends LayerArgs {
  /** The slope for negative inputs, ≥ 0 (default 0.3, Keras's; the `leaky_relu` activation's is 0.2). */
  negativeSlope?: number;
}

/** Keras 3's LeakyReLU layer: `x` for x > 0, `negativeSlope · x` otherwise. */
export class LeakyReLU extends Layer {
  static override readonly className = 'LeakyReLU';
  override supportsMasking = true;
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    checkOptions('LeakyReLU', args, [...BASE_OPTIONS, 'negativeSlope']);
    super(args);
    const slope = args.negativeSlope ?? 0.3;
    if (typeof slope !== 'number' || !Number.isFinite(slope) || slope < 0) {
      throw new Error(`LeakyReLU: negativeSlope must be a finite number ≥ 0, got ${describeValue(slope)}.`);
    }
    this.negativeSlope = slope;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return ops.unary('leakyRelu', x, this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negativeSlope: this.negativeSlope };
  }
}

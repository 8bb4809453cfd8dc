import { normal } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkRate, checkSeed } from './noise_args.js';
import { checkOptions } from './options.js';

export interface GaussianDropoutArgs extends LayerArgs {
  /** Accepted as Keras's; draws come from Dendrite's one generator, which `setSeed` seeds. */
  seed?: number | null;
}

/**
 * Keras 3's GaussianDropout: in training, multiplies by noise from N(1, rate / (1 − rate)), which
 * has the mean and variance of Dropout's rescaled mask; the identity otherwise.
 */
export class GaussianDropout extends Layer {
  static override readonly className = 'GaussianDropout';
  static override readonly positional = ['rate'];
  override supportsMasking = true;
  readonly rate: number;

  constructor(rate: number, args: GaussianDropoutArgs = {}) {
    checkOptions('GaussianDropout', args, [...BASE_OPTIONS, 'seed']);
    super(args);
    this.rate = checkRate('GaussianDropout', rate);
    checkSeed('GaussianDropout', args.seed);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return ops.mul(x, normal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate))));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate };
  }
}

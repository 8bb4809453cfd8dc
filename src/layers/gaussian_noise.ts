import { normal } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkSeed } from './noise_args.js';
import { checkOptions, describeValue } from './options.js';

export interface GaussianNoiseArgs extends LayerArgs {
  /** Accepted as Keras's; draws come from Dendrite's one generator, which `setSeed` seeds. */
  seed?: number | null;
}

/** Keras 3's GaussianNoise: adds N(0, stddev²) noise in training, and is the identity otherwise. */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  static override readonly positional = ['stddev'];
  override supportsMasking = true;
  readonly stddev: number;

  constructor(stddev: number, args: GaussianNoiseArgs = {}) {
    checkOptions('GaussianNoise', args, [...BASE_OPTIONS, 'seed']);
    super(args);
    // Keras refuses a stddev above 1, so a file saved with one would not load there.
    if (typeof stddev !== 'number' || !(stddev >= 0 && stddev <= 1)) {
      throw new Error(`GaussianNoise: stddev must be a number in [0, 1], got ${describeValue(stddev)}.`);
    }
    this.stddev = stddev;
    checkSeed('GaussianNoise', args.seed);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.stddev === 0) return x;
    return ops.add(x, normal(x.shape, 0, this.stddev));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev };
  }
}

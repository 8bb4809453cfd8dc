import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkRate, checkSeed } from './noise_args.js';

export interface SpatialDropoutArgs extends Pick<LayerArgs, 'name' | 'dtype' | 'inputShape' | 'batchSize'> {
  /** Accepted as Keras's; draws come from Dendrite's one generator, which `setSeed` seeds. */
  seed?: number | null;
}

/** The options Keras's spatial dropouts take: no `trainable` (they have no weights) and no activity penalty. */
export const SPATIAL_DROPOUT_OPTIONS = ['name', 'dtype', 'inputShape', 'batchSize', 'seed'] as const;

/**
 * The spatial dropouts' common part: in training, whole channels of a channels-last input are
 * zeroed (the same ones at every position) and the rest scaled by 1/(1 − rate); the identity
 * otherwise. Neighbouring positions of a feature map are alike, so dropping single entries would
 * barely regularize.
 */
export abstract class SpatialDropout extends Layer {
  override supportsMasking = true;
  readonly rate: number;
  /** The input rank the layer takes: 3 for 1D, 4 for 2D. */
  protected abstract readonly rank: number;

  constructor(rate: number, args: SpatialDropoutArgs) {
    super(args);
    this.rate = checkRate(this.className, rate);
    checkSeed(this.className, args.seed);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    if (s.length !== this.rank) {
      const layout = this.rank === 3 ? '(batch, steps, channels)' : '(batch, rows, cols, channels)';
      throw new Error(
        `${this.className} layer '${this.name}' expects rank-${this.rank} inputs ${layout}, got shape ${formatShape(s)}.`,
      );
    }
    return s;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const noise = x.shape.map((d, i) => (i === 0 || i === x.rank - 1 ? d : 1));
    return ops.dropout(x, this.rate, noise);
  }

  // Keras's spatial dropouts write only these keys (no `trainable`), and their constructors take
  // no others, so a config with more would not load in Keras.
  override getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype, rate: this.rate };
  }
}

import { formatShape } from '../tensor/shape.js';
import { uniform } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkRate, checkSeed } from './noise_args.js';
import { checkOptions, describeValue } from './options.js';

export interface AlphaDropoutArgs extends LayerArgs {
  /**
   * The shape of the drop mask, broadcast over the input: `[null, 1, null]` drops the same
   * features at every step (null takes the input's size).
   */
  noiseShape?: readonly (number | null)[] | null;
  /** Accepted as Keras's; draws come from Dendrite's one generator, which `setSeed` seeds. */
  seed?: number | null;
}

// SELU's constants: dropped units go to SELU's negative saturation value, −scale · alpha.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SATURATION = -SELU_ALPHA * SELU_SCALE;

/**
 * Keras 3's AlphaDropout, Dropout for self-normalizing (SELU) networks: in training, a `rate`
 * fraction of units is set to SELU's saturation value and an affine map `a · x + b` restores the
 * inputs' mean and variance; the identity otherwise.
 */
export class AlphaDropout extends Layer {
  static override readonly className = 'AlphaDropout';
  static override readonly positional = ['rate'];
  override supportsMasking = true;
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;

  constructor(rate: number, args: AlphaDropoutArgs = {}) {
    checkOptions('AlphaDropout', args, [...BASE_OPTIONS, 'noiseShape', 'seed']);
    super(args);
    this.rate = checkRate('AlphaDropout', rate);
    checkSeed('AlphaDropout', args.seed);
    const noise = args.noiseShape ?? null;
    if (noise !== null && (!Array.isArray(noise) || noise.some((d) => d !== null && !(Number.isInteger(d) && d > 0)))) {
      throw new Error(
        `AlphaDropout: noiseShape must be a list of positive integers or nulls, got ${describeValue(noise)}.`,
      );
    }
    this.noiseShape = noise === null ? null : [...noise];
  }

  /** The mask's shape for an input shape: nulls take the input's size; each size must be 1 or the input's. */
  private maskShape<D extends number | null>(shape: readonly D[]): (number | D)[] {
    const noise = this.noiseShape;
    if (noise === null) return [...shape];
    const out = noise.map((d, i) => d ?? shape[i]);
    const fits = noise.length === shape.length && out.every((d, i) => d === 1 || shape[i] === null || d === shape[i]);
    if (!fits) {
      throw new Error(
        `AlphaDropout layer '${this.name}': noiseShape ${formatShape(noise)} does not broadcast to input shape ` +
          `${formatShape(shape)} (each size 1, null or the input's).`,
      );
    }
    return out;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    this.maskShape(s);
    return s;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const rate = this.rate;
    const kept = ops.cast(ops.compare('greaterEqual', uniform(this.maskShape(x.shape)), rate), 'float32');
    // The affine map that gives the result the mean and variance the inputs had.
    const a = ((1 - rate) * (1 + rate * SATURATION ** 2)) ** -0.5;
    const b = -a * SATURATION * rate;
    const dropped = ops.add(ops.mul(x, kept), ops.scale(ops.sub(1, kept), SATURATION));
    return ops.add(ops.scale(dropped, a), b);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape };
  }
}

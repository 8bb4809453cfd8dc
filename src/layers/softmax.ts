import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions, describeValue } from './options.js';

export interface SoftmaxArgs extends LayerArgs {
  /** The axis, or axes, that each sum to 1 (default the last). */
  axis?: number | readonly number[];
}

/** What Keras puts at masked positions before the softmax: far below any real logit, yet finite. */
const MASKED_LOGIT = -1e9;

/**
 * Keras 3's Softmax layer, over one axis or several at once. A mask keeps the positions where it is
 * true: the others get no probability, and a slice masked throughout comes out as zeros. Masks
 * cover the leading axes of the input, as every Dendrite mask does ([batch, steps] masks whole
 * steps); a mask of the input's full shape masks single entries, as Keras's attention masks do.
 */
export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  override supportsMasking = true;
  readonly axis: number | readonly number[];

  constructor(args: SoftmaxArgs = {}) {
    checkOptions('Softmax', args, [...BASE_OPTIONS, 'axis']);
    super(args);
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : null;
    if (list === null || list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`Softmax: axis must be an integer or a non-empty list of integers, got ${describeValue(axis)}.`);
    }
    this.axis = typeof axis === 'number' ? axis : [...axis];
  }

  /** The axes as non-negative numbers for this rank, each once, or a clear error. */
  private axes(rank: number): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    const out = list.map((a) => {
      const n = a < 0 ? a + rank : a;
      if (n < 0 || n >= rank) {
        throw new Error(`Softmax layer '${this.name}': axis ${a} is not an axis of a rank-${rank} input.`);
      }
      return n;
    });
    if (new Set(out).size !== out.length) {
      throw new Error(`Softmax layer '${this.name}': axis ${describeValue(list)} names an axis twice.`);
    }
    return out;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    this.axes(s.length);
    return s;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const mask = ctx.masks?.[0];
    if (!mask) return this.softmax(x);
    if (mask.rank > x.rank || mask.shape.some((d, i) => d !== 1 && d !== x.shape[i])) {
      throw new Error(
        `Softmax layer '${this.name}': a mask of shape ${formatShape(mask.shape)} does not cover the leading ` +
          `axes of input ${formatShape(x.shape)}.`,
      );
    }
    // The mask covers leading axes; trailing 1s broadcast it over the rest.
    const keep = ops.cast(mask.reshape([...mask.shape, ...new Array<number>(x.rank - mask.rank).fill(1)]), 'float32');
    const logits = ops.add(ops.mul(x, keep), ops.scale(ops.sub(1, keep), MASKED_LOGIT));
    return ops.mul(this.softmax(logits), keep);
  }

  /** Softmax over the layer's axes: several axes are moved last and merged into one. */
  private softmax(x: Tensor): Tensor {
    const axes = this.axes(x.rank);
    if (axes.length === 1) return ops.softmax(x, axes[0]);
    const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const perm = [...rest, ...axes];
    const moved = ops.transpose(x, perm);
    const size = axes.reduce((p, a) => p * x.shape[a], 1);
    const merged = ops.reshape(moved, [...rest.map((i) => x.shape[i]), size]);
    const y = ops.reshape(ops.softmax(merged, -1), moved.shape);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return ops.transpose(y, inverse);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

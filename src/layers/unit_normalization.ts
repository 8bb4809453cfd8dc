import type { SymbolicShape } from '../tensor/shape.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, singleShape } from './layer.js';
import { checkOptions } from './options.js';

export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis or axes whose L2 norm becomes 1 (default the last). */
  axis?: number | readonly number[];
}

/** Scales each sample to unit L2 norm along `axis`, as Keras 3's UnitNormalization: x / max(‖x‖, 1e-12). */
export class UnitNormalization extends Layer {
  static override readonly className = 'UnitNormalization';
  override supportsMasking = true;
  readonly axis: number | readonly number[];

  constructor(args: UnitNormalizationArgs = {}) {
    checkOptions('UnitNormalization', args, [...BASE_OPTIONS, 'axis']);
    super(args);
    this.axis = args.axis ?? -1;
  }

  private axes(rank: number): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    return list.map((a) => {
      const n = a < 0 ? a + rank : a;
      if (!Number.isInteger(a) || n < 1 || n >= rank) {
        throw new Error(
          `UnitNormalization layer '${this.name}': axis ${a} is not a feature axis of a rank-${rank} input.`,
        );
      }
      return n;
    });
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const s = singleShape(this, inputShape);
    if (s.length < 2)
      throw new Error(
        `UnitNormalization layer '${this.name}' needs a batch and a feature axis, got ${formatShape(s)}.`,
      );
    this.axes(s.length);
    return s;
  }

  call(x: Tensor): Tensor {
    const squares = ops.sum(ops.square(x), this.axes(x.rank), true);
    return ops.div(x, ops.sqrt(ops.maximum(squares, 1e-24)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

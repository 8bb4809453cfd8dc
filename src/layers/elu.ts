import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkOptions, describeValue } from './options.js';

export interface ELUArgs extends LayerArgs {
  /** The scale of the negative part (default 1). */
  alpha?: number;
}

/** Keras 3's ELU layer: `x` for x > 0, `alpha · (eˣ − 1)` otherwise. */
export class ELU extends Layer {
  static override readonly className = 'ELU';
  override supportsMasking = true;
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    checkOptions('ELU', args, [...BASE_OPTIONS, 'alpha']);
    super(args);
    const alpha = args.alpha ?? 1;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha)) {
      throw new Error(`ELU: alpha must be a finite number, got ${describeValue(alpha)}.`);
    }
    this.alpha = alpha;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    return ops.unary('elu', x, this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

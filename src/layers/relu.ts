import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkOptions, describeValue } from './options.js';

export interface ReLUArgs extends LayerArgs {
  /** The largest output; null (the default) leaves it unbounded. */
  maxValue?: number | null;
  /** The slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Inputs at or below it count as negative (default 0). */
  threshold?: number;
}

/** A number ≥ 0, as Keras's ReLU requires of each argument. */
function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`ReLU: ${name} must be a finite number ≥ 0, got ${describeValue(value)}.`);
  }
  return value;
}

/**
 * Keras 3's ReLU layer: `min(x, maxValue)` above `threshold`, `negativeSlope · (x − threshold)`
 * at or below it.
 */
export class ReLU extends Layer {
  static override readonly className = 'ReLU';
  override supportsMasking = true;
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    checkOptions('ReLU', args, [...BASE_OPTIONS, 'maxValue', 'negativeSlope', 'threshold']);
    super(args);
    this.maxValue =
      args.maxValue === undefined || args.maxValue === null ? null : nonNegative('maxValue', args.maxValue);
    this.negativeSlope = nonNegative('negativeSlope', args.negativeSlope ?? 0);
    this.threshold = nonNegative('threshold', args.threshold ?? 0);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor): Tensor {
    const { maxValue, negativeSlope, threshold } = this;
    // The backend's fused kernels cover the common settings; the general case is composed below.
    if (threshold === 0 && negativeSlope === 0) {
      if (maxValue === null) return ops.unary('relu', x);
      if (maxValue === 6) return ops.unary('relu6', x);
    }
    if (threshold === 0 && maxValue === null) return ops.unary('leakyRelu', x, negativeSlope);
    // Above the threshold x passes (the comparison only selects, so it carries no gradient).
    let y =
      threshold === 0 ? ops.unary('relu', x) : ops.mul(x, ops.cast(ops.compare('greater', x, threshold), 'float32'));
    if (maxValue !== null) y = ops.minimum(y, maxValue);
    if (negativeSlope === 0) return y;
    return ops.sub(y, ops.scale(ops.unary('relu', ops.sub(threshold, x)), negativeSlope));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}

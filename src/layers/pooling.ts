import * as ops from '../ops/index.js';
import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, SlidingWindow, checkDataFormat, checkPadding, requireRank } from './conv_utils.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import type { LengthInverse } from './length_inverse.js';
import { checkOptions, tupleOf } from './options.js';

export interface Pooling1DArgs extends LayerArgs {
  /** Defaults to the pool size. */
  strides?: number | readonly [number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
}
export interface Pooling2DArgs extends LayerArgs {
  /** Defaults to the pool size. */
  strides?: number | readonly [number, number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
}

const POOL_OPTIONS = [...BASE_OPTIONS, 'strides', 'padding', 'dataFormat'];

/** Keras's `BasePooling`: a window of `poolSize` moved by `strides` (the pool size unless given). */
abstract class BasePooling extends Layer implements LengthInverse {
  readonly window: SlidingWindow;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(
    className: string,
    rank: 1 | 2,
    poolSize: number | readonly number[],
    args: Pooling1DArgs | Pooling2DArgs,
  ) {
    checkOptions(className, args, POOL_OPTIONS);
    super(args);
    checkDataFormat(className, args.dataFormat);
    const pool = tupleOf(poolSize, rank, `${className}: poolSize`);
    const padding = checkPadding(className, args.padding, ['valid', 'same'], 'valid');
    this.window = SlidingWindow.of(className, rank, pool, args.strides ?? pool, 1, padding);
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    requireRank(
      this,
      s,
      this.window.rank + 2,
      this.window.rank === 1 ? '(batch, steps, channels)' : '(batch, height, width, channels)',
    );
    return this.window.outputShape(this, s, s[s.length - 1]);
  }

  minInputLength(minOutputLength: number, axis: number): number {
    return this.window.minInputLength(minOutputLength, axis);
  }

  call(x: Tensor): Tensor {
    const w = this.window;
    const padding = w.padding === 'same' ? 'same' : 'valid';
    if (w.rank === 1) return ops.pool1d(this.kind, x, w.kernelSize[0], w.strides[0], padding);
    const opts: ops.Pool2DOptions = {
      poolSize: [w.kernelSize[0], w.kernelSize[1]],
      strides: [w.strides[0], w.strides[1]],
      padding,
    };
    return this.kind === 'max' ? ops.maxPool2d(x, opts) : ops.avgPool2d(x, opts);
  }

  override getConfig(): Record<string, unknown> {
    const w = this.window;
    return {
      ...super.getConfig(),
      poolSize: w.kernelSize,
      padding: w.padding,
      strides: w.strides,
      dataFormat: 'channels_last',
    };
  }
}

export class MaxPooling1D extends BasePooling {
  static override readonly className = 'MaxPooling1D';
  static override readonly positional = ['poolSize'];
  protected readonly kind = 'max';
  constructor(poolSize: number | readonly [number] = 2, args: Pooling1DArgs = {}) {
    super('MaxPooling1D', 1, poolSize, args);
  }
}

export class AveragePooling1D extends BasePooling {
  static override readonly className = 'AveragePooling1D';
  static override readonly positional = ['poolSize'];
  protected readonly kind = 'avg';
  constructor(poolSize: number | readonly [number] = 2, args: Pooling1DArgs = {}) {
    super('AveragePooling1D', 1, poolSize, args);
  }
}

export class MaxPooling2D extends BasePooling {
  static override readonly className = 'MaxPooling2D';
  static override readonly positional = ['poolSize'];
  protected readonly kind = 'max';
  constructor(poolSize: number | readonly [number, number] = 2, args: Pooling2DArgs = {}) {
    super('MaxPooling2D', 2, poolSize, args);
  }
}

export class AveragePooling2D extends BasePooling {
  static override readonly className = 'AveragePooling2D';
  static override readonly positional = ['poolSize'];
  protected readonly kind = 'avg';
  constructor(poolSize: number | readonly [number, number] = 2, args: Pooling2DArgs = {}) {
    super('AveragePooling2D', 2, poolSize, args);
  }
}

export interface GlobalPoolingArgs extends LayerArgs {
  /** Keep the pooled axes with length 1. */
  keepdims?: boolean;
  dataFormat?: DataFormat;
}

/** Keras's `BaseGlobalPooling`: reduces every spatial axis; an axis of length 0 has nothing to pool. */
abstract class BaseGlobalPooling extends Layer implements LengthInverse {
  readonly keepdims: boolean;
  private readonly spatialRank: number;

  constructor(className: string, rank: 1 | 2, args: GlobalPoolingArgs) {
    checkOptions(className, args, [...BASE_OPTIONS, 'keepdims', 'dataFormat']);
    super(args);
    checkDataFormat(className, args.dataFormat);
    this.keepdims = args.keepdims ?? false;
    this.spatialRank = rank;
  }

  protected get axes(): number[] {
    return Array.from({ length: this.spatialRank }, (_, i) => i + 1);
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    requireRank(
      this,
      s,
      this.spatialRank + 2,
      this.spatialRank === 1 ? '(batch, steps, channels)' : '(batch, height, width, channels)',
    );
    // Pooling nothing gives -inf (max) or NaN (mean): say so, as a window too large for its input.
    this.window().outputShape(this, s, null);
    const c = s[s.length - 1];
    return this.keepdims ? [s[0], ...this.axes.map(() => 1), c] : [s[0], c];
  }

  private window(): SlidingWindow {
    const ones = this.axes.map(() => 1);
    return new SlidingWindow(this.className, ones, ones, ones, 'valid');
  }

  /** Any length from one up works. */
  minInputLength(): number {
    return 1;
  }

  override computeMask(_inputs: Tensor[], _masks: readonly (Tensor | null)[]): null {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: 'channels_last', keepdims: this.keepdims };
  }
}

export class GlobalMaxPooling1D extends BaseGlobalPooling {
  static override readonly className = 'GlobalMaxPooling1D';
  constructor(args: GlobalPoolingArgs = {}) {
    super('GlobalMaxPooling1D', 1, args);
  }
  call(x: Tensor): Tensor {
    return ops.max(x, 1, this.keepdims);
  }
}

/** With a mask (from `Embedding({ maskZero: true })`), averages over the real steps only, as Keras does. */
export class GlobalAveragePooling1D extends BaseGlobalPooling {
  static override readonly className = 'GlobalAveragePooling1D';
  override supportsMasking = true;
  constructor(args: GlobalPoolingArgs = {}) {
    super('GlobalAveragePooling1D', 1, args);
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    const mask = ctx.masks?.[0];
    if (!mask) return ops.mean(x, 1, this.keepdims);
    const weights = ops.expandDims(ops.cast(mask, 'float32'), 2);
    return ops.div(ops.sum(ops.mul(x, weights), 1, this.keepdims), ops.sum(weights, 1, this.keepdims));
  }
}

export class GlobalMaxPooling2D extends BaseGlobalPooling {
  static override readonly className = 'GlobalMaxPooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super('GlobalMaxPooling2D', 2, args);
  }
  call(x: Tensor): Tensor {
    const [b, h, w, c] = x.shape;
    const y = ops.max(ops.reshape(x, [b, h * w, c]), 1);
    return this.keepdims ? ops.reshape(y, [b, 1, 1, c]) : y;
  }
}

export class GlobalAveragePooling2D extends BaseGlobalPooling {
  static override readonly className = 'GlobalAveragePooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super('GlobalAveragePooling2D', 2, args);
  }
  call(x: Tensor): Tensor {
    return ops.mean(x, [1, 2], this.keepdims);
  }
}

import * as ops from '../ops/index.js';
import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type DataFormat, axisName, checkDataFormat, requireRank, tupleOf, tupleOfNonNegative } from './conv_utils.js';
import { sameDType } from './core.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { type LengthInverse, WindowTooLargeError } from './length_inverse.js';
import { checkOptions } from './options.js';

/** Amounts before and after, per spatial axis. */
type Margins = readonly (readonly [number, number])[];

/** Keras's 1D form: n (both ends) or [before, after]. */
export type Margins1D = number | readonly [number, number];
/** Keras's 2D form: n, [height, width] (both ends each), or [[top, bottom], [left, right]]. */
export type Margins2D =
  | number
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]];

function margins1D(value: Margins1D, what: string): Margins {
  const [a, b] = tupleOfNonNegative(typeof value === 'number' ? [value, value] : value, 2, what);
  return [[a, b]];
}

function margins2D(value: Margins2D, what: string): Margins {
  if (typeof value === 'number') return margins2D([value, value], what);
  if (value.length !== 2)
    throw new Error(
      `${what} must be an integer, [height, width] or [[top, bottom], [left, right]], got ${JSON.stringify(value)}.`,
    );
  return value.map((v: number | readonly [number, number]) => {
    const [a, b] = tupleOfNonNegative(typeof v === 'number' ? [v, v] : v, 2, what);
    return [a, b] as const;
  });
}

const layout = (rank: number): string => (rank === 1 ? '(batch, steps, channels)' : '(batch, height, width, channels)');

/** Layers that change each spatial length by a fixed rule and move data without arithmetic. */
abstract class SpatialReshape extends Layer implements LengthInverse {
  constructor(
    className: string,
    protected readonly spatialRank: number,
    args: LayerArgs,
    extra: readonly string[],
  ) {
    checkOptions(className, args, [...BASE_OPTIONS, ...extra]);
    super(args);
  }

  /** The output length of spatial axis i (0-based) for a known input length. */
  protected abstract lengthOf(length: number, i: number, shape: SymbolicShape): number;
  /** The least input length giving `minOutput` on spatial axis i. */
  protected abstract inverse(minOutput: number, i: number): number;

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    requireRank(this, s, this.spatialRank + 2, layout(this.spatialRank));
    return s.map((d, axis) =>
      axis === 0 || axis > this.spatialRank || d === null ? d : this.lengthOf(d, axis - 1, s),
    );
  }

  override computeOutputDType(d: DType[]): DType {
    return sameDType(d);
  }

  minInputLength(minOutputLength: number, axis: number): number {
    const m = Math.max(1, minOutputLength);
    return axis >= 1 && axis <= this.spatialRank ? Math.max(1, this.inverse(m, axis - 1)) : m;
  }
}

export interface ZeroPadding1DArgs extends LayerArgs {}
export interface ZeroPadding2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
}

abstract class ZeroPadding extends SpatialReshape {
  protected abstract readonly margins: Margins;
  protected lengthOf(length: number, i: number): number {
    return length + this.margins[i][0] + this.margins[i][1];
  }
  protected inverse(minOutput: number, i: number): number {
    return minOutput - this.margins[i][0] - this.margins[i][1];
  }
  call(x: Tensor): Tensor {
    return this.margins.reduce((t, [before, after], i) => ops.padAxis(t, i + 1, before, after), x);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.spatialRank === 1 ? this.margins[0] : this.margins };
  }
}

/** Adds zeros at the start and end of the steps axis. */
export class ZeroPadding1D extends ZeroPadding {
  static override readonly className = 'ZeroPadding1D';
  static override readonly positional = ['padding'];
  protected readonly margins: Margins;
  constructor(padding: Margins1D = 1, args: ZeroPadding1DArgs = {}) {
    super('ZeroPadding1D', 1, args, []);
    this.margins = margins1D(padding, 'ZeroPadding1D: padding');
  }
}

/** Adds rows and columns of zeros around an image. */
export class ZeroPadding2D extends ZeroPadding {
  static override readonly className = 'ZeroPadding2D';
  static override readonly positional = ['padding'];
  protected readonly margins: Margins;
  constructor(padding: Margins2D = 1, args: ZeroPadding2DArgs = {}) {
    super('ZeroPadding2D', 2, args, ['dataFormat']);
    checkDataFormat('ZeroPadding2D', args.dataFormat);
    this.margins = margins2D(padding, 'ZeroPadding2D: padding');
  }
}

export interface Cropping1DArgs extends LayerArgs {}
export interface Cropping2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
}

abstract class Cropping extends SpatialReshape {
  protected abstract readonly margins: Margins;
  protected lengthOf(length: number, i: number, shape: SymbolicShape): number {
    const [before, after] = this.margins[i];
    if (before + after >= length) {
      const name = axisName(this.spatialRank, i);
      throw new WindowTooLargeError(
        `${this.className} layer '${this.name}' cannot crop ${before} + ${after} from the ${name} axis of an input of length ${length} ` +
          `(input shape ${formatShape(shape)}): nothing would be left. It needs a ${name} of at least ${before + after + 1}.`,
        this.name,
        this.className,
        i + 1,
        length,
        before + after,
        before + after + 1,
      );
    }
    return length - before - after;
  }
  protected inverse(minOutput: number, i: number): number {
    return minOutput + this.margins[i][0] + this.margins[i][1];
  }
  call(x: Tensor): Tensor {
    return this.margins.reduce(
      (t, [before, after], i) => ops.sliceAxis(t, i + 1, before, t.shape[i + 1] - before - after),
      x,
    );
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.spatialRank === 1 ? this.margins[0] : this.margins };
  }
}

/** Removes steps from the start and end of a sequence. */
export class Cropping1D extends Cropping {
  static override readonly className = 'Cropping1D';
  static override readonly positional = ['cropping'];
  protected readonly margins: Margins;
  constructor(cropping: Margins1D = [1, 1], args: Cropping1DArgs = {}) {
    super('Cropping1D', 1, args, []);
    this.margins = margins1D(cropping, 'Cropping1D: cropping');
  }
}

/** Removes rows and columns from the borders of an image. */
export class Cropping2D extends Cropping {
  static override readonly className = 'Cropping2D';
  static override readonly positional = ['cropping'];
  protected readonly margins: Margins;
  constructor(cropping: Margins2D = 0, args: Cropping2DArgs = {}) {
    super('Cropping2D', 2, args, ['dataFormat']);
    checkDataFormat('Cropping2D', args.dataFormat);
    this.margins = margins2D(cropping, 'Cropping2D: cropping');
  }
}

export interface UpSampling1DArgs extends LayerArgs {}
export interface UpSampling2DArgs extends LayerArgs {
  dataFormat?: DataFormat;
  /** Only nearest-neighbour upsampling is implemented. */
  interpolation?: 'nearest';
}

abstract class UpSampling extends SpatialReshape {
  protected abstract readonly size: readonly number[];
  protected lengthOf(length: number, i: number): number {
    return length * this.size[i];
  }
  protected inverse(minOutput: number, i: number): number {
    return Math.ceil(minOutput / this.size[i]);
  }
  call(x: Tensor): Tensor {
    return this.size.reduce((t, times, i) => ops.repeatElements(t, i + 1, times), x);
  }
}

/** Repeats each step `size` times. */
export class UpSampling1D extends UpSampling {
  static override readonly className = 'UpSampling1D';
  static override readonly positional = ['size'];
  protected readonly size: readonly number[];
  constructor(size = 2, args: UpSampling1DArgs = {}) {
    super('UpSampling1D', 1, args, []);
    this.size = tupleOf(size, 1, 'UpSampling1D: size');
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size[0] };
  }
}

/** Repeats each row and column (nearest-neighbour upsampling). */
export class UpSampling2D extends UpSampling {
  static override readonly className = 'UpSampling2D';
  static override readonly positional = ['size'];
  protected readonly size: readonly number[];
  constructor(size: number | readonly [number, number] = 2, args: UpSampling2DArgs = {}) {
    super('UpSampling2D', 2, args, ['dataFormat', 'interpolation']);
    checkDataFormat('UpSampling2D', args.dataFormat);
    if (args.interpolation !== undefined && args.interpolation !== 'nearest') {
      throw new Error(`UpSampling2D: only interpolation 'nearest' is supported, got '${String(args.interpolation)}'.`);
    }
    this.size = tupleOf(size, 2, 'UpSampling2D: size');
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size, dataFormat: 'channels_last', interpolation: 'nearest' };
  }
}

import type { Padding } from '../ops/conv.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Layer } from './layer.js';
import { WindowTooLargeError } from './length_inverse.js';
import { tupleOf } from './options.js';

/** Keras's `data_format`: only channels-last is supported, and saying so is allowed. */
export type DataFormat = 'channels_last';

export function checkDataFormat(className: string, format: string | undefined): void {
  if (format !== undefined && format !== 'channels_last') {
    throw new Error(
      `${className}: only dataFormat 'channels_last' is supported (Dendrite is channels-last throughout), got '${format}'.`,
    );
  }
}

export function checkPadding<P extends string>(
  className: string,
  padding: P | undefined,
  allowed: readonly P[],
  fallback: P,
): P {
  const p = padding ?? fallback;
  if (!allowed.includes(p)) {
    throw new Error(
      `${className}: padding must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${String(padding)}'.`,
    );
  }
  return p;
}

/** `int or tuple` arguments that may be zero (paddings, croppings). */
export function tupleOfNonNegative(value: number | readonly number[], rank: number, what: string): number[] {
  const t = typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (t.length !== rank || t.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(
      `${what} must be a non-negative integer or a list of ${rank} non-negative integers, got ${JSON.stringify(value)}.`,
    );
  }
  return t;
}

export { tupleOf };

/** Names of the spatial axes, for messages. */
export function axisName(spatialRank: number, i: number): string {
  if (spatialRank === 1) return 'steps';
  return ['height', 'width', 'depth'][i] ?? `spatial axis ${i}`;
}

/** Throws unless the input has rank `rank`, describing the layout expected. */
export function requireRank(layer: Layer, shape: SymbolicShape, rank: number, layout: string): void {
  if (shape.length !== rank) {
    throw new Error(
      `${layer.className} layer '${layer.name}' expects inputs of rank ${rank} ${layout}, got input shape ${formatShape(shape)}.`,
    );
  }
}

/** The known channel count (last axis) a layer with weights needs to build. */
export function knownChannels(layer: Layer, shape: SymbolicShape): number {
  const c = shape[shape.length - 1];
  if (c === null || c === undefined) {
    throw new Error(
      `${layer.className} layer '${layer.name}' needs a known number of channels (last axis), got input shape ${formatShape(shape)}.`,
    );
  }
  return c;
}

/** One spatial axis of a sliding window: its size, stride, dilation and padding. */
export interface WindowAxis {
  kernel: number;
  stride: number;
  dilation: number;
  padding: Padding | 'causal';
}

export function effectiveWindow(w: WindowAxis): number {
  return (w.kernel - 1) * w.dilation + 1;
}

/**
 * The output length of one windowed axis, as Keras's `compute_conv_output_shape` and
 * `compute_pooling_output_shape` give it, null for null. A window larger than its input is a
 * `WindowTooLargeError` naming the layer, the axis, the length received and the window; a
 * negative or zero length is never returned.
 */
export function windowedLength(
  layer: Layer,
  inputShape: SymbolicShape,
  axis: number,
  spatialRank: number,
  w: WindowAxis,
): number | null {
  const length = inputShape[axis];
  if (length === null) return null;
  const window = effectiveWindow(w);
  const need = w.padding === 'valid' ? window : 1;
  if (length < need) {
    const name = axisName(spatialRank, axis - 1);
    const what =
      w.dilation > 1 ? `window of ${window} (kernel ${w.kernel}, dilation ${w.dilation})` : `window of ${window}`;
    const fix = w.padding === 'valid' ? ` Give it an input of ${name} at least ${need}, or use padding: 'same'.` : '';
    throw new WindowTooLargeError(
      `${layer.className} layer '${layer.name}' cannot fit its ${what} on the ${name} axis of an input of length ${length} ` +
        `(input shape ${formatShape(inputShape)}, padding '${w.padding}'): the output would have no positions.${fix}`,
      layer.name,
      layer.className,
      axis,
      length,
      window,
      need,
    );
  }
  return w.padding === 'valid' ? Math.floor((length - window) / w.stride) + 1 : Math.ceil(length / w.stride);
}

/** The inverse of `windowedLength`: the least input length giving at least `minOutput` positions. */
export function windowedMinInput(minOutput: number, w: WindowAxis): number {
  const m = Math.max(1, minOutput);
  return (m - 1) * w.stride + (w.padding === 'valid' ? effectiveWindow(w) : 1);
}

/**
 * The sliding-window geometry shared by convolutions and pooling: one `WindowAxis` per spatial
 * axis of a channels-last input [batch, ...spatial, channels].
 */
export class SlidingWindow {
  readonly axes: readonly WindowAxis[];

  constructor(
    readonly className: string,
    readonly kernelSize: readonly number[],
    readonly strides: readonly number[],
    readonly dilationRate: readonly number[],
    readonly padding: Padding | 'causal',
  ) {
    if (strides.some((s) => s > 1) && dilationRate.some((d) => d > 1)) {
      throw new Error(
        `${className}: strides > 1 cannot be combined with dilationRate > 1 (got strides ` +
          `${JSON.stringify(strides)}, dilationRate ${JSON.stringify(dilationRate)}).`,
      );
    }
    this.axes = kernelSize.map((kernel, i) => ({ kernel, stride: strides[i], dilation: dilationRate[i], padding }));
  }

  /** Parses Keras's `int or tuple` arguments for a `rank`-dimensional window. */
  static of(
    className: string,
    rank: number,
    kernelSize: number | readonly number[],
    strides: number | readonly number[] | undefined,
    dilationRate: number | readonly number[] | undefined,
    padding: Padding | 'causal',
  ): SlidingWindow {
    return new SlidingWindow(
      className,
      tupleOf(kernelSize, rank, `${className}: kernelSize`),
      tupleOf(strides ?? 1, rank, `${className}: strides`),
      tupleOf(dilationRate ?? 1, rank, `${className}: dilationRate`),
      padding,
    );
  }

  get rank(): number {
    return this.kernelSize.length;
  }

  /** [batch, ...output lengths, channels] for an input of the right rank (checked by the caller). */
  outputShape(layer: Layer, inputShape: SymbolicShape, channels: number | null): SymbolicShape {
    const lengths = this.axes.map((w, i) => windowedLength(layer, inputShape, i + 1, this.rank, w));
    return [inputShape[0], ...lengths, channels];
  }

  minInputLength(minOutputLength: number, axis: number): number {
    const w = this.axes[axis - 1];
    return w ? windowedMinInput(minOutputLength, w) : Math.max(1, minOutputLength);
  }
}

import * as ops from '../ops/index.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationFn, type ActivationId, activationName, getActivation } from './activations.js';
import {
  type DataFormat,
  SlidingWindow,
  checkDataFormat,
  checkPadding,
  knownChannels,
  requireRank,
  tupleOfNonNegative,
} from './conv_utils.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import type { LengthInverse } from './length_inverse.js';
import { checkOptions } from './options.js';
import { type PolicyArgs, WeightPolicies, policyOptions } from './weight_policies.js';
import type { Variable } from './variable.js';

interface ConvTransposeArgs extends LayerArgs, PolicyArgs<'kernel' | 'bias'> {
  padding?: 'valid' | 'same';
  activation?: ActivationId | ActivationFn;
  useBias?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  dataFormat?: DataFormat;
}
export interface Conv1DTransposeArgs extends ConvTransposeArgs {
  strides?: number | readonly [number];
  dilationRate?: number | readonly [number];
  /** Extra positions at the end of the output, less than the stride; by default the padding decides. */
  outputPadding?: number | readonly [number] | null;
}
export interface Conv2DTransposeArgs extends ConvTransposeArgs {
  strides?: number | readonly [number, number];
  dilationRate?: number | readonly [number, number];
  outputPadding?: number | readonly [number, number] | null;
}

const OPTIONS = [
  ...BASE_OPTIONS,
  ...policyOptions('kernel', 'bias'),
  'strides',
  'padding',
  'outputPadding',
  'dilationRate',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'dataFormat',
];

/**
 * Keras's `BaseConvTranspose`: the transpose (gradient) of a convolution, growing its input.
 * Weights kernel [...kernelSize, filters, channels] (filters before input channels) and bias.
 */
abstract class BaseConvTranspose extends Layer implements LengthInverse {
  readonly filters: number;
  readonly window: SlidingWindow;
  readonly outputPadding: readonly number[] | null;
  readonly activation: ActivationId | ActivationFn | undefined;
  readonly useBias: boolean;
  private readonly init: { kernel: InitializerId | Initializer; bias: InitializerId | Initializer };
  private readonly policies: WeightPolicies;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(
    className: string,
    rank: 1 | 2,
    filters: number,
    kernelSize: number | readonly number[],
    args: Conv1DTransposeArgs | Conv2DTransposeArgs,
  ) {
    checkOptions(className, args, OPTIONS);
    super(args);
    this.policies = new WeightPolicies(args, ['kernel', 'bias']);
    if (!Number.isInteger(filters) || filters <= 0)
      throw new Error(`${className}: filters must be a positive integer, got ${filters}.`);
    checkDataFormat(className, args.dataFormat);
    const padding = checkPadding(className, args.padding, ['valid', 'same'], 'valid');
    this.window = SlidingWindow.of(className, rank, kernelSize, args.strides, args.dilationRate, padding);
    const op = args.outputPadding ?? null;
    this.outputPadding = op === null ? null : tupleOfNonNegative(op, rank, `${className}: outputPadding`);
    this.outputPadding?.forEach((p, i) => {
      if (p >= this.window.strides[i]) {
        throw new Error(
          `${className}: outputPadding must be less than strides on every axis, got outputPadding ` +
            `${JSON.stringify(op)} with strides ${JSON.stringify(this.window.strides)}.`,
        );
      }
    });
    getActivation(args.activation);
    this.filters = filters;
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.init = { kernel: args.kernelInitializer ?? 'glorot_uniform', bias: args.biasInitializer ?? 'zeros' };
  }

  private inputChannels(s: SymbolicShape): number {
    requireRank(
      this,
      s,
      this.window.rank + 2,
      this.window.rank === 1 ? '(batch, steps, channels)' : '(batch, height, width, channels)',
    );
    return knownChannels(this, s);
  }

  override build(inputShape: ShapeArg): void {
    const c = this.inputChannels(singleShape(this, inputShape));
    const shape = [...this.window.kernelSize, this.filters, c];
    this.kernel = this.addWeight('kernel', shape, this.init.kernel, true, this.policies.of('kernel'));
    if (this.useBias)
      this.bias = this.addWeight('bias', [this.filters], this.init.bias, true, this.policies.of('bias'));
    this.built = true;
  }

  private outputLength(length: number, i: number): number {
    const w = this.window.axes[i];
    return ops.convTransposeOutputLength(
      length,
      w.kernel,
      w.stride,
      w.padding === 'same' ? 'same' : 'valid',
      this.outputPadding?.[i] ?? null,
      w.dilation,
    );
  }

  /** TensorFlow also needs the convolution of the output to give back the input's length. */
  private checkedOutputLength(length: number, i: number, shape: SymbolicShape): number {
    const out = this.outputLength(length, i);
    const w = this.window.axes[i];
    if (
      ops.convOutputLength(out, w.kernel, w.stride, w.padding === 'same' ? 'same' : 'valid', w.dilation).length !==
      length
    ) {
      throw new Error(
        `${this.className} layer '${this.name}': outputPadding ${JSON.stringify(this.outputPadding)} gives an ` +
          `output length ${out} that a ${w.kernel}-wide window with stride ${w.stride} and padding '${w.padding}' ` +
          `does not map back to the input length ${length} (input shape ${formatShape(shape)}); choose another ` +
          `outputPadding.`,
      );
    }
    return out;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const c = this.inputChannels(s);
    const built = this.kernel?.shape[this.window.rank + 1];
    if (built !== undefined && built !== c) {
      throw new Error(
        `${this.className} layer '${this.name}' was built for ${built} input channels, got input shape ${formatShape(s)}.`,
      );
    }
    const lengths = this.window.axes.map((_, i) => {
      const n = s[i + 1];
      if (n === 0)
        throw new Error(`${this.className} layer '${this.name}' got an empty input (input shape ${formatShape(s)}).`);
      return n === null ? null : this.checkedOutputLength(n, i, s);
    });
    return [s[0], ...lengths, this.filters];
  }

  /** Output length grows with input length, so the least input is the least n ≥ 1 reaching minOutputLength. */
  minInputLength(minOutputLength: number, axis: number): number {
    if (axis < 1 || axis > this.window.rank) return Math.max(1, minOutputLength);
    let n = 1;
    while (this.outputLength(n, axis - 1) < minOutputLength) n++;
    return n;
  }

  protected options(): ops.Conv2DTransposeOptions {
    const w = this.window;
    // A 1D layer runs as a 2D one of height 1 (kernel 1, stride 1, no extra padding on that axis).
    const pair = (v: readonly number[], one: number): [number, number] => (w.rank === 1 ? [one, v[0]] : [v[0], v[1]]);
    return {
      strides: pair(w.strides, 1),
      dilation: pair(w.dilationRate, 1),
      padding: w.padding === 'same' ? 'same' : 'valid',
      outputPadding: this.outputPadding === null ? null : pair(this.outputPadding, 0),
    };
  }

  call(x: Tensor): Tensor {
    const k = this.kernel!.value;
    const b = this.bias?.value ?? null;
    let y: Tensor;
    if (this.window.rank === 2) {
      y = ops.conv2dTranspose(x, k, b, this.options());
    } else {
      const [n, steps, c] = x.shape;
      const y4 = ops.conv2dTranspose(
        ops.reshape(x, [n, 1, steps, c]),
        ops.reshape(k, [1, ...k.shape]),
        b,
        this.options(),
      );
      y = ops.reshape(y4, [n, y4.shape[2], y4.shape[3]]);
    }
    return getActivation(this.activation)(y);
  }

  override getConfig(): Record<string, unknown> {
    const w = this.window;
    return {
      ...super.getConfig(),
      ...this.policies.config(),
      filters: this.filters,
      kernelSize: w.kernelSize,
      strides: w.strides,
      padding: w.padding,
      outputPadding: this.outputPadding,
      dataFormat: 'channels_last',
      dilationRate: w.dilationRate,
      activation: activationName(this.activation),
      useBias: this.useBias,
    };
  }
}

export class Conv1DTranspose extends BaseConvTranspose {
  static override readonly className = 'Conv1DTranspose';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number], args: Conv1DTransposeArgs = {}) {
    super('Conv1DTranspose', 1, filters, kernelSize, args);
  }
}

export class Conv2DTranspose extends BaseConvTranspose {
  static override readonly className = 'Conv2DTranspose';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number, number], args: Conv2DTransposeArgs = {}) {
    super('Conv2DTranspose', 2, filters, kernelSize, args);
  }
}

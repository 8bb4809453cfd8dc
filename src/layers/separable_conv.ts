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
} from './conv_utils.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import type { LengthInverse } from './length_inverse.js';
import { checkOptions } from './options.js';
import type { RegularizerLike } from './regularizers.js';
import type { ConstraintLike } from './constraints.js';
import { type PolicyArgs, WeightPolicies, policyOptions } from './weight_policies.js';
import type { Variable } from './variable.js';

interface DepthwiseCommonArgs extends LayerArgs, PolicyArgs<'depthwise' | 'bias'> {
  /** Output channels per input channel of the depthwise step. */
  depthMultiplier?: number;
  activation?: ActivationId | ActivationFn;
  useBias?: boolean;
  depthwiseInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  dataFormat?: DataFormat;
  padding?: 'valid' | 'same';
}

export interface SeparableConv1DArgs extends DepthwiseCommonArgs {
  strides?: number | readonly [number];
  dilationRate?: number | readonly [number];
  pointwiseInitializer?: InitializerId | Initializer;
  pointwiseRegularizer?: RegularizerLike | null;
  pointwiseConstraint?: ConstraintLike | null;
}
export interface SeparableConv2DArgs extends DepthwiseCommonArgs {
  strides?: number | readonly [number, number];
  dilationRate?: number | readonly [number, number];
  pointwiseInitializer?: InitializerId | Initializer;
  pointwiseRegularizer?: RegularizerLike | null;
  pointwiseConstraint?: ConstraintLike | null;
}
export interface DepthwiseConv1DArgs extends DepthwiseCommonArgs {
  strides?: number | readonly [number];
  dilationRate?: number | readonly [number];
}
export interface DepthwiseConv2DArgs extends DepthwiseCommonArgs {
  strides?: number | readonly [number, number];
  dilationRate?: number | readonly [number, number];
}

const DEPTHWISE_OPTIONS = [
  ...BASE_OPTIONS,
  'strides',
  'padding',
  'dilationRate',
  'depthMultiplier',
  'activation',
  'useBias',
  'depthwiseInitializer',
  'biasInitializer',
  'dataFormat',
];

/**
 * A per-channel (depthwise) convolution, kernel [...kernelSize, channels, depthMultiplier], run
 * through the 2D kernel (1D inputs get a height of 1). Separable convolutions follow it with a
 * 1×1 (pointwise) convolution.
 */
abstract class BaseDepthwise extends Layer implements LengthInverse {
  readonly window: SlidingWindow;
  readonly depthMultiplier: number;
  readonly activation: ActivationId | ActivationFn | undefined;
  readonly useBias: boolean;
  protected readonly depthwiseInit: InitializerId | Initializer;
  protected readonly biasInit: InitializerId | Initializer;
  protected readonly policies: WeightPolicies;

  constructor(
    className: string,
    rank: 1 | 2,
    kernelSize: number | readonly number[],
    args: SeparableConv2DArgs | SeparableConv1DArgs,
    extraOptions: readonly string[],
  ) {
    // A separable convolution also has a pointwise kernel, with its own regularizer and constraint.
    const weights = extraOptions.includes('pointwiseInitializer')
      ? ['depthwise', 'pointwise', 'bias']
      : ['depthwise', 'bias'];
    checkOptions(className, args, [...DEPTHWISE_OPTIONS, ...extraOptions, ...policyOptions(...weights)]);
    super(args);
    this.policies = new WeightPolicies(args, weights);
    checkDataFormat(className, args.dataFormat);
    const padding = checkPadding(className, args.padding, ['valid', 'same'], 'valid');
    this.window = SlidingWindow.of(className, rank, kernelSize, args.strides, args.dilationRate, padding);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier <= 0) {
      throw new Error(`${className}: depthMultiplier must be a positive integer, got ${args.depthMultiplier}.`);
    }
    getActivation(args.activation);
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.depthwiseInit = args.depthwiseInitializer ?? 'glorot_uniform';
    this.biasInit = args.biasInitializer ?? 'zeros';
  }

  protected inputChannels(s: SymbolicShape): number {
    requireRank(
      this,
      s,
      this.window.rank + 2,
      this.window.rank === 1 ? '(batch, steps, channels)' : '(batch, height, width, channels)',
    );
    return knownChannels(this, s);
  }

  protected checkBuiltFor(s: SymbolicShape, depthwise: Variable | undefined): void {
    const c = this.inputChannels(s);
    const built = depthwise?.shape[this.window.rank];
    if (built !== undefined && built !== c) {
      throw new Error(
        `${this.className} layer '${this.name}' was built for ${built} input channels, got input shape ${formatShape(s)}.`,
      );
    }
  }

  minInputLength(minOutputLength: number, axis: number): number {
    return this.window.minInputLength(minOutputLength, axis);
  }

  /** The depthwise step on 2D views: [b, steps, c] is seen as [b, 1, steps, c]. */
  protected depthwise(x: Tensor, kernel: Tensor): Tensor {
    const w = this.window;
    // A 1D window acts on the width of a height-1 image.
    const pair = (v: readonly number[]): [number, number] => (w.rank === 1 ? [1, v[0]] : [v[0], v[1]]);
    const opts = {
      padding: w.padding === 'same' ? 'same' : 'valid',
      strides: pair(w.strides),
      dilation: pair(w.dilationRate),
    } satisfies ops.Conv2DOptions;
    if (w.rank === 2) return ops.depthwiseConv2d(x, kernel, opts);
    const [b, steps, c] = x.shape;
    const y = ops.depthwiseConv2d(ops.reshape(x, [b, 1, steps, c]), ops.reshape(kernel, [1, ...kernel.shape]), opts);
    return ops.reshape(y, [b, y.shape[2], y.shape[3]]);
  }

  protected finish(y: Tensor, bias: Variable | undefined): Tensor {
    return getActivation(this.activation)(bias ? ops.add(y, bias.value) : y);
  }

  override getConfig(): Record<string, unknown> {
    const w = this.window;
    return {
      ...super.getConfig(),
      ...this.policies.config(),
      kernelSize: w.kernelSize,
      strides: w.strides,
      padding: w.padding,
      dataFormat: 'channels_last',
      dilationRate: w.dilationRate,
      depthMultiplier: this.depthMultiplier,
      activation: activationName(this.activation),
      useBias: this.useBias,
    };
  }
}

/** Keras's `BaseSeparableConv`: weights depthwise_kernel, pointwise_kernel [...1, channels · depthMultiplier, filters], bias. */
abstract class BaseSeparableConv extends BaseDepthwise {
  readonly filters: number;
  private readonly pointwiseInit: InitializerId | Initializer;
  depthwiseKernel: Variable | undefined;
  pointwiseKernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(
    className: string,
    rank: 1 | 2,
    filters: number,
    kernelSize: number | readonly number[],
    args: SeparableConv1DArgs | SeparableConv2DArgs,
  ) {
    super(className, rank, kernelSize, args, ['pointwiseInitializer']);
    if (!Number.isInteger(filters) || filters <= 0)
      throw new Error(`${className}: filters must be a positive integer, got ${filters}.`);
    this.filters = filters;
    this.pointwiseInit = args.pointwiseInitializer ?? 'glorot_uniform';
  }

  override build(inputShape: ShapeArg): void {
    const c = this.inputChannels(singleShape(this, inputShape));
    const ones = this.window.kernelSize.map(() => 1);
    this.depthwiseKernel = this.addWeight(
      'depthwise_kernel',
      [...this.window.kernelSize, c, this.depthMultiplier],
      this.depthwiseInit,
      true,
      this.policies.of('depthwise'),
    );
    this.pointwiseKernel = this.addWeight(
      'pointwise_kernel',
      [...ones, c * this.depthMultiplier, this.filters],
      this.pointwiseInit,
      true,
      this.policies.of('pointwise'),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInit, true, this.policies.of('bias'));
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    this.checkBuiltFor(s, this.depthwiseKernel);
    return this.window.outputShape(this, s, this.filters);
  }

  call(x: Tensor): Tensor {
    const d = this.depthwise(x, this.depthwiseKernel!.value);
    const p = this.pointwiseKernel!.value;
    const y = this.window.rank === 1 ? ops.conv1d(d, p, null) : ops.conv2d(d, p, null);
    return this.finish(y, this.bias);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), filters: this.filters };
  }
}

export class SeparableConv1D extends BaseSeparableConv {
  static override readonly className = 'SeparableConv1D';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number], args: SeparableConv1DArgs = {}) {
    super('SeparableConv1D', 1, filters, kernelSize, args);
  }
}

export class SeparableConv2D extends BaseSeparableConv {
  static override readonly className = 'SeparableConv2D';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number, number], args: SeparableConv2DArgs = {}) {
    super('SeparableConv2D', 2, filters, kernelSize, args);
  }
}

/** Keras's `BaseDepthwiseConv`: weights kernel [...kernelSize, channels, depthMultiplier] and bias [channels · depthMultiplier]. */
abstract class BaseDepthwiseConv extends BaseDepthwise {
  kernel: Variable | undefined;
  bias: Variable | undefined;

  override build(inputShape: ShapeArg): void {
    const c = this.inputChannels(singleShape(this, inputShape));
    const shape = [...this.window.kernelSize, c, this.depthMultiplier];
    this.kernel = this.addWeight('kernel', shape, this.depthwiseInit, true, this.policies.of('depthwise'));
    const biasShape = [c * this.depthMultiplier];
    if (this.useBias) this.bias = this.addWeight('bias', biasShape, this.biasInit, true, this.policies.of('bias'));
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    this.checkBuiltFor(s, this.kernel);
    return this.window.outputShape(this, s, this.inputChannels(s) * this.depthMultiplier);
  }

  call(x: Tensor): Tensor {
    return this.finish(this.depthwise(x, this.kernel!.value), this.bias);
  }
}

export class DepthwiseConv1D extends BaseDepthwiseConv {
  static override readonly className = 'DepthwiseConv1D';
  static override readonly positional = ['kernelSize'];
  constructor(kernelSize: number | readonly [number], args: DepthwiseConv1DArgs = {}) {
    super('DepthwiseConv1D', 1, kernelSize, args, []);
  }
}

export class DepthwiseConv2D extends BaseDepthwiseConv {
  static override readonly className = 'DepthwiseConv2D';
  static override readonly positional = ['kernelSize'];
  constructor(kernelSize: number | readonly [number, number], args: DepthwiseConv2DArgs = {}) {
    super('DepthwiseConv2D', 2, kernelSize, args, []);
  }
}

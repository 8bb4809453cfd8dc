import type { FusedActivation } from '../backend/backend.js';
import * as ops from '../ops/index.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type ActivationFn, type ActivationId, activationName, fusable, getActivation } from './activations.js';
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
import { type PolicyArgs, WeightPolicies, policyOptions } from './weight_policies.js';
import type { Variable } from './variable.js';

interface ConvArgs extends LayerArgs, PolicyArgs<'kernel' | 'bias'> {
  /** Input channels and filters are split into this many groups convolved separately. */
  groups?: number;
  activation?: ActivationId | ActivationFn;
  useBias?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  dataFormat?: DataFormat;
}

export interface Conv1DArgs extends ConvArgs {
  strides?: number | readonly [number];
  /** `'causal'` pads the start of the sequence so that step t sees only steps ≤ t. */
  padding?: 'valid' | 'same' | 'causal';
  dilationRate?: number | readonly [number];
}

export interface Conv2DArgs extends ConvArgs {
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
  dilationRate?: number | readonly [number, number];
}

const CONV_OPTIONS = [
  ...BASE_OPTIONS,
  ...policyOptions('kernel', 'bias'),
  'strides',
  'padding',
  'dilationRate',
  'groups',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'dataFormat',
];

/** Keras's `BaseConv`: a `rank`-dimensional channels-last convolution with kernel [...kernelSize, in/groups, filters]. */
abstract class BaseConv extends Layer implements LengthInverse {
  readonly filters: number;
  readonly window: SlidingWindow;
  readonly groups: number;
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
    args: Conv1DArgs | Conv2DArgs,
  ) {
    checkOptions(className, args, CONV_OPTIONS);
    super(args);
    this.policies = new WeightPolicies(args, ['kernel', 'bias']);
    if (!Number.isInteger(filters) || filters <= 0)
      throw new Error(`${className}: filters must be a positive integer, got ${filters}.`);
    checkDataFormat(className, args.dataFormat);
    const padding = checkPadding(
      className,
      args.padding,
      rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'],
      'valid',
    );
    this.window = SlidingWindow.of(className, rank, kernelSize, args.strides, args.dilationRate, padding);
    this.groups = args.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0 || filters % this.groups !== 0) {
      throw new Error(
        `${className}: groups must be a positive integer dividing filters (${filters}), got ${args.groups}.`,
      );
    }
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
    const c = knownChannels(this, s);
    if (c % this.groups !== 0) {
      throw new Error(
        `${this.className} layer '${this.name}': its ${c} input channels are not divisible by groups = ` +
          `${this.groups} (input shape ${formatShape(s)}).`,
      );
    }
    return c;
  }

  override build(inputShape: ShapeArg): void {
    const s = singleShape(this, inputShape);
    const c = this.inputChannels(s);
    this.kernel = this.addWeight(
      'kernel',
      [...this.window.kernelSize, c / this.groups, this.filters],
      this.init.kernel,
      true,
      this.policies.of('kernel'),
    );
    if (this.useBias)
      this.bias = this.addWeight('bias', [this.filters], this.init.bias, true, this.policies.of('bias'));
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const c = this.inputChannels(s);
    if (this.kernel && this.kernel.shape[this.window.rank] * this.groups !== c) {
      throw new Error(
        `${this.className} layer '${this.name}' was built for ` +
          `${this.kernel.shape[this.window.rank] * this.groups} input channels, got input shape ${formatShape(s)}.`,
      );
    }
    return this.window.outputShape(this, s, this.filters);
  }

  minInputLength(minOutputLength: number, axis: number): number {
    return this.window.minInputLength(minOutputLength, axis);
  }

  /** The convolution plus bias, with `activation` applied as outputs are stored. */
  protected abstract convolve(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor;

  call(x: Tensor): Tensor {
    const kernel = this.kernel!.value;
    const bias = this.bias?.value ?? null;
    // Activations the kernels can apply as they store (see fusable) run inside the convolution.
    const fused = fusable(this.activation);
    if (fused) return this.convolve(x, kernel, bias, fused);
    return getActivation(this.activation)(this.convolve(x, kernel, bias, 'linear'));
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
      dataFormat: 'channels_last',
      dilationRate: w.dilationRate,
      groups: this.groups,
      activation: activationName(this.activation),
      useBias: this.useBias,
    };
  }
}

/** 1D convolution over [batch, steps, channels], kernel [kernelSize, channels / groups, filters]. */
export class Conv1D extends BaseConv {
  static override readonly className = 'Conv1D';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number], args: Conv1DArgs = {}) {
    super('Conv1D', 1, filters, kernelSize, args);
  }

  protected convolve(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor {
    const w = this.window.axes[0];
    if (w.padding === 'causal') {
      const shifted = ops.padAxis(x, 1, (w.kernel - 1) * w.dilation, 0);
      return ops.conv1d(shifted, kernel, bias, w.stride, 'valid', w.dilation, this.groups, activation);
    }
    return ops.conv1d(x, kernel, bias, w.stride, w.padding, w.dilation, this.groups, activation);
  }
}

/** 2D convolution over [batch, height, width, channels], kernel [kh, kw, channels / groups, filters] (HWIO). */
export class Conv2D extends BaseConv {
  static override readonly className = 'Conv2D';
  static override readonly positional = ['filters', 'kernelSize'];
  constructor(filters: number, kernelSize: number | readonly [number, number], args: Conv2DArgs = {}) {
    super('Conv2D', 2, filters, kernelSize, args);
  }

  protected convolve(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: FusedActivation): Tensor {
    const w = this.window;
    return ops.conv2d(x, kernel, bias, {
      strides: [w.strides[0], w.strides[1]],
      padding: w.padding === 'same' ? 'same' : 'valid',
      dilation: [w.dilationRate[0], w.dilationRate[1]],
      groups: this.groups,
      activation,
    });
  }
}

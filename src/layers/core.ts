import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { type ActivationFn, type ActivationId, activationName, fusable, getActivation } from './activations.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import type { RegularizerLike } from './regularizers.js';
import type { ConstraintLike } from './constraints.js';
import { WeightPolicies } from './weight_policies.js';
import type { Variable } from './variable.js';

export interface DenseArgs extends LayerArgs {
  activation?: ActivationId | ActivationFn;
  useBias?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
  kernelConstraint?: ConstraintLike | null;
  biasConstraint?: ConstraintLike | null;
}

/** `activation(x · kernel + bias)` on the last axis. */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  static override readonly positional = ['units'];
  override supportsMasking = true;
  readonly units: number;
  readonly activation: ActivationId | ActivationFn | undefined;
  readonly useBias: boolean;
  private readonly args: DenseArgs;
  /** Regularizers and constraints by option name, resolved (and so checked) at construction. */
  private readonly policies: WeightPolicies;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(units: number, args: DenseArgs = {}) {
    checkOptions('Dense', args, [
      ...BASE_OPTIONS,
      'activation',
      'useBias',
      'kernelInitializer',
      'biasInitializer',
      'kernelRegularizer',
      'biasRegularizer',
      'kernelConstraint',
      'biasConstraint',
    ]);
    super(args);
    if (!Number.isInteger(units) || units <= 0)
      throw new Error(`Dense: units must be a positive integer, got ${units}.`);
    getActivation(args.activation);
    this.policies = new WeightPolicies(args, ['kernel', 'bias']);
    this.units = units;
    this.activation = args.activation;
    this.useBias = args.useBias ?? true;
    this.args = args;
  }

  private inputDim(inputShape: SymbolicShape): number {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || last === null || last === undefined) {
      throw new Error(
        `Dense layer '${this.name}' needs a known last dimension, got input shape ${formatShape(inputShape)}. ` +
          `Give the input a fixed size on its last axis (for example with Flatten or a fixed Input shape).`,
      );
    }
    return last;
  }

  override build(inputShape: ShapeArg): void {
    const dim = this.inputDim(singleShape(this, inputShape));
    const a = this.args;
    this.kernel = this.addWeight({
      name: 'kernel',
      shape: [dim, this.units],
      initializer: a.kernelInitializer ?? 'glorot_uniform',
      ...this.policies.of('kernel'),
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias',
        shape: [this.units],
        initializer: a.biasInitializer ?? 'zeros',
        ...this.policies.of('bias'),
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const dim = this.inputDim(s);
    if (this.kernel && this.kernel.shape[0] !== dim) {
      throw new Error(
        `Dense layer '${this.name}' was built for inputs with last dimension ${this.kernel.shape[0]}, got input shape ${formatShape(s)}.`,
      );
    }
    return [...s.slice(0, -1), this.units];
  }

  call(x: Tensor): Tensor {
    const fused = fusable(this.activation);
    const kernel = this.kernel!.value;
    const bias = this.bias?.value ?? null;
    if (fused) return ops.dense(x, kernel, bias, fused);
    return getActivation(this.activation)(ops.dense(x, kernel, bias, 'linear'));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: activationName(this.activation),
      useBias: this.useBias,
      ...this.policies.config(),
    };
  }
}

export interface ActivationArgs extends LayerArgs {}

export class Activation extends Layer {
  static override readonly className = 'Activation';
  static override readonly positional = ['activation'];
  override supportsMasking = true;
  readonly activation: ActivationId | ActivationFn;

  constructor(activation: ActivationId | ActivationFn, args: ActivationArgs = {}) {
    checkOptions('Activation', args, BASE_OPTIONS);
    super(args);
    getActivation(activation);
    this.activation = activation;
  }

  call(x: Tensor): Tensor {
    return getActivation(this.activation)(x);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: activationName(this.activation) };
  }
}

export interface DropoutArgs extends LayerArgs {
  noiseShape?: readonly (number | null)[];
  seed?: number;
}

/** Zeroes a `rate` fraction of its inputs during training (and scales the rest up); identity at inference. */
export class Dropout extends Layer {
  static override readonly className = 'Dropout';
  static override readonly positional = ['rate'];
  override supportsMasking = true;
  readonly rate: number;
  private readonly noiseShape: readonly (number | null)[] | undefined;

  constructor(rate: number, args: DropoutArgs = {}) {
    checkOptions('Dropout', args, [...BASE_OPTIONS, 'noiseShape', 'seed']);
    super(args);
    if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout: rate must be in [0, 1), got ${rate}.`);
    this.rate = rate;
    this.noiseShape = args.noiseShape;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const noise = this.noiseShape?.map((d, i) => d ?? x.shape[i]);
    return ops.dropout(x, this.rate, noise);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** Passes input dtype through (for layers that only move data around). */
export function sameDType(dtypes: DType[]): DType {
  return dtypes[0] ?? 'float32';
}

import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { type ActivationFn, type ActivationId, activationName, getActivation } from './activations.js';
import type { ConstraintLike } from './constraints.js';
import { type EinsumSpec, analyzeEinsum, einsumTerms } from './einsum_spec.js';
import { type Initializer, type InitializerId, getInitializer } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import type { RegularizerLike } from './regularizers.js';
import type { Variable } from './variable.js';
import { WeightPolicies } from './weight_policies.js';

export interface EinsumDenseArgs extends LayerArgs {
  activation?: ActivationId | ActivationFn | null;
  /** The output axes (letters of the equation's output) that get a bias; none by default. */
  biasAxes?: string | null;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
  kernelConstraint?: ConstraintLike | null;
  biasConstraint?: ConstraintLike | null;
}

/** Keras's variance-scaling initializers, whose fans EinsumDense takes from its equation. */
const VARIANCE_SCALING = new Set([
  'glorot_uniform',
  'glorot_normal',
  'he_normal',
  'he_uniform',
  'lecun_normal',
  'lecun_uniform',
]);

/**
 * A dense layer whose product is an einsum, as Keras 3's EinsumDense:
 * `new EinsumDense('abc,cde->abde', [null, 2, 8], { biasAxes: 'de' })` projects [batch, T, 16] to
 * [batch, T, 2, 8] with a [16, 2, 8] kernel. `outputShape` excludes the batch and elided axes; null
 * marks a size the input decides. MultiHeadAttention is built from these.
 */
export class EinsumDense extends Layer {
  static override readonly className = 'EinsumDense';
  static override readonly positional = ['equation', 'outputShape'];
  override supportsMasking = true;
  readonly equation: string;
  /** The output shape as given: no batch axis, no elided axes (Layer.outputShape is the graph's). */
  readonly partialOutputShape: readonly (number | null)[];
  readonly biasAxes: string | null;
  readonly activation: ActivationId | ActivationFn | null;
  private readonly args: EinsumDenseArgs;
  private readonly policies: WeightPolicies;
  kernel: Variable | undefined;
  bias: Variable | undefined;

  constructor(equation: string, outputShape: number | readonly (number | null)[], args: EinsumDenseArgs = {}) {
    checkOptions('EinsumDense', args, [
      ...BASE_OPTIONS,
      'activation',
      'biasAxes',
      'kernelInitializer',
      'biasInitializer',
      'kernelRegularizer',
      'biasRegularizer',
      'kernelConstraint',
      'biasConstraint',
    ]);
    super(args);
    if (typeof equation !== 'string')
      throw new TypeError(`EinsumDense: equation must be a string, got ${typeof equation}.`);
    einsumTerms(equation);
    const shape = typeof outputShape === 'number' ? [outputShape] : outputShape;
    if (!Array.isArray(shape) || shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
      throw new Error(
        `EinsumDense: outputShape must be a positive integer or a list of positive integers and nulls, got ` +
          `${JSON.stringify(outputShape)}.`,
      );
    }
    const biasAxes = args.biasAxes ?? null;
    if (biasAxes !== null && (typeof biasAxes !== 'string' || !/^[a-zA-Z]+$/.test(biasAxes))) {
      throw new Error(
        `EinsumDense: biasAxes must be letters of the equation's output, got ${JSON.stringify(biasAxes)}.`,
      );
    }
    getActivation(args.activation);
    this.equation = equation;
    this.partialOutputShape = [...shape];
    this.biasAxes = biasAxes;
    this.activation = args.activation ?? null;
    this.args = args;
    this.policies = new WeightPolicies(args, ['kernel', 'bias']);
  }

  private spec(inputShape: SymbolicShape): EinsumSpec {
    return analyzeEinsum(
      `EinsumDense layer '${this.name}'`,
      this.equation,
      this.biasAxes,
      inputShape,
      this.partialOutputShape,
    );
  }

  override build(inputShape: ShapeArg): void {
    const spec = this.spec(singleShape(this, inputShape));
    this.kernel = this.addWeight({
      name: 'kernel',
      shape: spec.kernel,
      initializer: kernelInitializer(this.args.kernelInitializer ?? 'glorot_uniform', spec),
      ...this.policies.of('kernel'),
    });
    if (spec.bias) {
      this.bias = this.addWeight({
        name: 'bias',
        shape: spec.bias,
        initializer: this.args.biasInitializer ?? 'zeros',
        ...this.policies.of('bias'),
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const spec = this.spec(s);
    if (this.kernel && spec.kernel.some((d, i) => d !== this.kernel!.shape[i])) {
      throw new Error(
        `EinsumDense layer '${this.name}' was built with a kernel of shape ${formatShape(this.kernel.shape)}, ` +
          `which input shape ${formatShape(s)} does not fit.`,
      );
    }
    return spec.output;
  }

  call(x: Tensor): Tensor {
    const y = ops.einsum(this.equation, x, this.kernel!.value);
    const biased = this.bias ? ops.add(y, this.bias.value) : y;
    return getActivation(this.activation)(biased);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      equation: this.equation,
      outputShape: [...this.partialOutputShape],
      activation: activationName(this.activation),
      biasAxes: this.biasAxes,
      ...this.policies.config(),
    };
  }
}

/**
 * A variance-scaling initializer draws with the fans the equation gives (the product of the kernel's
 * input axes, of its output axes), as Keras's does; its values are independent draws, so drawing a
 * [fanIn, fanOut] matrix and reshaping it gives exactly that. Other initializers see the real shape.
 */
function kernelInitializer(id: InitializerId | Initializer, spec: EinsumSpec): InitializerId | Initializer {
  if (typeof id !== 'string' || !VARIANCE_SCALING.has(id)) return id;
  const fan = (axes: number[]): number => axes.reduce((p, a) => p * spec.kernel[a], 1);
  return (shape) => getInitializer(id)([fan(spec.inputAxes), fan(spec.outputAxes)]).reshape([...shape]);
}

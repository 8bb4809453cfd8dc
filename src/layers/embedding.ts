import type { DType } from '../tensor/dtype.js';
import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import { type PolicyArgs, WeightPolicies, policyOptions } from './weight_policies.js';
import type { Variable } from './variable.js';

export interface EmbeddingArgs extends LayerArgs, PolicyArgs<'embeddings'> {
  /** Keras 3's default is 'uniform', a uniform draw in [-0.05, 0.05]. */
  embeddingsInitializer?: InitializerId | 'uniform' | Initializer;
  /** Index 0 is padding: the layer emits a mask that later layers (LSTM, GRU) honour. */
  maskZero?: boolean;
  /** Accepted for compatibility with Keras 2 code; the length comes from the input. */
  inputLength?: number | null;
}

/** Turns integer indices [...] into vectors [..., outputDim] looked up in a trainable table. */
export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  static override readonly positional = ['inputDim', 'outputDim'];
  /** Indices stay integers (float32 data of whole numbers is cast back by validation). */
  protected override readonly keepsInputDType = true;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  embeddings: Variable | undefined;
  private readonly initializer: InitializerId | Initializer;
  private readonly policies: WeightPolicies;

  constructor(inputDim: number, outputDim: number, args: EmbeddingArgs = {}) {
    checkOptions('Embedding', args, [
      ...BASE_OPTIONS,
      'embeddingsInitializer',
      'maskZero',
      'inputLength',
      ...policyOptions('embeddings'),
    ]);
    super(args);
    this.policies = new WeightPolicies(args, ['embeddings']);
    for (const [what, v] of [
      ['inputDim', inputDim],
      ['outputDim', outputDim],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Embedding: ${what} must be a positive integer, got ${v}.`);
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.maskZero = args.maskZero ?? false;
    this.supportsMasking = this.maskZero;
    const init = args.embeddingsInitializer ?? 'uniform';
    this.initializer = init === 'uniform' ? 'random_uniform' : init;
  }

  override build(_inputShape: ShapeArg): void {
    const shape = [this.inputDim, this.outputDim];
    this.embeddings = this.addWeight('embeddings', shape, this.initializer, true, this.policies.of('embeddings'));
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    return [...singleShape(this, inputShape), this.outputDim];
  }

  override computeOutputDType(_inputDTypes: DType[]): DType {
    return 'float32';
  }

  /**
   * Rejects indices that are not whole numbers or fall outside [0, inputDim), naming the layer,
   * the value, where it is and the valid range. Models run this on the whole dataset before the
   * first training step, so bad data never changes a weight; `call` runs it too.
   */
  validateInput(t: Tensor): void {
    const v = t.values;
    const n = this.inputDim;
    const whole = t.dtype !== 'float32';
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x >= 0 && x < n && (whole || Number.isInteger(x))) continue;
      const where = formatIndex(i, t.shape);
      if (!Number.isInteger(x)) {
        throw new Error(
          `Embedding layer '${this.name}' received ${x} at index ${where} of its input; indices must be whole numbers in [0, ${n}).`,
        );
      }
      throw new Error(
        `Embedding layer '${this.name}' received index ${x} at ${where} of its input, outside the valid range ` +
          `[0, ${n}) (inputDim = ${n}). Raise inputDim or fix the data.`,
      );
    }
  }

  call(x: Tensor): Tensor {
    this.validateInput(x);
    const indices = x.dtype === 'int32' ? x : ops.cast(x, 'int32');
    return ops.embeddingLookup(this.embeddings!.value, indices);
  }

  override computeMask(inputs: Tensor[], _masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    return this.maskZero ? [ops.compare('notEqual', inputs[0], 0)] : null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      maskZero: this.maskZero,
      ...this.policies.config(),
    };
  }
}

/** `[3, 17]`: the position of flat element i in a tensor of `shape`. */
function formatIndex(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

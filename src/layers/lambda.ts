import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { checkOptions, describeValue } from './options.js';

export interface LambdaArgs extends LayerArgs {
  /** The output shape (with the batch axis), when running the function to infer it is not wanted. */
  outputShape?: SymbolicShape;
}

/** A JavaScript function as a layer: Keras's Lambda. */
export type LambdaFn = (inputs: Tensor | Tensor[], ctx: CallContext) => Tensor | Tensor[];

/**
 * Wraps a function of tensors as a layer, as Keras's Lambda. It holds no weights. It cannot be
 * saved into a `.keras` file, and a Keras Lambda in a file is refused: its function is Python
 * code, which Dendrite never runs (as Keras's safe mode refuses it).
 */
export class Lambda extends Layer {
  static override readonly className = 'Lambda';
  readonly fn: LambdaFn;
  private readonly outputShape_: SymbolicShape | undefined;

  constructor(fn: LambdaFn, args: LambdaArgs = {}) {
    checkOptions('Lambda', args, [...BASE_OPTIONS, 'outputShape']);
    if (typeof fn !== 'function')
      throw new TypeError(`Lambda expects a function of tensors, got ${describeValue(fn)}.`);
    super(args);
    this.fn = fn;
    this.outputShape_ = args.outputShape;
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    return this.fn(inputs, ctx);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return this.outputShape_ ?? super.computeOutputShape(inputShape);
  }

  override getConfig(): Record<string, unknown> {
    throw new Error(
      `Lambda layer '${this.name}' holds a JavaScript function, which a config cannot hold; write it as a Layer ` +
        `subclass and register it with registerSerializable.`,
    );
  }

  static override fromConfig<T extends Layer>(): T {
    throw new Error(
      'A Lambda layer in a saved model holds Python code, which Dendrite never runs (as Keras safe_mode refuses it). ' +
        'Rewrite it as a Layer subclass in TypeScript and pass it in customObjects or register it.',
    );
  }
}

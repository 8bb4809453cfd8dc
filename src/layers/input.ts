import type { DType } from '../tensor/dtype.js';
import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { type KerasTensor, Node } from './keras_tensor.js';
import { KerasTensor as KT } from './keras_tensor.js';
import { Layer, uniqueName } from './layer.js';
import { checkOptions } from './options.js';

export interface InputArgs {
  /** One sample's shape, without the batch dimension; `null` for a size known only from data. */
  shape?: readonly (number | null)[];
  batchShape?: readonly (number | null)[];
  batchSize?: number;
  dtype?: DType;
  name?: string;
}

/** The layer behind an `Input`: it has one node with no inputs and produces the model's input tensor. */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  protected override readonly keepsInputDType = true;
  readonly inputDType: DType;
  readonly shape: SymbolicShape;

  constructor(args: InputArgs) {
    checkOptions('Input', args, ['shape', 'batchShape', 'batchSize', 'dtype', 'name']);
    super({ name: args.name ?? uniqueName('input'), dtype: args.dtype });
    if (!args.shape && !args.batchShape)
      throw new Error('Input needs a `shape` (one sample, without the batch dimension).');
    const shape = args.batchShape ?? [args.batchSize ?? null, ...(args.shape ?? [])];
    for (const d of shape) {
      if (d !== null && (!Number.isInteger(d) || d <= 0)) {
        throw new Error(
          `Input '${this.name}': dimensions must be positive integers or null, got ${JSON.stringify(args.shape)}.`,
        );
      }
    }
    this.shape = shape;
    this.inputDType = args.dtype ?? 'float32';
    this.built = true;
    const node = new Node(this, []);
    this.inboundNodes.push(node);
    node.outputs.push(new KT(shape, this.inputDType, this, 0, 0));
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, batchShape: this.shape, dtype: this.inputDType };
  }
}

/** A symbolic input for a functional model: `Input({ shape: [64] })`. */
export function Input(args: InputArgs): KerasTensor {
  return new InputLayer(args).output;
}

/** The argument types of layers: their common options, `addWeight`, calls, and what a call sees. */
import type { DType } from '../tensor/dtype.js';
import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ConstraintLike } from './constraints.js';
import type { Initializer, InitializerId } from './initializers.js';
import type { KerasTensor } from './keras_tensor.js';
import type { RegularizerLike } from './regularizers.js';

/** Options every layer accepts. */
export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Shape of one sample (no batch dimension), for the first layer of a `Sequential`. */
  inputShape?: readonly (number | null)[];
  /** Batch size for `inputShape`, when fixed. */
  batchSize?: number;
  /** A penalty on the layer's outputs, added to the loss (divided by the batch size, as Keras 3 does). */
  activityRegularizer?: RegularizerLike;
}
export const BASE_OPTIONS = ['name', 'trainable', 'dtype', 'inputShape', 'batchSize', 'activityRegularizer'] as const;

/** Keras's `add_weight` arguments. */
export interface AddWeightArgs {
  shape: readonly number[];
  /** Default 'glorot_uniform', as Keras's for float weights. */
  initializer?: InitializerId | Initializer;
  trainable?: boolean;
  name?: string;
  dtype?: DType;
  regularizer?: RegularizerLike | null;
  constraint?: ConstraintLike | null;
}

export interface CallContext {
  /** True inside `fit` and `trainOnBatch`: dropout drops, batch normalization uses batch statistics. */
  training: boolean;
  /**
   * Masks of the inputs, one per input (null where an input carries none): a [batch, steps] bool
   * tensor marking real time steps, as produced by `Embedding({ maskZero: true })`.
   */
  masks?: readonly (Tensor | null)[];
  /**
   * The layer's own call options that were given (`useCausalMask` for MultiHeadAttention), by the
   * names its class lists in `callOptions`; tensors among them are concrete here.
   */
  options?: CallOptions;
}

/**
 * A layer's own call options, as Keras's extra `call` arguments (`use_causal_mask=True`): symbolic
 * tensors in a symbolic call, concrete ones when it runs. Only those given are present.
 */
export type CallOptions = Readonly<Record<string, unknown>>;

/**
 * Masks given with a call, as Keras's `layer(x, mask=m)`: one mask for a layer of one input, or a
 * list with one per input (null where an input has none). A mask is a bool tensor over the leading
 * axes of its input, [batch, steps] for a sequence; given masks replace those the inputs carry.
 */
export type MaskArg<T> = T | null | readonly (T | null)[];

/** Options of a call on symbolic tensors. */
export interface SymbolicCallArgs {
  mask?: MaskArg<KerasTensor>;
}

/** Options of a call on concrete tensors. */
export interface EagerCallArgs {
  /** Run as in training (dropout drops); false by default. */
  training?: boolean;
  mask?: MaskArg<Tensor>;
}

/** A shape or the list of shapes of a layer's inputs (or outputs). */
export type ShapeArg = SymbolicShape | SymbolicShape[];

/**
 * Keras operations (`keras.src.ops`) that Keras 3 records as nodes of a functional graph. While a
 * model is built, Keras computes its layers' masks with ops (`Embedding(mask_zero=True)` makes
 * `not_equal(x, 0)`, `Masking` makes `any(not_equal(x, v), axis=-1)`) and passes them on as
 * `layer(x, mask=m)`, so a saved model holds those ops as nodes of their own. Dendrite runs each as
 * a small layer without weights, so a loaded model computes exactly the masks Keras computes.
 */
import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { Layer, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';

/** An operation node: no weights, no dtype policy, and a config holding only its own arguments. */
export abstract class Operation extends Layer {
  /** The Python module Keras names for the operation's class. */
  readonly kerasModule: string = 'keras.src.ops.numpy';
  // Comparisons read integer inputs as they are; casting token ids to float would change nothing
  // but cost a copy.
  protected override readonly keepsInputDType = true;

  override getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /**
   * A call's positional arguments as Keras writes them into `inbound_nodes`, given its tensors in
   * Keras's form: an operation may take plain numbers beside its tensors.
   */
  callArgs(tensors: readonly unknown[]): unknown[] {
    return [...tensors];
  }
}

/** `x != other` elementwise, for a number `other`: a `bool` tensor of x's shape. */
export class NotEqual extends Operation {
  static override readonly className = 'NotEqual';
  readonly other: number;

  constructor(other: number, args: { name?: string } = {}) {
    checkOptions('NotEqual', args, ['name']);
    super(args);
    if (typeof other !== 'number') {
      throw new TypeError(`NotEqual '${this.name}' compares a tensor with a number, got ${JSON.stringify(other)}.`);
    }
    this.other = other;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    return singleShape(this, inputShape);
  }

  override computeOutputDType(): DType {
    return 'bool';
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return ops.compare('notEqual', Array.isArray(inputs) ? inputs[0] : inputs, this.other);
  }

  override callArgs(tensors: readonly unknown[]): unknown[] {
    return [tensors[0], this.other];
  }
}

export interface AnyArgs {
  name?: string;
  /** The axis or axes to reduce; null reduces them all. */
  axis?: number | readonly number[] | null;
  /** Keep each reduced axis with length 1. */
  keepdims?: boolean;
}

/** Whether any element over `axis` is true (nonzero): a `bool` tensor. */
export class Any extends Operation {
  static override readonly className = 'Any';
  readonly axis: number | readonly number[] | null;
  readonly keepdims: boolean;

  constructor(args: AnyArgs = {}) {
    checkOptions('Any', args, ['name', 'axis', 'keepdims']);
    super({ name: args.name });
    const axis = args.axis ?? null;
    const axes = axis === null ? [] : typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(axes) || axes.some((a) => !Number.isInteger(a))) {
      throw new TypeError(
        `Any '${this.name}': axis must be an integer, a list of integers or null, got ${JSON.stringify(axis)}.`,
      );
    }
    const keepdims = args.keepdims ?? false;
    if (typeof keepdims !== 'boolean')
      throw new TypeError(`Any '${this.name}': keepdims must be true or false, got ${JSON.stringify(keepdims)}.`);
    this.axis = axis;
    this.keepdims = keepdims;
  }

  /** The reduced axes, counted from 0, for an input of `rank`; a clear error for axes it lacks. */
  private axesFor(shape: SymbolicShape): number[] {
    if (this.axis === null) return shape.map((_, i) => i);
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    return list.map((a) => {
      if (a < -shape.length || a >= shape.length) {
        throw new Error(`Any '${this.name}' reduces axis ${a}, which an input of shape ${formatShape(shape)} lacks.`);
      }
      return normalizeAxis(a, shape.length);
    });
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const axes = this.axesFor(s);
    return s.flatMap((d, i) => (!axes.includes(i) ? [d] : this.keepdims ? [1] : []));
  }

  override computeOutputDType(): DType {
    return 'bool';
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.any(x, this.axesFor(x.shape), this.keepdims);
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, axis: this.axis, keepdims: this.keepdims };
  }
}

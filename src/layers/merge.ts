import * as ops from '../ops/index.js';
import type { SymbolicShape } from '../tensor/shape.js';
import { type Tensor, ones } from '../tensor/tensor.js';
import { Dot, type DotArgs, type DotAxes } from './dot.js';
import type { KerasTensor } from './keras_tensor.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { Merge, allSymbolic, commonBatch, listOfShapes, mergeShapes, orMasks } from './merge_base.js';
import { checkOptions } from './options.js';

export interface MergeArgs extends LayerArgs {}

/** x₁ + x₂ + … */
export class Add extends Merge {
  static override readonly className = 'Add';
  constructor(args: MergeArgs = {}) {
    super('Add', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => ops.add(acc, x), xs[0]);
  }
}

/** x₁ − x₂ (exactly two inputs). */
export class Subtract extends Merge {
  static override readonly className = 'Subtract';
  constructor(args: MergeArgs = {}) {
    super('Subtract', args, 2);
  }
  protected merge([a, b]: Tensor[]): Tensor {
    return ops.sub(a, b);
  }
}

/** x₁ · x₂ · … elementwise. */
export class Multiply extends Merge {
  static override readonly className = 'Multiply';
  constructor(args: MergeArgs = {}) {
    super('Multiply', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => ops.mul(acc, x), xs[0]);
  }
}

/** (x₁ + x₂ + …) / n. */
export class Average extends Merge {
  static override readonly className = 'Average';
  constructor(args: MergeArgs = {}) {
    super('Average', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return ops.scale(
      xs.slice(1).reduce((acc, x) => ops.add(acc, x), xs[0]),
      1 / xs.length,
    );
  }
}

export class Maximum extends Merge {
  static override readonly className = 'Maximum';
  constructor(args: MergeArgs = {}) {
    super('Maximum', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => ops.maximum(acc, x), xs[0]);
  }
}

export class Minimum extends Merge {
  static override readonly className = 'Minimum';
  constructor(args: MergeArgs = {}) {
    super('Minimum', args);
  }
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => ops.minimum(acc, x), xs[0]);
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along; -1 (the channels) by default. */
  axis?: number;
}

/** Joins inputs along `axis`; every other axis must agree. */
export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  override supportsMasking = true;
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    checkOptions('Concatenate', args, [...BASE_OPTIONS, 'axis']);
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new Error(`Concatenate: axis must be an integer, got ${axis}.`);
    this.axis = axis;
  }

  private resolveAxis(shapes: readonly SymbolicShape[]): number {
    const rank = shapes[0].length;
    if (shapes.some((s) => s.length !== rank)) {
      throw new Error(
        `Concatenate layer '${this.name}' needs inputs of the same rank, got shapes ${listOfShapes(shapes)}.`,
      );
    }
    const a = this.axis < 0 ? this.axis + rank : this.axis;
    if (a < 0 || a >= rank) {
      throw new Error(
        `Concatenate layer '${this.name}': axis ${this.axis} is out of range for inputs of rank ${rank} (shapes ` +
          `${listOfShapes(shapes)}); use an axis from ${-rank} to ${rank - 1}.`,
      );
    }
    return a;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const shapes = mergeShapes(this, inputShape);
    const a = this.resolveAxis(shapes);
    commonBatch(this, shapes);
    const out: (number | null)[] = [];
    const differing: number[] = [];
    for (let i = 0; i < shapes[0].length; i++) {
      const dims = shapes.map((s) => s[i]);
      if (i === a) {
        out.push(dims.some((d) => d === null) ? null : dims.reduce<number>((p, d) => p + (d ?? 0), 0));
        continue;
      }
      const known = [...new Set(dims.filter((d) => d !== null))];
      if (known.length > 1) differing.push(i);
      out.push(known[0] ?? null);
    }
    if (differing.length > 0) {
      throw new Error(
        `Concatenate layer '${this.name}' joins along axis ${this.axis}, so its inputs must agree on every other axis, ` +
          `but shapes ${listOfShapes(shapes)} differ on axis ${differing.join(' and ')}. ` +
          `Either concatenate along the axis where they differ or make them agree (padding: 'same', a pooling or a strided convolution).`,
      );
    }
    return out;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    return ops.concat(list, this.resolveAxis(list.map((t) => t.shape)));
  }

  /** Keras's rule: an input without a mask counts as all real; joining along the steps joins the masks. */
  override computeMask(inputs: Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    if (masks.every((m) => m === null)) return null;
    const a = this.resolveAxis(inputs.map((t) => t.shape));
    const full = inputs.map((x, i) => masks[i] ?? ones(x.shape.slice(0, -1), 'bool'));
    if (a === inputs[0].rank - 1) return [masks.some((m) => m === null) ? null : orMasks(full)];
    return [
      ops
        .concat(
          full.map((m) => ops.cast(m, 'float32')),
          a,
        )
        .cast('bool'),
    ];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/** Applies a fresh merge layer to symbolic inputs (building the graph) or to tensors (computing now). */
function applyMerge(layer: Layer, inputs: readonly KerasTensor[] | readonly Tensor[]): KerasTensor | Tensor {
  if (allSymbolic(inputs)) return layer.apply(inputs);
  return layer.apply(inputs);
}

export function add(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function add(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function add(inputs: readonly KerasTensor[] | readonly Tensor[], args: MergeArgs = {}): KerasTensor | Tensor {
  return applyMerge(new Add(args), inputs);
}

export function subtract(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function subtract(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function subtract(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: MergeArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Subtract(args), inputs);
}

export function multiply(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function multiply(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function multiply(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: MergeArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Multiply(args), inputs);
}

export function average(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function average(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function average(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: MergeArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Average(args), inputs);
}

export function maximum(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function maximum(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function maximum(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: MergeArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Maximum(args), inputs);
}

export function minimum(inputs: readonly KerasTensor[], args?: MergeArgs): KerasTensor;
export function minimum(inputs: readonly Tensor[], args?: MergeArgs): Tensor;
export function minimum(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: MergeArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Minimum(args), inputs);
}

/** `layers.concatenate([a, b], { axis: -1 })`. */
export function concatenate(inputs: readonly KerasTensor[], args?: ConcatenateArgs): KerasTensor;
export function concatenate(inputs: readonly Tensor[], args?: ConcatenateArgs): Tensor;
export function concatenate(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: ConcatenateArgs = {},
): KerasTensor | Tensor {
  return applyMerge(new Concatenate(args), inputs);
}

export interface DotFunctionArgs extends DotArgs {
  /** As `Dot`'s first argument; -1 by default. */
  axes?: DotAxes;
}

/** `layers.dot([a, b], { axes: 1, normalize: true })`. */
export function dot(inputs: readonly KerasTensor[], args?: DotFunctionArgs): KerasTensor;
export function dot(inputs: readonly Tensor[], args?: DotFunctionArgs): Tensor;
export function dot(
  inputs: readonly KerasTensor[] | readonly Tensor[],
  args: DotFunctionArgs = {},
): KerasTensor | Tensor {
  const { axes = -1, ...rest } = args;
  return applyMerge(new Dot(axes, rest), inputs);
}

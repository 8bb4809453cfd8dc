import * as ops from '../ops/index.js';
import { type SymbolicShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg } from './layer.js';
import { commonBatch, listOfShapes, mergeShapes } from './merge_base.js';
import { checkOptions } from './options.js';

/** One axis for both inputs, or [axis of the first, axis of the second]; never the batch axis 0. */
export type DotAxes = number | readonly [number, number];

export interface DotArgs extends LayerArgs {
  /** L2-normalise both inputs along their dot axes first, giving cosine similarities. */
  normalize?: boolean;
}

/** x · x̂ with a squared norm clamped at (1e-7)², as Keras's `normalize`. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const squares = ops.sum(ops.square(x), axis, true);
  return ops.mul(x, ops.unary('rsqrt', ops.maximum(squares, 1e-14)));
}

/** Moves `from` to position `to`, keeping the order of the other axes. */
function moveAxis(x: Tensor, from: number, to: number): Tensor {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return ops.transpose(x, perm);
}

/** Keras's `Dot`: per sample, the dot product of two inputs along one axis of each (Keras's `batch_dot`). */
export class Dot extends Layer {
  static override readonly className = 'Dot';
  static override readonly positional = ['axes'];
  override supportsMasking = true;
  readonly axes: DotAxes;
  readonly normalize: boolean;

  constructor(axes: DotAxes, args: DotArgs = {}) {
    checkOptions('Dot', args, [...BASE_OPTIONS, 'normalize']);
    super(args);
    const list = typeof axes === 'number' ? [axes] : axes;
    if ((typeof axes !== 'number' && axes.length !== 2) || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`Dot: axes must be an integer or a pair of integers, got ${JSON.stringify(axes)}.`);
    }
    this.axes = axes;
    this.normalize = args.normalize ?? false;
  }

  /** The two axes, made non-negative against each input's rank. */
  private resolveAxes(shapes: readonly SymbolicShape[]): [number, number] {
    const pair = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const resolved = shapes.map((s, i) => {
      const a = pair[i] < 0 ? pair[i] + s.length : pair[i];
      if (a <= 0 || a >= s.length) {
        throw new Error(
          `Dot layer '${this.name}': axis ${pair[i]} is not a non-batch axis of input ${i + 1} (shapes ${listOfShapes(shapes)}).`,
        );
      }
      return a;
    });
    return [resolved[0], resolved[1]];
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const shapes = mergeShapes(this, inputShape, 2, 2);
    const batch = commonBatch(this, shapes);
    for (const s of shapes) {
      if (s.length < 2)
        throw new Error(`Dot layer '${this.name}' needs inputs of rank 2 or more, got shapes ${listOfShapes(shapes)}.`);
    }
    const [a0, a1] = this.resolveAxes(shapes);
    const [s1, s2] = shapes;
    if (s1[a0] !== null && s2[a1] !== null && s1[a0] !== s2[a1]) {
      throw new Error(
        `Dot layer '${this.name}' cannot take the dot product of axis ${a0} of size ${s1[a0]} with axis ${a1} of ` +
          `size ${s2[a1]}: shapes ${listOfShapes(shapes)}.`,
      );
    }
    const rest = [...s1.slice(1).filter((_, i) => i + 1 !== a0), ...s2.slice(1).filter((_, i) => i + 1 !== a1)];
    return [batch, ...(rest.length === 0 ? [1] : rest)];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const [first, second] = Array.isArray(inputs) ? inputs : [inputs];
    const [a0, a1] = this.resolveAxes([first.shape, second.shape]);
    const x = this.normalize ? l2Normalize(first, a0) : first;
    const y = this.normalize ? l2Normalize(second, a1) : second;
    // [b, M, K] · [b, K, N] with the dot axes moved to the contraction positions.
    const xm = moveAxis(x, a0, x.rank - 1);
    const yk = moveAxis(y, a1, 1);
    const b = x.shape[0];
    const k = x.shape[a0];
    const xRest = xm.shape.slice(1, -1);
    const yRest = yk.shape.slice(2);
    const out = ops.batchMatMul(ops.reshape(xm, [b, sizeOf(xRest), k]), ops.reshape(yk, [b, k, sizeOf(yRest)]));
    const rest = [...xRest, ...yRest];
    return ops.reshape(out, [b, ...(rest.length === 0 ? [1] : rest)]);
  }

  override computeMask(_inputs: Tensor[], _masks: readonly (Tensor | null)[]): null {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }
}

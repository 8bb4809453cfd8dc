import * as ops from '../ops/index.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { KerasTensor } from './keras_tensor.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, isShapeList } from './layer.js';
import { checkOptions } from './options.js';

export const listOfShapes = (shapes: readonly SymbolicShape[]): string => shapes.map(formatShape).join(', ');

/** The shapes of a merge layer's inputs, which must be a list of at least `min` (exactly `exact` when given). */
export function mergeShapes(layer: Layer, inputShape: ShapeArg, min = 2, exact?: number): SymbolicShape[] {
  const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
  const wanted = exact ?? min;
  if (shapes.length < wanted || (exact !== undefined && shapes.length !== exact)) {
    const count = exact !== undefined ? `exactly ${exact}` : `at least ${min}`;
    throw new Error(
      `${layer.className} layer '${layer.name}' should be called on a list of ${count} inputs, got ` +
        `${shapes.length} (shapes ${listOfShapes(shapes)}).`,
    );
  }
  return shapes;
}

/** The batch size all inputs agree on (null when none is known); differing known sizes are an error. */
export function commonBatch(layer: Layer, shapes: readonly SymbolicShape[]): number | null {
  const known = [...new Set(shapes.map((s) => s[0]).filter((d): d is number => d !== null && d !== undefined))];
  if (known.length > 1) {
    throw new Error(
      `${layer.className} layer '${layer.name}' cannot merge inputs with different batch sizes: shapes ${listOfShapes(shapes)}.`,
    );
  }
  return known[0] ?? null;
}

/** An OR of boolean masks, as Keras merges the masks of its inputs. */
export function orMasks(masks: readonly Tensor[]): Tensor {
  const total = masks.slice(1).reduce((acc, m) => ops.add(acc, ops.cast(m, 'float32')), ops.cast(masks[0], 'float32'));
  return ops.compare('greater', total, 0);
}

/**
 * Keras's `Merge`: an elementwise combination of two or more inputs. Shapes (without the batch
 * axis) broadcast from the right; an input of lower rank gets axes of length 1 inserted after
 * the batch axis. Shapes that cannot broadcast are an error listing every input's shape.
 */
export abstract class Merge extends Layer {
  override supportsMasking = true;
  protected readonly exactInputs: number | undefined;

  constructor(className: string, args: LayerArgs, exactInputs?: number) {
    checkOptions(className, args, BASE_OPTIONS);
    super(args);
    this.exactInputs = exactInputs;
  }

  protected abstract merge(inputs: Tensor[]): Tensor;

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const shapes = mergeShapes(this, inputShape, 2, this.exactInputs);
    const batch = commonBatch(this, shapes);
    const rank = Math.max(...shapes.map((s) => s.length)) - 1;
    const out: (number | null)[] = [];
    for (let i = 0; i < rank; i++) {
      // Right-aligned over the non-batch axes; a missing axis acts as 1.
      const dims = shapes.map((s) => (i - rank + s.length - 1 >= 0 ? s[i - rank + s.length] : 1));
      // As Keras: an unknown size on any input leaves the result unknown.
      if (dims.some((d) => d === null)) {
        out.push(null);
        continue;
      }
      const sizes = [...new Set(dims.filter((d): d is number => d !== 1 && d !== null))];
      if (sizes.length > 1) {
        throw new Error(
          `${this.className} layer '${this.name}' cannot merge inputs of shapes ${listOfShapes(shapes)}: ` +
            `apart from the batch axis, sizes must be equal (or 1, to broadcast), but they differ (${sizes.join(' vs ')}). ` +
            `Make the inputs agree first, for example with a strided 1×1 Conv2D, a pooling layer or a Dense projection.`,
        );
      }
      out.push(sizes[0] ?? 1);
    }
    return [batch, ...out];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.computeOutputShape(list.map((t) => t.shape));
    const rank = Math.max(...list.map((t) => t.rank));
    const aligned = list.map((t) => {
      let x = t;
      while (x.rank < rank) x = ops.expandDims(x, 1);
      return x;
    });
    return this.merge(aligned);
  }

  override computeMask(_inputs: Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    if (masks.length === 0 || masks.some((m) => m === null)) return null;
    return [orMasks(masks.filter((m): m is Tensor => m !== null))];
  }
}

/** Whether every input of a merge helper is symbolic (to pick the matching `apply` overload). */
export function allSymbolic(inputs: readonly KerasTensor[] | readonly Tensor[]): inputs is readonly KerasTensor[] {
  return inputs.every((t: KerasTensor | Tensor) => t instanceof KerasTensor);
}

/**
 * Output shapes for layers that do not state them, found as Keras 3's `compute_output_spec` finds
 * them: by running the layer's `call`. Dendrite's ops compute on concrete tensors, so the call runs
 * on small zero tensors, twice, with the batch axis and every unknown axis set to 2 and then 3:
 * an output axis that follows those sizes is unknown (`None`), one that stays put is fixed.
 */
import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import { type Tensor, zeros } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';

const PROBES = [2, 3] as const;

/**
 * The output shapes of `run` for inputs of the given shapes and dtypes. `describe` names the layer
 * in errors; `run` calls it in inference mode.
 */
export function inferOutputShapes(
  describe: string,
  shapes: readonly SymbolicShape[],
  dtypes: readonly DType[],
  run: (inputs: Tensor[]) => Tensor[],
): SymbolicShape[] {
  const results = PROBES.map((size) => {
    const inputs = shapes.map((s, i) => zeros(probeShape(s, size), dtypes[i]));
    try {
      return ops.noGrad(() => run(inputs)).map((t) => t.shape);
    } catch (e) {
      throw new Error(
        `${describe} has no computeOutputShape, and running its call on inputs of shape ` +
          `${shapes.map((s) => formatShape(probeShape(s, size))).join(', ')} to infer one failed: ${(e as Error).message} ` +
          'Define computeOutputShape(inputShape) on the layer.',
      );
    }
  });
  const [small, large] = results;
  if (small.length !== large.length || small.some((s, i) => s.length !== large[i].length)) {
    throw new Error(
      `${describe} has no computeOutputShape, and its outputs change rank with the input size; define computeOutputShape(inputShape).`,
    );
  }
  const batch = shapes[0]?.[0] ?? null;
  return small.map((s, i) =>
    s.map((d, axis) => {
      if (d === large[i][axis]) return d;
      // An axis that follows the batch size is the batch axis: keep a known batch size.
      return axis === 0 && d === PROBES[0] && large[i][axis] === PROBES[1] ? batch : null;
    }),
  );
}

/** The shape to probe with: the batch axis and unknown axes set to `size`. */
function probeShape(shape: SymbolicShape, size: number): number[] {
  return shape.map((d, axis) => (axis === 0 || d === null ? size : d));
}

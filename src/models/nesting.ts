import type { Layer } from '../layers/layer.js';

/**
 * How deep models may sit inside one another. Real architectures nest a handful of levels; past
 * this the recursive walks over weights, shapes and configs would exhaust the JavaScript stack
 * with a bare RangeError, so building such a model is refused up front instead.
 */
export const MAX_MODEL_NESTING = 500;

/** The depth of models under `layers` (0 when none is a model), found without recursion. */
export function nestingDepth(layers: readonly Layer[], modelLayers: (layer: Layer) => readonly Layer[] | null): number {
  const memo = new Map<Layer, number>();
  const depthOf = (root: Layer): number => {
    // An explicit stack in post-order: a model's depth is known once its inner models' are.
    const stack: [Layer, boolean][] = [[root, false]];
    while (stack.length > 0) {
      const [layer, expanded] = stack.pop()!;
      const inner = modelLayers(layer);
      if (!inner) {
        memo.set(layer, 0);
        continue;
      }
      if (expanded) {
        memo.set(layer, 1 + Math.max(0, ...inner.map((l) => memo.get(l) ?? 0)));
        continue;
      }
      if (memo.has(layer)) continue;
      memo.set(layer, 0); // a model inside itself counts once, not forever
      stack.push([layer, true]);
      for (const l of inner) if (!memo.has(l)) stack.push([l, false]);
    }
    return memo.get(root) ?? 0;
  };
  return Math.max(0, ...layers.map(depthOf));
}

/** Refuses a model whose layers nest models deeper than MAX_MODEL_NESTING. */
export function checkNesting(
  modelName: string,
  layers: readonly Layer[],
  modelLayers: (layer: Layer) => readonly Layer[] | null,
): void {
  const depth = nestingDepth(layers, modelLayers);
  if (depth >= MAX_MODEL_NESTING) {
    throw new Error(
      `Model '${modelName}' would nest ${depth + 1} models inside one another; at most ${MAX_MODEL_NESTING} are supported.`,
    );
  }
}

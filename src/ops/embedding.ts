import { getBackend } from '../backend/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatData, outputBuffer, outputFloat } from './create.js';
import { record } from './tape.js';
import { checkIndices, checkRank, checkTensor } from './validate.js';

/**
 * Keras 3 on TensorFlow receives an embedding's gradient as IndexedSlices: one slice per lookup,
 * duplicates not yet summed. Its optimizers square that gradient slice by slice, so a row looked up
 * k times enters RMSprop's / Adam's / Adagrad's second moment as Σ gᵢ², not (Σ gᵢ)². To match
 * Keras, the dense gradient of a lookup remembers how to compute that per-row Σ gᵢ².
 */
const squareSums = new WeakMap<Tensor, () => Tensor>();

/**
 * For the gradient of an embedding table produced by `embeddingLookup`: Σ over lookups of the
 * squared per-lookup gradient, per table element (same shape as the gradient). Optimizers that use
 * g² (RMSprop, Adam, Adagrad) should use this in place of g² when present; undefined otherwise.
 */
export function sparseGradientSquares(grad: Tensor): Tensor | undefined {
  checkTensor(grad, 'sparseGradientSquares', 'grad');
  return squareSums.get(grad)?.();
}

/** table[indices] (indices int32 of any shape; result indices.shape + [dim]), with a sparse-aware gradient. */
export function embeddingLookup(table: Tensor, indices: Tensor): Tensor {
  checkTensor(table, 'embeddingLookup', 'table');
  checkTensor(indices, 'embeddingLookup', 'indices');
  checkRank(table, 'embeddingLookup', 'table', 2);
  if (!(indices.values instanceof Int32Array)) throw new Error('embeddingLookup expects int32 indices.');
  // O(lookups), less than the lookup itself; the reference backend trusts its indices.
  checkIndices(indices.values, table.shape[0], 'embeddingLookup', 'indices');
  const dim = table.shape[1];
  const idx = indices.values;
  const { t: y, data } = outputFloat([...indices.shape, dim]);
  getBackend().gather(floatData(table, 'embeddingLookup'), dim, idx, data);
  record([table], [y], ([dy]) => {
    const g = floatData(dy!, 'embeddingLookup grad');
    const { t: dt, data: dtd } = emptyFloat(table.shape);
    getBackend().scatterAdd(g, dim, idx, dtd);
    squareSums.set(dt, () => {
      const be = getBackend();
      const sq = outputBuffer(g.length);
      be.binary('mul', g, [g.length], g, [g.length], sq, [g.length]);
      const { t, data: out } = emptyFloat(table.shape);
      be.scatterAdd(sq, dim, idx, out);
      return t;
    });
    return [dt];
  });
  return y;
}

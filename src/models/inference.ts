import { allocData } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';

/**
 * Inference over all rows, batch by batch. Each batch runs with the inference buffer pool, so its
 * working memory is reused by the next one (fresh arrays for every activation cost more in page
 * faults and garbage collection than a small model's arithmetic); only the predictions are copied
 * out, into arrays allocated once.
 */
export function inferInBatches(
  xs: Tensor[],
  batchSize: number,
  outputCount: number,
  pool: ops.BufferPool,
  predictStep: (batch: Tensor[]) => Tensor[],
): Tensor[] {
  const n = xs[0].shape[0];
  if (n === 0) return predictStep(xs);
  // Predictions with one row per sample go straight into arrays for all n rows; any other
  // output (a custom layer that reshapes across the batch) is copied per batch and concatenated.
  let results: Tensor[] | null = null;
  const chunks: Tensor[][] = Array.from({ length: outputCount }, () => []);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    ops.withBufferPool(pool, () => {
      const outs = predictStep(xs.map((t) => ops.rowRange(t, start, end)));
      if (start === 0 && outs.every((o) => o.rank > 0 && o.shape[0] === end)) {
        results = outs.map(
          (o) => new Tensor(allocData(o.dtype, n * (o.size / end)), [n, ...o.shape.slice(1)], o.dtype),
        );
      }
      outs.forEach((o, i) => {
        if (results) results[i].values.set(o.values, start * (o.size / (end - start)));
        else chunks[i].push(new Tensor(o.values.slice(), o.shape, o.dtype));
      });
    });
  }
  return results ?? chunks.map((c) => (c.length === 1 ? c[0] : ops.concat(c, 0)));
}

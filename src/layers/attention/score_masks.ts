import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';

/** The mask sources of one multi-head attention call; null where there is none. */
export interface AttentionMaskSources {
  /** The query's padding mask, [batch, <query axes>]. */
  query: Tensor | null;
  /** The value's and key's padding masks, [batch, <key axes>]. */
  value: Tensor | null;
  key: Tensor | null;
  /** The call's `attentionMask`, [batch, T, S] or anything that broadcasts to it. */
  attention: Tensor | null;
}

/**
 * Keras's attention mask in pieces, each shaped to broadcast to the scores, for `maskedSoftmax` to
 * AND as it reads them: the query mask as [..., T, 1], the value and key masks as [..., 1, S], the
 * attention mask as given (made bool); all aligned from the right as Keras's `&` aligns them, then
 * given size-1 axes for the heads where Keras expands the merged mask, before the attention axes.
 * No mask of the scores' full size is made.
 */
export function scoreMasks(sources: AttentionMaskSources, scoresRank: number, attentionAxes: number): Tensor[] {
  const pieces: Tensor[] = [];
  const { query, value, key, attention } = sources;
  if (query) pieces.push(ops.reshape(query, [...query.shape, 1]));
  for (const m of [value, key]) if (m) pieces.push(ops.reshape(m, [...m.shape.slice(0, -1), 1, m.shape[m.rank - 1]]));
  if (attention) pieces.push(attention.dtype === 'bool' ? attention : ops.compare('notEqual', attention, 0));
  const merged = Math.max(0, ...pieces.map((p) => p.rank));
  return pieces.map((p) => {
    const shape = [...new Array<number>(merged - p.rank).fill(1), ...p.shape];
    while (shape.length < scoresRank) shape.splice(Math.max(0, shape.length - 2 * attentionAxes), 0, 1);
    return ops.reshape(p, shape);
  });
}

/**
 * A mask shaped for scores whose last `k` axes are merged into one (attention over several axes
 * normalizes over all key axes together): its last `k` axes merge too, which works when they are
 * all 1 or all the scores' own sizes.
 */
export function mergeKeyAxes(mask: Tensor, scores: readonly number[], k: number, where: string): Tensor {
  const head = mask.shape.slice(0, -k);
  const tail = mask.shape.slice(-k);
  if (tail.every((d) => d === 1)) return ops.reshape(mask, [...head, 1]);
  if (tail.every((d, i) => d === scores[scores.length - k + i])) return ops.reshape(mask, [...head, -1]);
  throw new Error(
    `${where}: a mask of shape (${mask.shape.join(', ')}) varies along some key attention axes but not others, ` +
      `which attention over several axes cannot read.`,
  );
}

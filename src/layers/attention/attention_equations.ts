/**
 * The einsum equations of Keras 3's MultiHeadAttention, built by the same rules so that weight
 * shapes, score layouts and `attention_axes` mean what they mean in Keras. Axes are letters
 * a, b, c, ... in order.
 */

const letter = (i: number): string => String.fromCharCode(97 + i);

/**
 * A projection contracting the input's last `bound` axes with the kernel's first, keeping the
 * input's first `free` axes and appending `out` new ones: for free 2, bound 1, out 2,
 * `abc,cde->abde` with a bias on `de`.
 */
export function projectionEquation(
  free: number,
  bound: number,
  out: number,
): { equation: string; biasAxes: string; outputRank: number } {
  const f = Array.from({ length: free }, (_, i) => letter(i)).join('');
  const b = Array.from({ length: bound }, (_, i) => letter(free + i)).join('');
  const o = Array.from({ length: out }, (_, i) => letter(free + bound + i)).join('');
  return { equation: `${f}${b},${b}${o}->${f}${o}`, biasAxes: o, outputRank: free + out };
}

/**
 * For projected tensors of rank `rank` ([batch, ..., heads, channels]) and the attention axes: the
 * query·key equation (key first, as Keras writes it), the probabilities·value equation, and the
 * rank of the scores, laid out as [other axes with heads, query attention axes, key attention axes].
 */
export function attentionEquations(
  rank: number,
  axes: readonly number[],
): { dot: string; combine: string; scoresRank: number } {
  const target = Array.from({ length: rank }, (_, i) => letter(i));
  const batch = target.map((_, i) => i).filter((i) => !axes.includes(i) && i !== rank - 1);
  let next = rank;
  const source = target.map((l, i) => (batch.includes(i) || i === rank - 1 ? l : letter(next++)));
  const product = [...batch.map((i) => target[i]), ...axes.map((i) => target[i]), ...axes.map((i) => source[i])].join(
    '',
  );
  const src = source.join('');
  const tgt = target.join('');
  return { dot: `${src},${tgt}->${product}`, combine: `${product},${src}->${tgt}`, scoresRank: product.length };
}

/**
 * Keras's default and negative attention axes resolved against the projected rank: every axis
 * between the batch axis and the heads axis by default.
 */
export function resolveAttentionAxes(axes: readonly number[] | null, rank: number): number[] {
  if (axes === null) return Array.from({ length: rank - 3 }, (_, i) => i + 1);
  return axes.map((a) => (a >= 0 ? a : rank - 1 + a));
}

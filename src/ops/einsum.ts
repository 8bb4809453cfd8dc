import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchMatMul, matMul } from './matmul.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './shape_ops.js';
import { checkTensor, fail } from './validate.js';

/**
 * Einstein summation of two tensors, as `numpy.einsum('abc,cde->abde', a, b)`: letters in both
 * inputs and the output are batch axes, letters in both inputs only are summed over (contracted),
 * letters of one input and the output are kept, letters of one input only are summed first. One
 * `...` per term stands for the axes the letters leave over. Each letter names one size: no
 * broadcasting, no repeated letter within a term (no diagonals).
 *
 * It runs as one batched matrix product, with each operand transposed only when its axes are not
 * already grouped as batch, kept and contracted axes, and the result transposed only when the
 * output orders its axes differently; gradients come from those ops.
 */
export function einsum(equation: string, a: Tensor, b: Tensor): Tensor {
  checkTensor(a, 'einsum', 'a');
  checkTensor(b, 'einsum', 'b');
  if (typeof equation !== 'string') fail('einsum', `equation must be a string, got ${typeof equation}.`);
  let [la, lb, lo] = parse(equation, a.rank, b.rank);
  const size = new Map<string, number>();
  const note = (letters: string[], t: Tensor, which: string): void =>
    letters.forEach((l, i) => {
      const known = size.get(l);
      if (known !== undefined && known !== t.shape[i]) {
        fail(
          'einsum',
          `'${equation}': axis '${l}' has size ${known} in one place and ${t.shape[i]} in ${which} ` +
            `${formatShape(t.shape)}.`,
        );
      }
      size.set(l, t.shape[i]);
    });
  note(la, a, 'a');
  note(lb, b, 'b');
  for (const l of lo) if (!size.has(l)) fail('einsum', `'${equation}': output axis '${l}' is in neither input.`);
  // Axes of one input that the output drops are summed before the product.
  [a, la] = sumAway(a, la, lb, lo);
  [b, lb] = sumAway(b, lb, la, lo);

  const batch = lo.filter((l) => la.includes(l) && lb.includes(l));
  const contract = la.filter((l) => lb.includes(l) && !lo.includes(l));
  const freeA = lo.filter((l) => la.includes(l) && !lb.includes(l));
  const freeB = lo.filter((l) => lb.includes(l) && !la.includes(l));
  // Product B·A when the output lists B's kept axes first: no transpose of the result then.
  const swap = freeA.length > 0 && freeB.length > 0 && lo.indexOf(freeB[0]) < lo.indexOf(freeA[0]);
  const [x, lx, fx, y, ly, fy] = swap ? [b, lb, freeB, a, la, freeA] : [a, la, freeA, b, lb, freeB];
  const dims = (ls: string[]): number => sizeOf(ls.map((l) => size.get(l)!));
  const B = dims(batch);
  const M = dims(fx);
  const N = dims(fy);
  const K = dims(contract);
  const left = arrange(x, lx, batch, fx, contract);
  const right = arrange(y, ly, batch, contract, fy);
  const shapeOf = (t: boolean, p: number, q: number): number[] => (batch.length ? [B] : []).concat(t ? [q, p] : [p, q]);
  const x3 = reshape(left.t, shapeOf(left.flipped, M, K));
  const y3 = reshape(right.t, shapeOf(right.flipped, K, N));
  const z = batch.length
    ? batchMatMul(x3, y3, left.flipped, right.flipped)
    : matMul(x3, y3, { transposeA: left.flipped, transposeB: right.flipped });
  const letters = [...batch, ...fx, ...fy];
  const out = reshape(
    z,
    letters.map((l) => size.get(l)!),
  );
  return sameOrder(letters, lo)
    ? out
    : transpose(
        out,
        lo.map((l) => letters.indexOf(l)),
      );
}

/** The letters of each term, `...` expanded to letters of their own (the same ones in every term). */
function parse(equation: string, rankA: number, rankB: number): [string[], string[], string[]] {
  const m = /^([a-zA-Z.]*),([a-zA-Z.]*)->([a-zA-Z.]*)$/.exec(equation.replace(/\s+/g, ''));
  if (!m) fail('einsum', `equation must look like 'ab,bc->ac' (two inputs, one output), got '${equation}'.`);
  const used = new Set(equation.replace(/[^a-zA-Z]/g, ''));
  const spare = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !used.has(c));
  const ellipsis = (term: string, rank: number): number => {
    const parts = term.split('...');
    if (parts.length > 2 || parts.join('').includes('.')) {
      fail('einsum', `'${equation}': each term may hold one '...' and no other dots.`);
    }
    return parts.length === 2 ? rank - parts.join('').length : 0;
  };
  const na = ellipsis(m[1], rankA);
  const nb = ellipsis(m[2], rankB);
  const ne = Math.max(na, nb);
  const fill = spare.slice(0, ne);
  const expand = (term: string, n: number): string[] =>
    term.includes('...') ? [...term.split('...')[0], ...fill.slice(ne - n), ...term.split('...')[1]] : [...term];
  const la = expand(m[1], na);
  const lb = expand(m[2], nb);
  const lo = m[3].includes('...') ? expand(m[3], ne) : [...m[3]];
  const check = (letters: string[], rank: number, what: string): void => {
    if (letters.length !== rank || na < 0 || nb < 0)
      fail('einsum', `'${equation}': ${what} names ${letters.length} axes, its tensor has ${rank}.`);
    if (new Set(letters).size !== letters.length) fail('einsum', `'${equation}': ${what} repeats an axis letter.`);
  };
  check(la, rankA, 'the first input');
  check(lb, rankB, 'the second input');
  if (new Set(lo).size !== lo.length) fail('einsum', `'${equation}': the output repeats an axis letter.`);
  return [la, lb, lo];
}

/** Sums the axes of `t` that neither the other input nor the output names. */
function sumAway(t: Tensor, letters: string[], other: string[], out: string[]): [Tensor, string[]] {
  const gone = letters.map((l, i) => (other.includes(l) || out.includes(l) ? -1 : i)).filter((i) => i >= 0);
  if (gone.length === 0) return [t, letters];
  return [sum(t, gone), letters.filter((_, i) => !gone.includes(i))];
}

/**
 * `t` with its axes grouped as [batch, p, q], or as [batch, q, p] (then `flipped`, for the matrix
 * product to transpose), whichever needs no copy; transposed to [batch, p, q] when neither fits.
 */
function arrange(
  t: Tensor,
  letters: string[],
  batch: string[],
  p: string[],
  q: string[],
): { t: Tensor; flipped: boolean } {
  const straight = [...batch, ...p, ...q];
  if (sameOrder(letters, straight)) return { t, flipped: false };
  if (sameOrder(letters, [...batch, ...q, ...p])) return { t, flipped: true };
  return {
    t: transpose(
      t,
      straight.map((l) => letters.indexOf(l)),
    ),
    flipped: false,
  };
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

import { getBackend } from '../backend/registry.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatData, outputBuffer, outputFloat } from './create.js';
import { softmax } from './nn.js';
import { record } from './tape.js';
import { checkBoolean, checkInt, checkOneOf, checkRank, checkTensor, fail } from './validate.js';

const FILLS = ['replace', 'subtract'] as const;

export interface MaskedSoftmaxOptions {
  /**
   * Bool masks that broadcast to `x` (each axis 1 or x's size, aligned from the right): a score is
   * kept where every mask is true. An attention layer passes its padding masks as they are, with
   * size-1 axes, so that no mask of the scores' full size is ever made.
   */
  masks?: readonly Tensor[];
  /** Also keep only the scores whose position on the last axis is at most the one on axis -2. */
  causal?: boolean;
  /** Also keep only the scores whose positions on the last two axes differ by less than this. */
  window?: number | null;
  /**
   * How masked scores are left out. 'replace' (Keras's Softmax layer, MultiHeadAttention): they
   * become -1e9 and their probabilities 0, so a row with nothing kept is all zeros. 'subtract'
   * (Keras's Attention layers): 1e9 is subtracted from them, so a row with nothing kept stays a
   * softmax of the scores as float32 rounds them (uniform) and still passes gradients back.
   */
  fill?: 'replace' | 'subtract';
}

/**
 * Softmax over the last axis with scores masked out, in one pass over the scores before the
 * backend's softmax kernel: the masks are read through their broadcast strides and the causal
 * rule from the row index, so attention never builds a [batch, heads, T, S] mask. Its gradient is
 * the softmax's, taken at the final probabilities: a masked probability is 0 (or, in a row with
 * nothing kept under 'subtract', what TensorFlow's subtraction passes back).
 */
export function maskedSoftmax(x: Tensor, opts: MaskedSoftmaxOptions = {}): Tensor {
  checkTensor(x, 'maskedSoftmax', 'x');
  checkRank(x, 'maskedSoftmax', 'x', 1, Number.POSITIVE_INFINITY);
  const { masks = [], causal = false, fill = 'replace', window = null } = opts;
  checkBoolean(causal, 'maskedSoftmax', 'causal');
  if (window !== null) checkInt(window, 'maskedSoftmax', 'window', 1);
  checkOneOf(fill, FILLS, 'maskedSoftmax', 'fill');
  if (!Array.isArray(masks)) fail('maskedSoftmax', 'masks must be an array of bool tensors.');
  const banded = causal || window !== null;
  if (banded) checkRank(x, 'maskedSoftmax', 'x (causal or windowed)', 2, Number.POSITIVE_INFINITY);
  if (masks.length === 0 && !banded) return softmax(x, -1);
  const strides = masks.map((m, i) => broadcastStrides(m, x.shape, i));

  const cols = x.shape[x.rank - 1];
  const rows = sizeOf(x.shape.slice(0, -1));
  const steps = banded ? x.shape[x.rank - 2] : 1;
  const lead = x.shape.slice(0, -1);
  const xd = floatData(x, 'maskedSoftmax');
  const values = masks.map((m) => m.values);
  // A mask constant along the last axis keeps or drops whole rows; the others are read per score.
  const perRow = masks.map((_, i) => i).filter((i) => strides[i][lead.length] === 0);
  const perScore = masks.map((_, i) => i).filter((i) => strides[i][lead.length] !== 0);
  const z = outputBuffer(x.size);
  z.set(xd);
  const cover = (from: number, to: number): void => {
    if (fill === 'replace') z.fill(-1e9, from, to);
    else for (let i = from; i < to; i++) z[i] = xd[i] - 1e9;
  };
  // Each row keeps the scores in [lo, hi) that the causal and window rules allow, less those a
  // per-score mask drops (flagged in `dropped`).
  const ranges = new Int32Array(2 * rows);
  const dropped = perScore.length > 0 ? new Uint8Array(x.size) : null;
  const index = new Array<number>(lead.length).fill(0);
  const offsets = masks.map(() => 0);
  for (let r = 0; r < rows; r++) {
    const t = r % steps;
    let lo = window === null ? 0 : Math.min(cols, Math.max(0, t - window + 1));
    let hi = causal ? Math.min(cols, t + 1) : window === null ? cols : Math.min(cols, t + window);
    if (hi < lo || perRow.some((i) => values[i][offsets[i]] === 0)) hi = lo = 0;
    const base = r * cols;
    cover(base, base + lo);
    cover(base + hi, base + cols);
    if (dropped) {
      for (const i of perScore) {
        const v = values[i];
        const o = offsets[i];
        for (let c = lo; c < hi; c++) if (v[o + c] === 0) dropped[base + c] = 1;
      }
      for (let c = lo; c < hi; c++) if (dropped[base + c] === 1) cover(base + c, base + c + 1);
    }
    ranges[2 * r] = lo;
    ranges[2 * r + 1] = hi;
    // Next row: step the index over the leading axes and each mask's offset with it.
    for (let ax = lead.length - 1; ax >= 0; ax--) {
      index[ax]++;
      for (let i = 0; i < masks.length; i++) offsets[i] += strides[i][ax];
      if (index[ax] < lead[ax]) break;
      for (let i = 0; i < masks.length; i++) offsets[i] -= strides[i][ax] * index[ax];
      index[ax] = 0;
    }
  }
  const { t: y, data } = outputFloat(x.shape);
  getBackend().softmax(z, data, rows, cols);
  if (fill === 'replace') {
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      data.fill(0, base, base + ranges[2 * r]);
      data.fill(0, base + ranges[2 * r + 1], base + cols);
    }
    if (dropped) for (let i = 0; i < data.length; i++) if (dropped[i] === 1) data[i] = 0;
  }
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    getBackend().softmaxGrad(data, floatData(dy!, 'maskedSoftmax grad'), dxd, rows, cols);
    return [dx];
  });
  return y;
}

/** The element strides of bool mask `m` read as broadcast to `shape` (0 along axes it repeats). */
function broadcastStrides(m: Tensor, shape: readonly number[], which: number): number[] {
  checkTensor(m, 'maskedSoftmax', `masks[${which}]`);
  if (m.dtype !== 'bool') fail('maskedSoftmax', `masks[${which}] must be a bool tensor, got ${m.dtype}.`);
  const off = shape.length - m.rank;
  if (off < 0 || m.shape.some((d, i) => d !== 1 && d !== shape[off + i])) {
    fail(
      'maskedSoftmax',
      `masks[${which}] of shape ${formatShape(m.shape)} does not broadcast to the scores' ${formatShape(shape)}.`,
    );
  }
  const strides = new Array<number>(shape.length).fill(0);
  let step = 1;
  for (let i = m.rank - 1; i >= 0; i--) {
    if (m.shape[i] !== 1) strides[off + i] = step;
    step *= m.shape[i];
  }
  return strides;
}

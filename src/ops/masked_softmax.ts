import { getBackend } from '../backend/registry.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatBuffer, floatData, outputFloat } from './create.js';
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
  const reach = window ?? Number.POSITIVE_INFINITY;
  const lead = x.shape.slice(0, -1);
  const xd = floatData(x, 'maskedSoftmax');
  const z = floatBuffer(x.size);
  const keep = new Uint8Array(x.size);
  const index = new Array<number>(lead.length).fill(0);
  const offsets = masks.map(() => 0);
  for (let r = 0; r < rows; r++) {
    const t = r % steps;
    for (let c = 0; c < cols; c++) {
      let k = (!causal || c <= t) && Math.abs(c - t) < reach;
      for (let i = 0; k && i < masks.length; i++) k = masks[i].values[offsets[i] + c * strides[i][lead.length]] !== 0;
      const at = r * cols + c;
      keep[at] = k ? 1 : 0;
      z[at] = k ? xd[at] : fill === 'replace' ? -1e9 : xd[at] - 1e9;
    }
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
  if (fill === 'replace') for (let i = 0; i < data.length; i++) if (keep[i] === 0) data[i] = 0;
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

import { getBackend } from '../backend/registry.js';
import { describeValue } from '../tensor/describe.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { nextUniform } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatData, floatBuffer, outputFloat } from './create.js';
import { transpose } from './shape_ops.js';
import { record } from './tape.js';
import { checkAxis, checkIndices, checkOneOf, checkRank, checkShapeArg, checkTensor, fail } from './validate.js';

const LOGIT_KINDS = ['softmax', 'sigmoid'] as const;

/**
 * Probabilities remember the logits they came from, as Keras 3 does with `_keras_logits`:
 * cross-entropy losses then work from the logits, which is both exact and stable.
 */
const logitsOf = new WeakMap<Tensor, { kind: 'softmax' | 'sigmoid'; logits: Tensor }>();

export function sourceLogits(probs: Tensor, kind: 'softmax' | 'sigmoid'): Tensor | undefined {
  const entry = logitsOf.get(probs);
  return entry && entry.kind === kind ? entry.logits : undefined;
}

export function markLogits(probs: Tensor, kind: 'softmax' | 'sigmoid', logits: Tensor): void {
  checkTensor(probs, 'markLogits', 'probs');
  checkTensor(logits, 'markLogits', 'logits');
  checkOneOf(kind, LOGIT_KINDS, 'markLogits', 'kind');
  logitsOf.set(probs, { kind, logits });
}

export function softmax(x: Tensor, axis = -1): Tensor {
  checkTensor(x, 'softmax', 'x');
  const a = checkAxis(axis, x.rank, 'softmax');
  if (a !== x.rank - 1) {
    const perm = x.shape.map((_, i) => i);
    perm[a] = x.rank - 1;
    perm[x.rank - 1] = a;
    return transpose(softmax(transpose(x, perm), -1), perm);
  }
  const cols = x.shape[x.rank - 1];
  // From the leading dims, not size / cols, which is NaN for an empty last axis.
  const rows = sizeOf(x.shape.slice(0, -1));
  const { t: y, data } = emptyFloat(x.shape);
  getBackend().softmax(floatData(x, 'softmax'), data, rows, cols);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    getBackend().softmaxGrad(data, floatData(dy!, 'softmax grad'), dxd, rows, cols);
    return [dx];
  });
  markLogits(y, 'softmax', x);
  return y;
}

/** Per-row −Σ labels · log_softmax(logits) over the last axis; returns shape logits.shape[:-1]. */
export function softmaxCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  checkTensor(labels, 'softmaxCrossEntropyWithLogits', 'labels');
  checkTensor(logits, 'softmaxCrossEntropyWithLogits', 'logits');
  checkRank(logits, 'softmaxCrossEntropyWithLogits', 'logits', 1, Number.POSITIVE_INFINITY);
  if (labels.rank !== logits.rank || labels.shape.some((d, i) => d !== logits.shape[i])) {
    throw new Error(
      `categorical crossentropy: targets of shape ${formatShape(labels.shape)} do not match predictions of shape ` +
        `${formatShape(logits.shape)}.`,
    );
  }
  const cols = logits.shape[logits.rank - 1];
  const rows = sizeOf(logits.shape.slice(0, -1));
  const { t: loss, data: lossData } = emptyFloat(logits.shape.slice(0, -1));
  const grad = floatBuffer(logits.size);
  const labelData = floatData(labels, 'crossentropy labels');
  getBackend().softmaxCrossEntropy(floatData(logits, 'crossentropy'), labelData, rows, cols, lossData, grad);
  record([logits, labels], [loss], ([dy]) => {
    // dlogits = (softmax − labels) · dloss, row by row.
    const { t: dx, data: dxd } = outputFloat(logits.shape);
    getBackend().binary('mul', grad, [rows, cols], floatData(dy!, 'crossentropy grad'), [rows, 1], dxd, [rows, cols]);
    return [dx, null];
  });
  return loss;
}

/** Elementwise max(z, 0) − z·y + log(1 + e^−|z|): binary cross-entropy from logits, stable for any z. */
export function sigmoidCrossEntropyWithLogits(labels: Tensor, logits: Tensor): Tensor {
  checkTensor(labels, 'sigmoidCrossEntropyWithLogits', 'labels');
  checkTensor(logits, 'sigmoidCrossEntropyWithLogits', 'logits');
  const z = floatData(logits, 'binary crossentropy');
  const yv = floatData(labels, 'binary crossentropy labels');
  if (labels.size !== logits.size) {
    throw new Error(
      `binary crossentropy: targets of shape ${formatShape(labels.shape)} do not match predictions of shape ${formatShape(logits.shape)}.`,
    );
  }
  const { t: loss, data } = emptyFloat(logits.shape);
  for (let i = 0; i < z.length; i++) data[i] = Math.max(z[i], 0) - z[i] * yv[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  record([logits, labels], [loss], ([dy]) => {
    const g = floatData(dy!, 'binary crossentropy grad');
    const { t: dx, data: dxd } = emptyFloat(logits.shape);
    for (let i = 0; i < z.length; i++) {
      const s = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
      dxd[i] = (s - yv[i]) * g[i];
    }
    return [dx, null];
  });
  return loss;
}

/** Inverted dropout: zeroes a `rate` fraction and scales the rest by 1/(1 − rate). */
export function dropout(x: Tensor, rate: number, noiseShape?: readonly number[]): Tensor {
  checkTensor(x, 'dropout', 'x');
  // A rate of 1 or more would scale by 1/(1 − rate) ≤ 0: Keras refuses it too.
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    fail('dropout', `rate must be a number in [0, 1), got ${describeValue(rate)}.`);
  }
  if (noiseShape !== undefined) checkNoiseShape(noiseShape, x.shape);
  if (rate === 0) return x;
  const keep = 1 - rate;
  const shape = noiseShape ?? x.shape;
  const mask = floatBuffer(shape.reduce((p, d) => p * d, 1));
  for (let i = 0; i < mask.length; i++) mask[i] = nextUniform() < keep ? 1 / keep : 0;
  const m = new Tensor(mask, shape, 'float32');
  const xd = floatData(x, 'dropout');
  const { t: y, data } = emptyFloat(x.shape);
  getBackend().binary('mul', xd, x.shape, mask, shape, data, x.shape);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    getBackend().binary('mul', floatData(dy!, 'dropout grad'), x.shape, m.values, shape, dxd, x.shape);
    return [dx];
  });
  return y;
}

/** A noise shape broadcasts to the input: the same rank, each dimension 1 or the input's. */
function checkNoiseShape(noiseShape: readonly number[], shape: readonly number[]): void {
  checkShapeArg(noiseShape, 'dropout', 'noiseShape');
  if (noiseShape.length !== shape.length || noiseShape.some((d, i) => d !== 1 && d !== shape[i])) {
    fail(
      'dropout',
      `noiseShape ${formatShape(noiseShape)} must broadcast to the input's ${formatShape(shape)} (each dimension 1 or equal).`,
    );
  }
}

/** table[indices] for an embedding: indices int32 of any shape, result indices.shape + [dim]. */
export function gather(table: Tensor, indices: Tensor): Tensor {
  checkTensor(table, 'gather', 'table');
  checkTensor(indices, 'gather', 'indices');
  checkRank(table, 'gather', 'table', 2);
  if (!(indices.values instanceof Int32Array)) throw new Error('gather expects int32 indices.');
  checkIndices(indices.values, table.shape[0], 'gather', 'indices');
  const dim = table.shape[1];
  const idx = indices.values;
  const { t: y, data } = emptyFloat([...indices.shape, dim]);
  getBackend().gather(floatData(table, 'gather'), dim, idx, data);
  record([table], [y], ([dy]) => {
    const { t: dt, data: dtd } = emptyFloat(table.shape);
    getBackend().scatterAdd(floatData(dy!, 'gather grad'), dim, idx, dtd);
    return [dt];
  });
  return y;
}

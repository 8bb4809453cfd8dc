import * as ops from '../ops/index.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * A loss maps targets and predictions to one value per sample (shape [batch] or [batch, ...]);
 * the trainer applies sample weights and averages over the batch (Keras's `sum_over_batch_size`).
 */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

export type LossId =
  | 'mse'
  | 'mean_squared_error'
  | 'mae'
  | 'mean_absolute_error'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | 'huber'
  | 'cosine_similarity';

const EPSILON = 1e-7;

function sameShape(name: string, yTrue: Tensor, yPred: Tensor): void {
  const a = yTrue.shape;
  const b = yPred.shape;
  const ok =
    a.length === b.length
      ? a.every((d, i) => d === b[i])
      : a.length === b.length - 1 && b[b.length - 1] === 1 && a.every((d, i) => d === b[i]);
  if (!ok) {
    throw new Error(`${name}: targets of shape ${formatShape(a)} do not match predictions of shape ${formatShape(b)}.`);
  }
}

/** Targets as float32 in the predictions' shape ([batch] targets for a [batch, 1] output are fine). */
function alignTargets(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  sameShape(name, yTrue, yPred);
  const t = yTrue.dtype === 'float32' ? yTrue : yTrue.cast('float32');
  return t.rank === yPred.rank ? t : t.reshape(yPred.shape);
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_squared_error', yTrue, yPred);
  return ops.mean(ops.square(ops.sub(yPred, t)), -1);
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_absolute_error', yTrue, yPred);
  return ops.mean(ops.abs(ops.sub(yPred, t)), -1);
}

export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const t = alignTargets('categorical_crossentropy', yTrue, yPred);
  if (yPred.shape[yPred.rank - 1] === 1) {
    throw new Error(
      `categorical_crossentropy expects one column per class, got predictions of shape ${formatShape(yPred.shape)}; for a single sigmoid output use binary_crossentropy.`,
    );
  }
  const logits = fromLogits ? yPred : ops.sourceLogits(yPred, 'softmax');
  if (logits) return ops.softmaxCrossEntropyWithLogits(t, logits);
  // Probabilities: renormalise and clip as Keras does before taking the log.
  const p = ops.clip(ops.div(yPred, ops.sum(yPred, -1, true)), EPSILON, 1 - EPSILON);
  return ops.neg(ops.sum(ops.mul(t, ops.log(p)), -1));
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const classes = yPred.shape[yPred.rank - 1];
  const lead = yPred.shape.slice(0, -1);
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? yTrue.reshape(lead) : yTrue;
  if (labels.shape.join() !== lead.join()) {
    throw new Error(
      `sparse_categorical_crossentropy: integer targets of shape ${formatShape(yTrue.shape)} do not match predictions of shape ${formatShape(yPred.shape)} (expected ${formatShape(lead)}).`,
    );
  }
  const oneHot = new Float32Array(yPred.size);
  for (let i = 0; i < labels.size; i++) {
    const c = labels.values[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`sparse_categorical_crossentropy: target ${c} is not a class index in [0, ${classes}).`);
    }
    oneHot[i * classes + c] = 1;
  }
  return categoricalCrossentropy(new Tensor(oneHot, yPred.shape, 'float32'), yPred, fromLogits);
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const t = alignTargets('binary_crossentropy', yTrue, yPred);
  const logits = fromLogits ? yPred : ops.sourceLogits(yPred, 'sigmoid');
  if (logits) return ops.mean(ops.sigmoidCrossEntropyWithLogits(t, logits), -1);
  const p = ops.clip(yPred, EPSILON, 1 - EPSILON);
  const pos = ops.mul(t, ops.log(p));
  const negTerm = ops.mul(ops.sub(1, t), ops.log(ops.sub(1, p)));
  return ops.neg(ops.mean(ops.add(pos, negTerm), -1));
}

export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  const t = alignTargets('huber', yTrue, yPred);
  const err = ops.abs(ops.sub(yPred, t));
  const quad = ops.minimum(err, delta);
  const lin = ops.sub(err, quad);
  return ops.mean(ops.add(ops.scale(ops.square(quad), 0.5), ops.scale(lin, delta)), -1);
}

export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('cosine_similarity', yTrue, yPred);
  const l2 = (x: Tensor): Tensor => ops.div(x, ops.sqrt(ops.maximum(ops.sum(ops.square(x), -1, true), 1e-12)));
  return ops.neg(ops.sum(ops.mul(l2(t), l2(yPred)), -1));
}

const registry: Record<LossId, LossFn> = {
  mse: meanSquaredError,
  mean_squared_error: meanSquaredError,
  mae: meanAbsoluteError,
  mean_absolute_error: meanAbsoluteError,
  binary_crossentropy: (a, b) => binaryCrossentropy(a, b),
  categorical_crossentropy: (a, b) => categoricalCrossentropy(a, b),
  sparse_categorical_crossentropy: (a, b) => sparseCategoricalCrossentropy(a, b),
  huber: (a, b) => huber(a, b),
  cosine_similarity: cosineSimilarity,
};

export function getLoss(id: LossId | LossFn): LossFn {
  if (typeof id === 'function') return id;
  const fn = registry[id];
  if (!fn) throw new Error(`Unknown loss '${String(id)}'. Known: ${Object.keys(registry).join(', ')}.`);
  return fn;
}

/**
 * Keras 3's loss functions for regression (`keras.losses.mean_squared_error` and the rest), and
 * what every family of loss functions shares: target alignment, option checks, Keras's epsilon.
 * Each returns one value per sample (the last axis reduced) and is built from differentiable ops.
 */
import * as ops from '../ops/index.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, describeValue } from '../layers/options.js';

/**
 * A loss maps targets and predictions to one value per sample (shape [batch] or [batch, ...]);
 * the trainer applies sample weights and averages over the batch (Keras's `sum_over_batch_size`).
 */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Keras's `backend.epsilon()`: the clipping bound of logs and divisions. */
export const EPSILON = 1e-7;

export function floats(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : t.cast('float32');
}

/** Keras's squeeze_or_expand_to_same_rank, strict: equal shapes, or [batch] targets for a [batch, 1] output. */
export function alignTargets(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const a = yTrue.shape;
  const b = yPred.shape;
  const ok =
    a.length === b.length
      ? a.every((d, i) => d === b[i])
      : a.length === b.length - 1 && b[b.length - 1] === 1 && a.every((d, i) => d === b[i]);
  if (!ok)
    throw new Error(`${name}: targets of shape ${formatShape(a)} do not match predictions of shape ${formatShape(b)}.`);
  const t = floats(yTrue);
  return t.rank === yPred.rank ? t : t.reshape(yPred.shape);
}

/** Reads one options object of a loss function, refusing what it does not know. */
export function lossOptions<T extends object>(name: string, options: T | undefined, allowed: readonly string[]): T {
  checkOptions(name, options, allowed);
  return options ?? ({} as T);
}

export function flagOption(name: string, key: string, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new TypeError(`${name}: ${key} must be true or false, got ${describeValue(v)}.`);
  return v;
}

/** A finite number that passes `ok`, described by `what` ("a number in [0, 1]") when it does not. */
export function numberOption(
  name: string,
  key: string,
  v: unknown,
  fallback: number,
  ok: (n: number) => boolean = () => true,
  what = 'a number',
): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
    throw new Error(`${name}: ${key} must be ${what}, got ${describeValue(v)}.`);
  return v;
}

export const POSITIVE = (n: number): boolean => n > 0;
export const UNIT = (n: number): boolean => n >= 0 && n <= 1;

/** Dendrite computes these losses over the last axis only, as Keras does by default. */
export function lastAxis(name: string, axis: unknown): -1 {
  if (axis !== undefined && axis !== -1)
    throw new Error(
      `${name}: Dendrite computes this loss over the last axis (axis -1) only, got axis ${describeValue(axis)}.`,
    );
  return -1;
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_squared_error', yTrue, yPred);
  return ops.mean(ops.square(ops.sub(yPred, t)), -1);
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_absolute_error', yTrue, yPred);
  return ops.mean(ops.abs(ops.sub(yPred, t)), -1);
}

/** 100 · mean(|t − p| / max(|t|, ε)): targets near zero are held at ε rather than dividing by zero. */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_absolute_percentage_error', yTrue, yPred);
  const diff = ops.abs(ops.div(ops.sub(t, yPred), ops.maximum(ops.abs(t), EPSILON)));
  return ops.scale(ops.mean(diff, -1), 100);
}

/** Both sides are floored at ε before log(1 + x), so negative values do not reach the log. */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('mean_squared_logarithmic_error', yTrue, yPred);
  const logOf = (x: Tensor): Tensor => ops.log(ops.add(ops.maximum(x, EPSILON), 1));
  return ops.mean(ops.square(ops.sub(logOf(yPred), logOf(t))), -1);
}

export interface HuberOptions {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

export function huber(yTrue: Tensor, yPred: Tensor, options?: HuberOptions): Tensor {
  const { delta: d } = lossOptions('huber', options, ['delta']);
  const delta = numberOption('huber', 'delta', d, 1, POSITIVE, 'a positive number');
  const t = alignTargets('huber', yTrue, yPred);
  const err = ops.abs(ops.sub(yPred, t));
  // Split at delta: the part below is squared, the part above counts linearly.
  const quad = ops.minimum(err, delta);
  const lin = ops.sub(err, quad);
  return ops.mean(ops.add(ops.scale(ops.square(quad), 0.5), ops.scale(lin, delta)), -1);
}

/** log(cosh(x)) as x + softplus(−2x) − log 2, which does not overflow for large |x|. */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('log_cosh', yTrue, yPred);
  const x = ops.sub(yPred, t);
  const softplus = ops.unary('softplus', ops.scale(x, -2));
  return ops.mean(ops.sub(ops.add(x, softplus), Math.LN2), -1);
}

export interface CosineSimilarityOptions {
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

/** The negated cosine of the angle between targets and predictions: −1 when they point the same way. */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor, options?: CosineSimilarityOptions): Tensor {
  const { axis } = lossOptions('cosine_similarity', options, ['axis']);
  lastAxis('cosine_similarity', axis);
  const t = alignTargets('cosine_similarity', yTrue, yPred);
  return ops.neg(ops.sum(ops.mul(l2Normalize(t), l2Normalize(yPred)), -1));
}

/** x / ‖x‖ over the last axis, with the norm floored so that a zero vector stays zero. */
export function l2Normalize(x: Tensor): Tensor {
  return ops.div(x, ops.sqrt(ops.maximum(ops.sum(ops.square(x), -1, true), 1e-12)));
}

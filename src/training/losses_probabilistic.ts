/**
 * Keras 3's probabilistic loss functions: the crossentropies (plain and focal), Kullback-Leibler
 * divergence and Poisson. Probabilities are clipped to [ε, 1 − ε] before any log, as Keras does.
 */
import * as ops from '../ops/index.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { EPSILON, UNIT, alignTargets, flagOption, lastAxis, lossOptions, numberOption } from './losses.js';

export interface CrossentropyOptions {
  /** Predictions are logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** Moves this much of each target's weight evenly onto every class. Default 0. */
  labelSmoothing?: number;
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

export interface FocalOptions extends CrossentropyOptions {
  /** Weight of the loss (of the positive class, with class balancing). Default 0.25. */
  alpha?: number;
  /** Focusing exponent: how much well-classified examples are discounted. Default 2. */
  gamma?: number;
}

export interface BinaryFocalOptions extends FocalOptions {
  /** Weight positives by alpha and negatives by 1 − alpha. Default false. */
  applyClassBalancing?: boolean;
}

export interface SparseCrossentropyOptions {
  fromLogits?: boolean;
  /** Only null: Dendrite does not leave a class out of the loss. */
  ignoreClass?: null;
  /** Only -1 (the last axis), Keras's default. */
  axis?: number;
}

const CE_KEYS = ['fromLogits', 'labelSmoothing', 'axis'];

function crossentropyArgs(name: string, options: CrossentropyOptions | undefined, extra: readonly string[] = []) {
  const o = lossOptions(name, options, [...CE_KEYS, ...extra]);
  lastAxis(name, o.axis);
  return {
    fromLogits: flagOption(name, 'fromLogits', o.fromLogits, false),
    smoothing: numberOption(name, 'labelSmoothing', o.labelSmoothing, 0, UNIT, 'a number in [0, 1]'),
  };
}

function focalArgs(name: string, o: FocalOptions) {
  return {
    alpha: numberOption(name, 'alpha', o.alpha, 0.25),
    gamma: numberOption(name, 'gamma', o.gamma, 2, (n) => n >= 0, 'a number ≥ 0'),
  };
}

/** Targets moved towards 1/2 (binary) or 1/classes (categorical) by `s`. */
function smooth(t: Tensor, s: number, toward: number): Tensor {
  return s === 0 ? t : ops.add(ops.scale(t, 1 - s), s * toward);
}

function requireClasses(name: string, yPred: Tensor): number {
  const classes = yPred.shape[yPred.rank - 1];
  if (classes === 1)
    throw new Error(
      `${name} expects one column per class, got predictions of shape ${formatShape(yPred.shape)}; for a single ` +
        `sigmoid output use binary_crossentropy.`,
    );
  return classes;
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, options?: CrossentropyOptions): Tensor {
  const { fromLogits, smoothing } = crossentropyArgs('binary_crossentropy', options);
  const t = smooth(alignTargets('binary_crossentropy', yTrue, yPred), smoothing, 0.5);
  // Predictions a sigmoid made are used through their logits: exact where the clip would bite.
  const logits = fromLogits ? yPred : ops.sourceLogits(yPred, 'sigmoid');
  if (logits) return ops.mean(ops.sigmoidCrossEntropyWithLogits(t, logits), -1);
  return ops.mean(elementwiseBce(t, yPred), -1);
}

/** −(t·log p + (1 − t)·log(1 − p)) with p clipped into [ε, 1 − ε]. */
function elementwiseBce(t: Tensor, p: Tensor): Tensor {
  const clipped = ops.clip(p, EPSILON, 1 - EPSILON);
  const pos = ops.mul(t, ops.log(clipped));
  const neg = ops.mul(ops.sub(1, t), ops.log(ops.sub(1, clipped)));
  return ops.neg(ops.add(pos, neg));
}

/** Binary crossentropy scaled by (1 − pₜ)^γ, pₜ the probability given to the true label. */
export function binaryFocalCrossentropy(yTrue: Tensor, yPred: Tensor, options?: BinaryFocalOptions): Tensor {
  const name = 'binary_focal_crossentropy';
  const { fromLogits, smoothing } = crossentropyArgs(name, options, ['alpha', 'gamma', 'applyClassBalancing']);
  const o = options ?? {};
  const { alpha, gamma } = focalArgs(name, o);
  const balance = flagOption(name, 'applyClassBalancing', o.applyClassBalancing, false);
  const t = smooth(alignTargets(name, yTrue, yPred), smoothing, 0.5);
  const p = fromLogits ? ops.unary('sigmoid', yPred) : yPred;
  const pt = ops.add(ops.mul(t, p), ops.mul(ops.sub(1, t), ops.sub(1, p)));
  let focal = ops.mul(ops.pow(ops.sub(1, pt), gamma), elementwiseBce(t, p));
  if (balance) focal = ops.mul(ops.add(ops.scale(t, alpha), ops.scale(ops.sub(1, t), 1 - alpha)), focal);
  return ops.mean(focal, -1);
}

export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, options?: CrossentropyOptions): Tensor {
  const name = 'categorical_crossentropy';
  const { fromLogits, smoothing } = crossentropyArgs(name, options);
  const classes = requireClasses(name, yPred);
  const t = smooth(alignTargets(name, yTrue, yPred), smoothing, 1 / classes);
  const logits = fromLogits ? yPred : ops.sourceLogits(yPred, 'softmax');
  if (logits) return ops.softmaxCrossEntropyWithLogits(t, logits);
  return ops.neg(ops.sum(ops.mul(t, ops.log(normalizedProbs(yPred))), -1));
}

/** Probabilities renormalised over the classes and clipped, as Keras does before the log. */
function normalizedProbs(p: Tensor): Tensor {
  return ops.clip(ops.div(p, ops.sum(p, -1, true)), EPSILON, 1 - EPSILON);
}

/** Categorical crossentropy with each class's term scaled by α·(1 − p)^γ. */
export function categoricalFocalCrossentropy(yTrue: Tensor, yPred: Tensor, options?: FocalOptions): Tensor {
  const name = 'categorical_focal_crossentropy';
  const { fromLogits, smoothing } = crossentropyArgs(name, options, ['alpha', 'gamma']);
  const { alpha, gamma } = focalArgs(name, options ?? {});
  const classes = requireClasses(name, yPred);
  const t = smooth(alignTargets(name, yTrue, yPred), smoothing, 1 / classes);
  const p = normalizedProbs(fromLogits ? ops.softmax(yPred) : yPred);
  const cce = ops.neg(ops.mul(t, ops.log(p)));
  return ops.sum(ops.scale(ops.mul(ops.pow(ops.sub(1, p), gamma), cce), alpha), -1);
}

export function sparseCategoricalCrossentropy(
  yTrue: Tensor,
  yPred: Tensor,
  options?: SparseCrossentropyOptions,
): Tensor {
  const name = 'sparse_categorical_crossentropy';
  const o = lossOptions(name, options, ['fromLogits', 'ignoreClass', 'axis']);
  lastAxis(name, o.axis);
  if (o.ignoreClass !== undefined && o.ignoreClass !== null)
    throw new Error(`${name}: ignoreClass is not supported by Dendrite (got ${String(o.ignoreClass)}); leave it null.`);
  return categoricalCrossentropy(oneHotTargets(name, yTrue, yPred), yPred, {
    fromLogits: flagOption(name, 'fromLogits', o.fromLogits, false),
  });
}

/** Class indices ([batch] or [batch, 1]) as one-hot rows of the predictions' shape. */
export function oneHotTargets(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const classes = yPred.shape[yPred.rank - 1];
  const lead = yPred.shape.slice(0, -1);
  const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? yTrue.reshape(lead) : yTrue;
  if (labels.shape.join() !== lead.join())
    throw new Error(
      `${name}: integer targets of shape ${formatShape(yTrue.shape)} do not match predictions of shape ` +
        `${formatShape(yPred.shape)} (expected ${formatShape(lead)}).`,
    );
  const oneHot = new Float32Array(yPred.size);
  for (let i = 0; i < labels.size; i++) {
    const c = labels.values[i];
    if (!Number.isInteger(c) || c < 0 || c >= classes)
      throw new Error(`${name}: target ${c} is not a class index in [0, ${classes}).`);
    oneHot[i * classes + c] = 1;
  }
  return new Tensor(oneHot, yPred.shape, 'float32');
}

/** Σ t·log(t / p), both sides clipped into [ε, 1] so that zeros contribute nothing finite-breaking. */
export function klDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = ops.clip(alignTargets('kl_divergence', yTrue, yPred), EPSILON, 1);
  const p = ops.clip(yPred, EPSILON, 1);
  return ops.sum(ops.mul(t, ops.log(ops.div(t, p))), -1);
}

/** mean(p − t·log(p + ε)): the negative log-likelihood of counts t under rates p, up to a constant. */
export function poisson(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('poisson', yTrue, yPred);
  return ops.mean(ops.sub(yPred, ops.mul(t, ops.log(ops.add(yPred, EPSILON)))), -1);
}

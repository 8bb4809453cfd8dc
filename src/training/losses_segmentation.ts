/**
 * Keras 3's overlap losses for segmentation, Dice and Tversky: one minus a soft overlap ratio.
 * With Keras's default `axis: null` the overlap is taken over the whole batch at once, so the
 * loss is one number for the batch, not one per sample.
 */
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../layers/options.js';
import { EPSILON, alignTargets, lossOptions, numberOption } from './losses.js';

/** The axes the overlap is summed over: null for all of them. */
export type OverlapAxis = number | readonly number[] | null;

export interface DiceOptions {
  /** Axes to sum the overlap over; default null, every axis (one value for the batch). */
  axis?: OverlapAxis;
}

export interface TverskyOptions extends DiceOptions {
  /** Weight of false negatives, as Keras 3.15.1 computes it. Default 0.5. */
  alpha?: number;
  /** Weight of false positives, as Keras 3.15.1 computes it. Default 0.5. */
  beta?: number;
}

export function overlapAxis(name: string, axis: unknown): OverlapAxis {
  if (axis === undefined || axis === null) return null;
  const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : null;
  if (!list || list.length === 0 || list.some((a) => !Number.isInteger(a)))
    throw new Error(`${name}: axis must be null, an axis or a list of axes, got ${describeValue(axis)}.`);
  return typeof axis === 'number' ? axis : [...(list as number[])];
}

function sumOver(x: Tensor, axis: OverlapAxis): Tensor {
  return axis === null ? ops.sum(x) : ops.sum(x, axis);
}

/** 1 − 2·Σ t·p / (Σ t + Σ p + ε). */
export function dice(yTrue: Tensor, yPred: Tensor, options?: DiceOptions): Tensor {
  const o = lossOptions('dice', options, ['axis']);
  const axis = overlapAxis('dice', o.axis);
  const t = alignTargets('dice', yTrue, yPred);
  const intersection = sumOver(ops.mul(t, yPred), axis);
  const total = ops.add(ops.add(sumOver(t, axis), sumOver(yPred, axis)), EPSILON);
  return ops.sub(1, ops.div(ops.scale(intersection, 2), total));
}

/**
 * 1 − TP / (TP + α·FN + β·FP + ε), with soft counts from the probabilities. Keras 3.15.1 (whose
 * files and values Dendrite matches) weighs false negatives by α and false positives by β; its
 * documentation, and Keras releases after 3.15.1, have them the other way round.
 */
export function tversky(yTrue: Tensor, yPred: Tensor, options?: TverskyOptions): Tensor {
  const o = lossOptions('tversky', options, ['alpha', 'beta', 'axis']);
  const alpha = numberOption('tversky', 'alpha', o.alpha, 0.5);
  const beta = numberOption('tversky', 'beta', o.beta, 0.5);
  const axis = overlapAxis('tversky', o.axis);
  const t = alignTargets('tversky', yTrue, yPred);
  const tp = sumOver(ops.mul(yPred, t), axis);
  const fn = sumOver(ops.mul(ops.sub(1, yPred), t), axis);
  const fp = sumOver(ops.mul(yPred, ops.sub(1, t)), axis);
  const denominator = ops.add(ops.add(ops.add(tp, ops.scale(fn, alpha)), ops.scale(fp, beta)), EPSILON);
  return ops.sub(1, ops.div(tp, denominator));
}

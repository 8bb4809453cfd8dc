/**
 * Keras 3's hinge losses, for classifiers that output scores rather than probabilities: targets
 * are −1 or 1 (0/1 targets are mapped to −1/1, as Keras does when every target is 0 or 1).
 */
import * as ops from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { alignTargets } from './losses.js';

/** 0/1 targets as −1/1; targets that are not all 0 or 1 are taken as they are. */
function signedTargets(t: Tensor): Tensor {
  const v = t.values;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 1) return t;
  return ops.sub(ops.scale(t, 2), 1);
}

/** The margins max(1 − t·p, 0). */
function margins(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const t = signedTargets(alignTargets(name, yTrue, yPred));
  return ops.maximum(ops.sub(1, ops.mul(t, yPred)), 0);
}

export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.mean(margins('hinge', yTrue, yPred), -1);
}

export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return ops.mean(ops.square(margins('squared_hinge', yTrue, yPred)), -1);
}

/** max(best wrong score − true score + 1, 0), for one-hot targets. */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = alignTargets('categorical_hinge', yTrue, yPred);
  const pos = ops.sum(ops.mul(t, yPred), -1);
  const neg = ops.max(ops.mul(ops.sub(1, t), yPred), -1);
  return ops.maximum(ops.add(ops.sub(neg, pos), 1), 0);
}

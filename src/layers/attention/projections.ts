import type { SymbolicShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { EinsumDense } from '../einsum_dense.js';
import type { Initializer, InitializerId } from '../initializers.js';
import type { Regularizer, RegularizerFn } from '../regularizers.js';
import type { WeightPolicies } from '../weight_policies.js';
import { mergeKeyAxes } from './score_masks.js';

/** What every projection of a multi-head attention layer shares, as Keras's common sublayer kwargs. */
export interface ProjectionSettings {
  useBias: boolean;
  kernelInitializer: InitializerId | Initializer;
  biasInitializer: InitializerId | Initializer;
  /** Keras gives the attention layer's activity regularizer to each projection. */
  penalty: Regularizer | RegularizerFn | undefined;
  policies: WeightPolicies;
}

/**
 * A built EinsumDense projection named as Keras names it ('query', 'attention_output', ...), with
 * the layer's initializers, regularizers and constraints; `gate` adds Keras's sigmoid.
 */
export function projection(
  s: ProjectionSettings,
  p: { equation: string; biasAxes: string; shape: (number | null)[]; name: string; input: SymbolicShape },
  gate = false,
): EinsumDense {
  const kernel = s.policies.of('kernel');
  const bias = s.policies.of('bias');
  const layer = new EinsumDense(p.equation, p.shape, {
    name: p.name,
    biasAxes: s.useBias ? p.biasAxes : null,
    activation: gate ? 'sigmoid' : null,
    kernelInitializer: s.kernelInitializer,
    biasInitializer: s.biasInitializer,
    kernelRegularizer: kernel.regularizer ?? null,
    kernelConstraint: kernel.constraint ?? null,
    biasRegularizer: bias.regularizer ?? null,
    biasConstraint: bias.constraint ?? null,
    ...(s.penalty ? { activityRegularizer: s.penalty } : {}),
  });
  layer.build(p.input);
  return layer;
}

/** Runs a projection inside the attention layer's call. */
export function project(layer: EinsumDense | undefined, x: Tensor, training: boolean): Tensor {
  return layer!.invoke([x], { training })[0];
}

export interface AttendArgs {
  /** Query·key and probabilities·value equations (key first in the former, as Keras writes it). */
  dot: string;
  combine: string;
  /** How many trailing score axes are key attention axes, normalized together. */
  keyAxes: number;
  masks: Tensor[];
  causal: boolean;
  window: number | null;
  dropout: number;
  training: boolean;
  where: string;
}

/**
 * Scaled dot-product attention on projected tensors, as Keras's `_compute_attention`: scores, a
 * softmax over the key axes masked as Keras's Softmax layer masks (zeros where nothing is kept),
 * dropout on the probabilities in training, then the weighted values. The query comes scaled.
 */
export function attend(query: Tensor, key: Tensor, value: Tensor, a: AttendArgs): { output: Tensor; probs: Tensor } {
  const scores = ops.einsum(a.dot, key, query);
  const opts = { causal: a.causal, window: a.window, fill: 'replace' } as const;
  let probs: Tensor;
  if (a.keyAxes === 1) probs = ops.maskedSoftmax(scores, { ...opts, masks: a.masks });
  else {
    const flat = ops.reshape(scores, [...scores.shape.slice(0, -a.keyAxes), -1]);
    const masks = a.masks.map((m) => mergeKeyAxes(m, scores.shape, a.keyAxes, a.where));
    probs = ops.reshape(ops.maskedSoftmax(flat, { ...opts, masks }), scores.shape);
  }
  const kept = a.training && a.dropout > 0 ? ops.dropout(probs, a.dropout) : probs;
  return { output: ops.einsum(a.combine, kept, value), probs };
}

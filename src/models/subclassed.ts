/**
 * Models that compute in their own `call`, as Keras's subclassed models: they have no graph, so
 * their inputs and outputs are learned from the first data they see, by calling them once on its
 * first rows (as Keras builds a subclassed model on its first batch).
 */
import { type NestedArray, Tensor, tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { Slot } from '../training/data.js';
import type { CallContext } from '../layers/layer.js';
import { describeValue } from '../layers/options.js';

/** What the first call showed: one slot per input and output, and whether `call` returned a list. */
export interface CallSlots {
  inputs: Slot[];
  outputs: Slot[];
  outputList: boolean;
}

/** A model's own call, as the trainer runs it. */
export interface OwnCall {
  readonly name: string;
  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[];
}

/** Runs a subclassed model's `call` and returns its outputs as a list. */
export function runOwnCall(model: OwnCall, inputs: readonly Tensor[], training: boolean): Tensor[] {
  return outputsOf(model, model.call(inputs.length === 1 ? inputs[0] : [...inputs], { training }));
}

/**
 * The slots of a subclassed model, from its first data: input shapes with the batch left open,
 * output shapes from one call on at most two rows, in inference mode and without gradients.
 */
export function slotsFromFirstCall(model: OwnCall, xs: readonly Tensor[]): CallSlots {
  const rows = Math.min(2, xs[0]?.shape[0] ?? 0);
  const probe = xs.map((t) => ops.rowRange(t, 0, rows));
  const out = ops.noGrad(() => model.call(probe.length === 1 ? probe[0] : probe, { training: false }));
  const outs = outputsOf(model, out);
  return {
    inputs: xs.map((t, i) => ({ name: `input_${i + 1}`, shape: [null, ...t.shape.slice(1)], dtype: t.dtype })),
    outputs: outs.map((t, i) => ({ name: `output_${i + 1}`, shape: [null, ...t.shape.slice(1)], dtype: t.dtype })),
    outputList: Array.isArray(out),
  };
}

function outputsOf(model: OwnCall, out: Tensor | Tensor[]): Tensor[] {
  const list = Array.isArray(out) ? out : [out];
  if (list.length === 0 || list.some((t) => !(t instanceof Tensor))) {
    throw new Error(
      `Model '${model.name}': call() must return a tensor or a list of tensors, got ${describeValue(out)}.`,
    );
  }
  return list;
}

/** The tensors of a subclassed model's data: a tensor, a list of them, or nested numbers. */
export function tensorsOf(x: unknown, model: OwnCall): Tensor[] {
  if (x instanceof Tensor) return [x];
  if (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof Tensor)) return x as Tensor[];
  if (Array.isArray(x)) return [tensor(x as NestedArray[])];
  throw new Error(
    `Model '${model.name}' computes in its own call(), so it takes its data as a tensor or a list of tensors, got ${describeValue(x)}.`,
  );
}

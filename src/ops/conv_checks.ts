import { FUSED_ACTIVATIONS, type FusedActivation } from '../backend/backend.js';
import { describeValue } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  MAX_INT32,
  checkExactShape,
  checkInt,
  checkIntPair,
  checkOneOf,
  checkRank,
  checkTensor,
  fail,
} from './validate.js';

/*
 * Argument checks of the convolution and pooling ops: option objects, window sizes, and a kernel
 * whose channels fit the input. O(1) each.
 */

export type Padding = 'valid' | 'same';
const PADDINGS: readonly Padding[] = ['valid', 'same'];

export function checkPadding(padding: unknown, op: string): Padding {
  return checkOneOf(padding, PADDINGS, op, 'padding');
}

export function checkOptionsObject(opts: unknown, op: string): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    fail(op, `options must be an object, got ${describeValue(opts)}.`);
  }
}

/** The options every 2D window op shares, with their defaults. */
export interface WindowOptions {
  strides: [number, number];
  dilation: [number, number];
  padding: Padding;
}

export function checkWindowOptions(
  opts: { strides?: unknown; dilation?: unknown; padding?: unknown },
  op: string,
): WindowOptions {
  checkOptionsObject(opts, op);
  return {
    strides: checkIntPair(opts.strides ?? [1, 1], op, 'strides'),
    dilation: checkIntPair(opts.dilation ?? [1, 1], op, 'dilation'),
    padding: checkPadding(opts.padding ?? 'valid', op),
  };
}

export function checkActivation(act: unknown, op: string): FusedActivation {
  return checkOneOf(act, FUSED_ACTIVATIONS, op, 'activation');
}

/** A kernel of `rank` dimensions, none of them empty. */
export function checkKernel(kernel: unknown, rank: number, op: string): asserts kernel is Tensor {
  checkTensor(kernel, op, 'kernel');
  checkRank(kernel, op, 'kernel', rank);
  if (kernel.shape.some((d) => d === 0)) fail(op, `kernel ${formatShape(kernel.shape)} has an empty dimension.`);
}

/**
 * A kernel [..., inPerGroup, outC] fits an input of `inC` channels in `groups` groups: a mismatch
 * once returned a result computed from the wrong channels instead of an error.
 */
export function checkKernelChannels(x: Tensor, kernel: Tensor, groups: number, op: string): void {
  const inC = x.shape[x.rank - 1];
  const inPerGroup = kernel.shape[kernel.rank - 2];
  const outC = kernel.shape[kernel.rank - 1];
  if (inPerGroup * groups !== inC) {
    const per = groups === 1 ? '' : ` per group × ${groups} groups`;
    fail(
      op,
      `kernel ${formatShape(kernel.shape)} expects ${inPerGroup} input channels${per}, but the input ${formatShape(x.shape)} has ${inC}.`,
    );
  }
  if (outC % groups !== 0) fail(op, `groups (${groups}) must divide the kernel's ${outC} output channels.`);
}

export function checkGroups(groups: unknown, op: string): number {
  return checkInt(groups, op, 'groups', 1);
}

/** A bias of one value per output channel, or null. */
export function checkBias(bias: unknown, channels: number, op: string): void {
  if (bias === null) return;
  checkTensor(bias, op, 'bias');
  checkExactShape(bias, [channels], op, 'bias');
}

/**
 * Every value of a computed geometry fits int32, the form the native kernels receive it in: a
 * dilation near 2^31 makes a leading pad that does not.
 */
export function fitsInt32<G extends object>(op: string, g: G): G {
  for (const [name, v] of Object.entries(g)) {
    if (typeof v === 'number' && v > MAX_INT32) {
      fail(op, `the window geometry's ${name} is ${v}, beyond 2^31 − 1; use a smaller kernel, stride or dilation.`);
    }
  }
  return g;
}

import type { Conv2DGeometry, FusedActivation, Pool2DGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  type Padding,
  checkActivation,
  checkBias,
  checkGroups,
  checkKernel,
  checkKernelChannels,
  checkOptionsObject,
  checkPadding,
  checkWindowOptions,
  fitsInt32,
} from './conv_checks.js';
import { floatData, outputFloat } from './create.js';
import { activationGrad } from './matmul.js';
import { reshape } from './shape_ops.js';
import { record } from './tape.js';
import { checkInt, checkIntPair, checkOneOf, checkRank, checkTensor, fail } from './validate.js';

export type { Padding };

/**
 * Output length and leading pad of one spatial axis, as TensorFlow computes them. A negative or
 * zero length is the caller's to report: layers check shapes before any kernel runs.
 */
export function convOutputLength(
  input: number,
  kernel: number,
  stride: number,
  padding: Padding,
  dilation = 1,
): { length: number; padBefore: number } {
  checkInt(input, 'convOutputLength', 'input', 0);
  checkInt(kernel, 'convOutputLength', 'kernel', 1);
  checkInt(stride, 'convOutputLength', 'stride', 1);
  checkInt(dilation, 'convOutputLength', 'dilation', 1);
  checkPadding(padding, 'convOutputLength');
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same') {
    const length = Math.ceil(input / stride);
    const total = Math.max((length - 1) * stride + effective - input, 0);
    return { length, padBefore: Math.floor(total / 2) };
  }
  return { length: Math.floor((input - effective) / stride) + 1, padBefore: 0 };
}

export interface Conv2DOptions {
  strides?: [number, number];
  padding?: Padding;
  dilation?: [number, number];
  groups?: number;
  /** Applied as each output is stored (one pass over the activations instead of two). */
  activation?: FusedActivation;
}

/** Checks x, kernel and options (named after `op`) and returns the convolution's geometry. */
function geometry(op: string, x: Tensor, kernel: Tensor, opts: Conv2DOptions, groups: number): Conv2DGeometry {
  checkTensor(x, op, 'x');
  checkRank(x, op, 'x', 4);
  checkKernel(kernel, 4, op);
  checkKernelChannels(x, kernel, groups, op);
  const { strides, dilation, padding } = checkWindowOptions(opts, op);
  const [batch, inH, inW, inC] = x.shape;
  const [kH, kW, , outC] = kernel.shape;
  const [strideH, strideW] = strides;
  const [dilationH, dilationW] = dilation;
  const h = convOutputLength(inH, kH, strideH, padding, dilationH);
  const w = convOutputLength(inW, kW, strideW, padding, dilationW);
  if (h.length <= 0 || w.length <= 0) {
    throw new Error(`${op}: a ${kH}×${kW} window does not fit an input of ${inH}×${inW}.`);
  }
  return fitsInt32(op, {
    batch,
    inH,
    inW,
    inC,
    outH: h.length,
    outW: w.length,
    outC,
    kH,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: h.padBefore,
    padLeft: w.padBefore,
    groups,
  });
}

/** NHWC convolution with an HWIO kernel, optional bias and fused activation. */
export function conv2d(x: Tensor, kernel: Tensor, bias: Tensor | null, opts: Conv2DOptions = {}): Tensor {
  return convolve('conv2d', x, kernel, bias, opts);
}

function convolve(op: string, x: Tensor, kernel: Tensor, bias: Tensor | null, opts: Conv2DOptions): Tensor {
  checkOptionsObject(opts, op);
  const g = geometry(op, x, kernel, opts, checkGroups(opts.groups ?? 1, op));
  const act = checkActivation(opts.activation ?? 'linear', op);
  checkBias(bias, g.outC, op);
  const xd = floatData(x, 'conv2d');
  const kd = floatData(kernel, 'conv2d kernel');
  const { t: y, data } = outputFloat([g.batch, g.outH, g.outW, g.outC]);
  getBackend().conv2d(xd, kd, bias ? floatData(bias, 'conv2d bias') : null, data, g, act);
  record(bias ? [x, kernel, bias] : [x, kernel], [y], ([dy], needed) => {
    const dz = activationGrad(act, data, floatData(dy!, 'conv2d grad'));
    const grads: (Tensor | null)[] = [null, null];
    // The input gradient of a first layer (its input is data) costs a whole convolution: skip it.
    if (needed[0]) {
      const { t: dx, data: dxd } = outputFloat(x.shape);
      getBackend().conv2dBackpropInput(dz, kd, dxd, g);
      grads[0] = dx;
    }
    if (needed[1]) {
      const { t: dk, data: dkd } = outputFloat(kernel.shape);
      getBackend().conv2dBackpropFilter(xd, dz, dkd, g);
      grads[1] = dk;
    }
    if (bias && needed[2]) {
      const { t: db, data: dbd } = outputFloat(bias.shape);
      getBackend().reduceSum(dz, 1, dz.length / g.outC, g.outC, dbd);
      grads.push(db);
    }
    return grads;
  });
  return y;
}

/** [batch, steps, channels] convolution with a [k, inC, outC] kernel, run as a 2D convolution of height 1. */
export function conv1d(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  stride = 1,
  padding: Padding = 'valid',
  dilation = 1,
  groups = 1,
  activation: FusedActivation = 'linear',
): Tensor {
  checkTensor(x, 'conv1d', 'x');
  checkRank(x, 'conv1d', 'x', 3);
  checkKernel(kernel, 3, 'conv1d');
  checkKernelChannels(x, kernel, checkGroups(groups, 'conv1d'), 'conv1d');
  checkInt(stride, 'conv1d', 'stride', 1);
  checkInt(dilation, 'conv1d', 'dilation', 1);
  const [b, steps, c] = x.shape;
  const x4 = reshape(x, [b, 1, steps, c]);
  const k4 = reshape(kernel, [1, ...kernel.shape]);
  const y4 = convolve('conv1d', x4, k4, bias, {
    strides: [1, stride],
    padding,
    dilation: [1, dilation],
    groups,
    activation,
  });
  return reshape(y4, [b, y4.shape[2], y4.shape[3]]);
}

export function depthwiseConv2d(x: Tensor, kernel: Tensor, opts: Omit<Conv2DOptions, 'groups'> = {}): Tensor {
  checkTensor(x, 'depthwiseConv2d', 'x');
  checkRank(x, 'depthwiseConv2d', 'x', 4);
  checkKernel(kernel, 4, 'depthwiseConv2d');
  if (kernel.shape[2] !== x.shape[3]) {
    fail(
      'depthwiseConv2d',
      `kernel ${formatShape(kernel.shape)} expects ${kernel.shape[2]} input channels, but the input ` +
        `${formatShape(x.shape)} has ${x.shape[3]}.`,
    );
  }
  checkOptionsObject(opts, 'depthwiseConv2d');
  // As a grouped convolution of one channel per group, for the shape arithmetic only.
  const asGrouped = reshape(kernel, [kernel.shape[0], kernel.shape[1], 1, kernel.shape[2] * kernel.shape[3]]);
  const base = geometry('depthwiseConv2d', x, asGrouped, opts, x.shape[3]);
  const g = { ...base, multiplier: kernel.shape[3] };
  const xd = floatData(x, 'depthwiseConv2d');
  const kd = floatData(kernel, 'depthwiseConv2d kernel');
  const { t: y, data } = outputFloat([g.batch, g.outH, g.outW, g.inC * g.multiplier]);
  getBackend().depthwiseConv2d(xd, kd, data, g);
  record([x, kernel], [y], ([dy]) => {
    const dyd = floatData(dy!, 'depthwiseConv2d grad');
    const { t: dx, data: dxd } = outputFloat(x.shape);
    const { t: dk, data: dkd } = outputFloat(kernel.shape);
    getBackend().depthwiseConv2dBackpropInput(dyd, kd, dxd, g);
    getBackend().depthwiseConv2dBackpropFilter(xd, dyd, dkd, g);
    return [dx, dk];
  });
  return y;
}

export interface Pool2DOptions {
  poolSize: [number, number];
  strides: [number, number];
  padding: Padding;
}

function poolGeometry(op: string, x: Tensor, opts: Pool2DOptions): Pool2DGeometry {
  checkTensor(x, op, 'x');
  checkRank(x, op, 'x', 4);
  checkOptionsObject(opts, op);
  const [batch, inH, inW, channels] = x.shape;
  const [kH, kW] = checkIntPair(opts.poolSize, op, 'poolSize');
  const [strideH, strideW] = checkIntPair(opts.strides, op, 'strides');
  const padding = checkPadding(opts.padding, op);
  const h = convOutputLength(inH, kH, strideH, padding);
  const w = convOutputLength(inW, kW, strideW, padding);
  if (h.length <= 0 || w.length <= 0)
    throw new Error(`${op}: a ${kH}×${kW} window does not fit an input of ${inH}×${inW}.`);
  return fitsInt32(op, {
    batch,
    inH,
    inW,
    channels,
    outH: h.length,
    outW: w.length,
    kH,
    kW,
    strideH,
    strideW,
    padTop: h.padBefore,
    padLeft: w.padBefore,
  });
}

export function maxPool2d(x: Tensor, opts: Pool2DOptions): Tensor {
  const g = poolGeometry('maxPool2d', x, opts);
  const { t: y, data } = outputFloat([g.batch, g.outH, g.outW, g.channels]);
  const argmax = new Int32Array(data.length);
  getBackend().maxPool2d(floatData(x, 'maxPool2d'), data, argmax, g);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = outputFloat(x.shape);
    getBackend().maxPool2dGrad(floatData(dy!, 'maxPool2d grad'), argmax, dxd);
    return [dx];
  });
  return y;
}

export function avgPool2d(x: Tensor, opts: Pool2DOptions): Tensor {
  const g = poolGeometry('avgPool2d', x, opts);
  const { t: y, data } = outputFloat([g.batch, g.outH, g.outW, g.channels]);
  getBackend().avgPool2d(floatData(x, 'avgPool2d'), data, g);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = outputFloat(x.shape);
    getBackend().avgPool2dGrad(floatData(dy!, 'avgPool2d grad'), dxd, g);
    return [dx];
  });
  return y;
}

/** 1D pooling on [batch, steps, channels] through the 2D kernels with height 1. */
export function pool1d(kind: 'max' | 'avg', x: Tensor, poolSize: number, stride: number, padding: Padding): Tensor {
  checkOneOf(kind, ['max', 'avg'] as const, 'pool1d', 'kind');
  checkTensor(x, 'pool1d', 'x');
  checkRank(x, 'pool1d', 'x', 3);
  checkInt(poolSize, 'pool1d', 'poolSize', 1);
  checkInt(stride, 'pool1d', 'stride', 1);
  checkPadding(padding, 'pool1d');
  const [b, steps, c] = x.shape;
  const x4 = reshape(x, [b, 1, steps, c]);
  const opts: Pool2DOptions = { poolSize: [1, poolSize], strides: [1, stride], padding };
  const y4 = kind === 'max' ? maxPool2d(x4, opts) : avgPool2d(x4, opts);
  return reshape(y4, [b, y4.shape[2], c]);
}

import type { Conv2DGeometry } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './arithmetic.js';
import { type Padding, convOutputLength } from './conv.js';
import {
  checkBias,
  checkKernel,
  checkOptionsObject,
  checkPadding,
  checkWindowOptions,
  fitsInt32,
} from './conv_checks.js';
import { emptyFloat, floatData } from './create.js';
import { reshape } from './shape_ops.js';
import { record } from './tape.js';
import { checkInt, checkIntPair, checkRank, checkTensor, fail } from './validate.js';

/**
 * Output length of a transposed convolution along one axis, as Keras 3 computes it
 * (`_get_output_shape_given_tf_padding`). `outputPadding` null means Keras's default.
 */
export function convTransposeOutputLength(
  input: number,
  kernel: number,
  stride: number,
  padding: Padding,
  outputPadding: number | null,
  dilation = 1,
): number {
  const op = 'convTransposeOutputLength';
  checkInt(input, op, 'input', 0);
  checkInt(kernel, op, 'kernel', 1);
  checkInt(stride, op, 'stride', 1);
  checkInt(dilation, op, 'dilation', 1);
  checkPadding(padding, op);
  if (outputPadding !== null) checkInt(outputPadding, op, 'outputPadding', 0);
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const extra = outputPadding ?? Math.max(effective, stride) - effective;
    return (input - 1) * stride + effective + extra;
  }
  return outputPadding === null ? input * stride : (input - 1) * stride + (effective % 2) + outputPadding;
}

export interface Conv2DTransposeOptions {
  strides?: [number, number];
  padding?: Padding;
  dilation?: [number, number];
  /** Extra rows/columns at the end of the output; null (Keras's default) lets the padding decide. */
  outputPadding?: [number, number] | null;
}

/**
 * The geometry of the forward convolution this op transposes: its input is our output
 * ([N, outH, outW, filters]) and its output is our input ([N, H, W, inC]).
 */
function transposedGeometry(x: Tensor, kernel: Tensor, opts: Conv2DTransposeOptions): Conv2DGeometry {
  checkTensor(x, 'conv2dTranspose', 'x');
  checkRank(x, 'conv2dTranspose', 'x', 4);
  checkKernel(kernel, 4, 'conv2dTranspose');
  const [batch, h, w, inC] = x.shape;
  const [kH, kW, filters, kIn] = kernel.shape;
  if (kIn !== inC) {
    throw new Error(
      `conv2dTranspose: kernel ${formatShape(kernel.shape)} expects ${kIn} input channels, got input ${formatShape(x.shape)}.`,
    );
  }
  const { strides, dilation, padding } = checkWindowOptions(opts, 'conv2dTranspose');
  const [strideH, strideW] = strides;
  const [dilationH, dilationW] = dilation;
  const op =
    opts.outputPadding == null ? null : checkIntPair(opts.outputPadding, 'conv2dTranspose', 'outputPadding', 0);
  if (op && (op[0] >= strideH || op[1] >= strideW)) {
    fail(
      'conv2dTranspose',
      `outputPadding [${op}] must be smaller than the strides [${strideH}, ${strideW}], as Keras requires.`,
    );
  }
  const outH = convTransposeOutputLength(h, kH, strideH, padding, op ? op[0] : null, dilationH);
  const outW = convTransposeOutputLength(w, kW, strideW, padding, op ? op[1] : null, dilationW);
  const fh = convOutputLength(outH, kH, strideH, padding, dilationH);
  const fw = convOutputLength(outW, kW, strideW, padding, dilationW);
  // TensorFlow requires the forward convolution of the output to give back the input's size.
  if (fh.length !== h || fw.length !== w) {
    throw new Error(
      `conv2dTranspose: output ${outH}×${outW} is inconsistent with input ${h}×${w} for a ${kH}×${kW} kernel, ` +
        `strides ${strideH}×${strideW} and padding '${padding}'; adjust outputPadding.`,
    );
  }
  return fitsInt32('conv2dTranspose', {
    batch,
    inH: outH,
    inW: outW,
    inC: filters,
    outH: h,
    outW: w,
    outC: inC,
    kH,
    kW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: fh.padBefore,
    padLeft: fw.padBefore,
    groups: 1,
  });
}

/** NHWC transposed convolution (the gradient of conv2d with respect to its input), kernel [kH, kW, filters, inC]. */
export function conv2dTranspose(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  opts: Conv2DTransposeOptions = {},
): Tensor {
  checkOptionsObject(opts, 'conv2dTranspose');
  const g = transposedGeometry(x, kernel, opts);
  checkBias(bias, g.inC, 'conv2dTranspose');
  const xd = floatData(x, 'conv2dTranspose');
  const kd = floatData(kernel, 'conv2dTranspose kernel');
  const { t: y, data } = emptyFloat([g.batch, g.inH, g.inW, g.inC]);
  getBackend().conv2dBackpropInput(xd, kd, data, g);
  record([x, kernel], [y], ([dy]) => {
    const dyd = floatData(dy!, 'conv2dTranspose grad');
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    const { t: dk, data: dkd } = emptyFloat(kernel.shape);
    getBackend().conv2d(dyd, kd, null, dxd, g, 'linear');
    getBackend().conv2dBackpropFilter(dyd, xd, dkd, g);
    return [dx, dk];
  });
  return bias ? add(y, bias) : y;
}

/** [batch, steps, channels] transposed convolution with a [k, filters, inC] kernel, as a 2D one of height 1. */
export function conv1dTranspose(
  x: Tensor,
  kernel: Tensor,
  bias: Tensor | null,
  stride = 1,
  padding: Padding = 'valid',
  outputPadding: number | null = null,
  dilation = 1,
): Tensor {
  checkTensor(x, 'conv1dTranspose', 'x');
  checkRank(x, 'conv1dTranspose', 'x', 3);
  checkKernel(kernel, 3, 'conv1dTranspose');
  checkInt(stride, 'conv1dTranspose', 'stride', 1);
  checkInt(dilation, 'conv1dTranspose', 'dilation', 1);
  if (outputPadding !== null) checkInt(outputPadding, 'conv1dTranspose', 'outputPadding', 0);
  const [b, steps, c] = x.shape;
  const y4 = conv2dTranspose(reshape(x, [b, 1, steps, c]), reshape(kernel, [1, ...kernel.shape]), bias, {
    strides: [1, stride],
    padding,
    dilation: [1, dilation],
    outputPadding: outputPadding === null ? null : [0, outputPadding],
  });
  return reshape(y4, [b, y4.shape[2], y4.shape[3]]);
}

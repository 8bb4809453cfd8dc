import type { Backend, Conv2DGeometry, DepthwiseGeometry, In, NumArray, Pool2DGeometry } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { NativeAddon } from './addon.js';
import { ACT_CODE, BINARY_CODE, COMPARISON_MIN_CODE, MAX_NATIVE_RANK, UNARY_CODE } from './codes.js';
import { recurrentKernels } from './recurrent.js';

// Scratch arrays for packed shapes and geometry: calls are synchronous, so one of each suffices
// and a kernel call allocates nothing.
const shapeScratch = new Int32Array(3 + 3 * MAX_NATIVE_RANK);
const permScratch = new Int32Array(1 + 2 * MAX_NATIVE_RANK);
const convScratch = new Int32Array(16);
const poolScratch = new Int32Array(12);

function packConv(g: Conv2DGeometry | DepthwiseGeometry, last: number): Int32Array {
  const s = convScratch;
  s[0] = g.batch;
  s[1] = g.inH;
  s[2] = g.inW;
  s[3] = g.inC;
  s[4] = g.outH;
  s[5] = g.outW;
  s[6] = 'outC' in g ? g.outC : g.inC * g.multiplier;
  s[7] = g.kH;
  s[8] = g.kW;
  s[9] = g.strideH;
  s[10] = g.strideW;
  s[11] = g.dilationH;
  s[12] = g.dilationW;
  s[13] = g.padTop;
  s[14] = g.padLeft;
  s[15] = last;
  return s;
}

function packPool(g: Pool2DGeometry): Int32Array {
  const s = poolScratch;
  s[0] = g.batch;
  s[1] = g.inH;
  s[2] = g.inW;
  s[3] = g.channels;
  s[4] = g.outH;
  s[5] = g.outW;
  s[6] = g.kH;
  s[7] = g.kW;
  s[8] = g.strideH;
  s[9] = g.strideW;
  s[10] = g.padTop;
  s[11] = g.padLeft;
  return s;
}

function packShapes(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): Int32Array {
  const s = shapeScratch;
  s[0] = aShape.length;
  s[1] = bShape.length;
  s[2] = outShape.length;
  let i = 3;
  for (const d of aShape) s[i++] = d;
  for (const d of bShape) s[i++] = d;
  for (const d of outShape) s[i++] = d;
  return s;
}

const sameType = (x: In, out: NumArray): boolean => x.constructor === out.constructor;

/**
 * The native backend: every kernel the addon implements, with the reference backend underneath,
 * so a kernel added to the interface later keeps working (in TypeScript) until it gets a native
 * version, and the few dtype combinations the addon leaves out fall back per call.
 */
export function createNativeBackend(addon: NativeAddon): Backend {
  return {
    ...jsBackend,
    ...recurrentKernels(addon),
    name: 'native',

    matmul(a, b, out, m, n, k, transA, transB, bias, act, accumulate) {
      addon.matmul(a, b, out, m, n, k, transA, transB, bias, ACT_CODE[act], accumulate);
    },

    unary(op, x, out, alpha) {
      if (
        x instanceof Float32Array &&
        (out instanceof Float32Array || (out instanceof Uint8Array && op === 'isNotFinite'))
      ) {
        addon.unary(UNARY_CODE[op], x, out, alpha);
      } else {
        jsBackend.unary(op, x, out, alpha);
      }
    },

    unaryGrad(op, x, y, dy, out, alpha) {
      addon.unaryGrad(UNARY_CODE[op], x, y, dy, out, alpha);
    },

    binary(op, a, aShape, b, bShape, out, outShape) {
      const code = BINARY_CODE[op];
      if (
        a instanceof Float32Array &&
        b instanceof Float32Array &&
        (out instanceof Float32Array || (out instanceof Uint8Array && code >= COMPARISON_MIN_CODE)) &&
        outShape.length <= MAX_NATIVE_RANK
      ) {
        const n = out.length;
        addon.binary(code, a, b, out, a.length === n && b.length === n ? null : packShapes(aShape, bShape, outShape));
      } else {
        jsBackend.binary(op, a, aShape, b, bShape, out, outShape);
      }
    },

    reduceSum(x, outer, reduce, inner, out) {
      addon.reduceSum(x, outer, reduce, inner, out);
    },

    reduceMax(x, outer, reduce, inner, out, argmax) {
      addon.reduceMax(x, outer, reduce, inner, out, argmax);
    },

    transpose(x, shape, perm, out) {
      const rank = shape.length;
      if (!sameType(x, out) || rank > MAX_NATIVE_RANK) return jsBackend.transpose(x, shape, perm, out);
      const s = permScratch;
      s[0] = rank;
      for (let d = 0; d < rank; d++) {
        s[1 + d] = shape[d];
        s[1 + rank + d] = perm[d];
      }
      addon.transpose(x, out, s);
    },

    copyBlock(x, outer, inner, out, outInner, offset) {
      if (sameType(x, out)) addon.copyBlock(x, outer, inner, out, outInner, offset);
      else jsBackend.copyBlock(x, outer, inner, out, outInner, offset);
    },

    sliceBlock(x, outer, xInner, offset, inner, out) {
      if (sameType(x, out)) addon.sliceBlock(x, outer, xInner, offset, inner, out);
      else jsBackend.sliceBlock(x, outer, xInner, offset, inner, out);
    },

    cast(x, out) {
      addon.cast(x, out);
    },

    softmax(x, out, rows, cols) {
      addon.softmax(x, out, rows, cols);
    },

    softmaxGrad(y, dy, out, rows, cols) {
      addon.softmaxGrad(y, dy, out, rows, cols);
    },

    softmaxCrossEntropy(logits, labels, rows, cols, loss, grad) {
      addon.softmaxCrossEntropy(logits, labels, rows, cols, loss, grad);
    },

    gather(table, dim, indices, out) {
      addon.gather(table, dim, indices, out);
    },

    scatterAdd(dy, dim, indices, dtable) {
      addon.scatterAdd(dy, dim, indices, dtable);
    },

    conv2d(x, kernel, bias, out, g, act) {
      addon.conv2d(x, kernel, bias, out, packConv(g, g.groups), ACT_CODE[act]);
    },

    conv2dBackpropInput(dy, kernel, dx, g) {
      addon.conv2dBackpropInput(dy, kernel, dx, packConv(g, g.groups));
    },

    conv2dBackpropFilter(x, dy, dkernel, g) {
      addon.conv2dBackpropFilter(x, dy, dkernel, packConv(g, g.groups));
    },

    depthwiseConv2d(x, kernel, out, g) {
      addon.depthwiseConv2d(x, kernel, out, packConv(g, g.multiplier));
    },

    depthwiseConv2dBackpropInput(dy, kernel, dx, g) {
      addon.depthwiseConv2dBackpropInput(dy, kernel, dx, packConv(g, g.multiplier));
    },

    depthwiseConv2dBackpropFilter(x, dy, dkernel, g) {
      addon.depthwiseConv2dBackpropFilter(x, dy, dkernel, packConv(g, g.multiplier));
    },

    maxPool2d(x, out, argmax, g) {
      addon.maxPool2d(x, out, argmax, packPool(g));
    },

    maxPool2dGrad(dy, argmax, dx) {
      addon.maxPool2dGrad(dy, argmax, dx);
    },

    avgPool2d(x, out, g) {
      addon.avgPool2d(x, out, packPool(g));
    },

    avgPool2dGrad(dy, dx, g) {
      addon.avgPool2dGrad(dy, dx, packPool(g));
    },

    sumSquares(x) {
      return addon.sumSquares(x);
    },

    allFinite(x) {
      return addon.allFinite(x);
    },

    sgdUpdate(w, g, velocity, lr, momentum, nesterov) {
      addon.sgdUpdate(w, g, velocity, lr, momentum, nesterov);
    },

    // gradSquares: an embedding's per-lookup second moments (whole tables, so worth the native pass).
    rmspropUpdate(w, g, ms, mom, lr, rho, momentum, epsilon, gradSquares) {
      addon.rmspropUpdate(w, g, ms, mom, lr, rho, momentum, epsilon, gradSquares ?? null);
    },

    adamUpdate(w, g, m, v, vhat, lr, beta1, beta2, epsilon, step, weightDecay, gradSquares) {
      addon.adamUpdate(w, g, m, v, vhat, lr, beta1, beta2, epsilon, step, weightDecay, gradSquares ?? null);
    },

    adagradUpdate(w, g, acc, lr, epsilon, gradSquares) {
      addon.adagradUpdate(w, g, acc, lr, epsilon, gradSquares ?? null);
    },
  };
}

import { FUSED_ACTIVATIONS, type FusedActivation } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { describeValue } from '../tensor/describe.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { emptyFloat, floatData, outputBuffer, outputFloat } from './create.js';
import { reshape } from './shape_ops.js';
import { unbroadcast } from './reduce.js';
import { record } from './tape.js';
import { checkBoolean, checkExactShape, checkOneOf, checkRank, checkTensor, fail } from './validate.js';

/**
 * dz from dy for an activation fused into a matmul or convolution epilogue. Each derivative is expressible through
 * the output y alone (relu: y > 0 exactly where z > 0), so the backend's unaryGrad runs with y in
 * place of z: one vectorized kernel instead of a JavaScript loop.
 */
export function activationGrad(act: FusedActivation, y: Float32Array, dy: Float32Array): Float32Array {
  checkOneOf(act, FUSED_ACTIVATIONS, 'activationGrad', 'act');
  if (!(y instanceof Float32Array) || !(dy instanceof Float32Array) || y.length !== dy.length) {
    fail(
      'activationGrad',
      `y and dy must be Float32Arrays of one length, got ${describeValue(y)} and ${describeValue(dy)}.`,
    );
  }
  if (act === 'linear') return dy;
  const out = outputBuffer(dy.length);
  getBackend().unaryGrad(act, y, y, dy, out, 0);
  return out;
}

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: Tensor | null;
  activation?: FusedActivation;
}

/** 2D matrix product with optional transposes, bias and activation fused into one kernel call. */
export function matMul(a: Tensor, b: Tensor, opts: MatMulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false, bias = null, activation = 'linear' } = opts;
  checkTensor(a, 'matMul', 'a');
  checkTensor(b, 'matMul', 'b');
  checkBoolean(transposeA, 'matMul', 'transposeA');
  checkBoolean(transposeB, 'matMul', 'transposeB');
  checkOneOf(activation, FUSED_ACTIVATIONS, 'matMul', 'activation');
  if (a.rank !== 2 || b.rank !== 2)
    throw new Error(`matMul expects 2D tensors, got ${formatShape(a.shape)} and ${formatShape(b.shape)}.`);
  const m = transposeA ? a.shape[1] : a.shape[0];
  const k = transposeA ? a.shape[0] : a.shape[1];
  const kb = transposeB ? b.shape[1] : b.shape[0];
  const n = transposeB ? b.shape[0] : b.shape[1];
  if (k !== kb) throw new Error(`matMul: inner dimensions differ: ${formatShape(a.shape)} · ${formatShape(b.shape)}.`);
  if (bias !== null) {
    checkTensor(bias, 'matMul', 'bias');
    checkExactShape(bias, [n], 'matMul', 'bias');
  }
  const ad = floatData(a, 'matMul');
  const bd = floatData(b, 'matMul');
  const biasData = bias ? floatData(bias, 'matMul bias') : null;
  const { t: y, data } = outputFloat([m, n]);
  getBackend().matmul(ad, bd, data, m, n, k, transposeA, transposeB, biasData, activation, false);
  const inputs = bias ? [a, b, bias] : [a, b];
  record(inputs, [y], ([dy], needed) => {
    const dz = activationGrad(activation, data, floatData(dy!, 'matMul grad'));
    const be = getBackend();
    const grads: (Tensor | null)[] = [null, null];
    // dA = dZ·Bᵀ (or B·dZᵀ when A was transposed); dB = Aᵀ·dZ (or dZᵀ·A when B was transposed).
    if (needed[0]) {
      const { t: da, data: dad } = outputFloat(a.shape);
      if (!transposeA) be.matmul(dz, bd, dad, m, k, n, false, !transposeB, null, 'linear', false);
      else be.matmul(bd, dz, dad, k, m, n, transposeB, true, null, 'linear', false);
      grads[0] = da;
    }
    if (needed[1]) {
      const { t: db, data: dbd } = outputFloat(b.shape);
      if (!transposeB) be.matmul(ad, dz, dbd, k, n, m, !transposeA, false, null, 'linear', false);
      else be.matmul(dz, ad, dbd, n, k, m, true, transposeA, null, 'linear', false);
      grads[1] = db;
    }
    if (bias && needed[2]) {
      const { t: dbias, data: dbiasData } = outputFloat(bias.shape);
      be.reduceSum(dz, 1, m, n, dbiasData);
      grads.push(dbias);
    }
    return grads;
  });
  return y;
}

/**
 * x · kernel + bias with an activation, for x of any rank ≥ 2 (the last axis is contracted), as
 * Keras's Dense computes it.
 */
export function dense(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: FusedActivation = 'linear'): Tensor {
  checkTensor(x, 'dense', 'x');
  checkTensor(kernel, 'dense', 'kernel');
  checkRank(x, 'dense', 'x', 1, Number.POSITIVE_INFINITY);
  checkRank(kernel, 'dense', 'kernel', 2);
  const inDim = x.shape[x.rank - 1];
  if (kernel.shape[0] !== inDim) {
    fail(
      'dense',
      `kernel ${formatShape(kernel.shape)} needs inputs with ${kernel.shape[0]} features on the last axis, got ${formatShape(x.shape)}.`,
    );
  }
  const lead = x.shape.slice(0, -1);
  const x2 = x.rank === 2 ? x : reshape(x, [sizeOf(lead), inDim]);
  const y2 = matMul(x2, kernel, { bias, activation });
  return x.rank === 2 ? y2 : reshape(y2, [...lead, kernel.shape[1]]);
}

/** Batched product over leading dimensions: [..., m, k] · [..., k, n] (broadcasting not supported). */
export function batchMatMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  checkTensor(a, 'batchMatMul', 'a');
  checkTensor(b, 'batchMatMul', 'b');
  checkBoolean(transposeA, 'batchMatMul', 'transposeA');
  checkBoolean(transposeB, 'batchMatMul', 'transposeB');
  checkRank(a, 'batchMatMul', 'a', 2, Number.POSITIVE_INFINITY);
  if (a.rank === 2 && b.rank === 2) return matMul(a, b, { transposeA, transposeB });
  const batch = a.shape.slice(0, -2);
  // Leading dimensions must agree one by one (no broadcasting), not just in their product.
  if (b.rank !== a.rank || b.shape.slice(0, -2).some((d, i) => d !== batch[i])) {
    fail(
      'batchMatMul',
      `a ${formatShape(a.shape)} and b ${formatShape(b.shape)} must have the same leading dimensions.`,
    );
  }
  const B = sizeOf(batch);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;
  if ((transposeB ? bc : br) !== k || sizeOf(b.shape.slice(0, -2)) !== B) {
    throw new Error(`batchMatMul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} do not match.`);
  }
  const ad = floatData(a, 'batchMatMul');
  const bd = floatData(b, 'batchMatMul');
  const { t: y, data } = emptyFloat([...batch, m, n]);
  const be = getBackend();
  for (let i = 0; i < B; i++) {
    be.matmul(
      ad.subarray(i * m * k, (i + 1) * m * k),
      bd.subarray(i * k * n, (i + 1) * k * n),
      data.subarray(i * m * n, (i + 1) * m * n),
      m,
      n,
      k,
      transposeA,
      transposeB,
      null,
      'linear',
      false,
    );
  }
  record([a, b], [y], ([dy]) => {
    const dyd = floatData(dy!, 'batchMatMul grad');
    const { t: da, data: dad } = emptyFloat(a.shape);
    const { t: db, data: dbd } = emptyFloat(b.shape);
    for (let i = 0; i < B; i++) {
      const A = ad.subarray(i * m * k, (i + 1) * m * k);
      const Bm = bd.subarray(i * k * n, (i + 1) * k * n);
      const dz = dyd.subarray(i * m * n, (i + 1) * m * n);
      const dA = dad.subarray(i * m * k, (i + 1) * m * k);
      const dB = dbd.subarray(i * k * n, (i + 1) * k * n);
      if (!transposeA) be.matmul(dz, Bm, dA, m, k, n, false, !transposeB, null, 'linear', false);
      else be.matmul(Bm, dz, dA, k, m, n, transposeB, true, null, 'linear', false);
      if (!transposeB) be.matmul(A, dz, dB, k, n, m, !transposeA, false, null, 'linear', false);
      else be.matmul(dz, A, dB, n, k, m, true, transposeA, null, 'linear', false);
    }
    return [da, db];
  });
  return y;
}

export { unbroadcast };

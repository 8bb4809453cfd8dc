import type { LstmGradients, LstmSequence } from '../backend.js';
import { matmul } from './matmul.js';
import { lstmGatesBackward, lstmGatesForward } from './recurrent.js';

/*
 * Whole-sequence LSTM on the reference kernels: the time loop written once, plainly, as the oracle
 * for the native version (which runs the same loop in C++ and splits the batch across threads).
 */

interface Slots {
  time(s: number): number;
  inSlot(t: number): number;
  outSlot(t: number): number;
}

function slots(seq: LstmSequence): Slots {
  const back = seq.goBackwards;
  const T = seq.steps;
  return {
    time: (s) => (back ? T - 1 - s : s),
    inSlot: (t) => (back ? t + 1 : t),
    outSlot: (t) => (back ? t : t + 1),
  };
}

function block(buf: Float32Array, k: number, n: number): Float32Array {
  return buf.subarray(k * n, (k + 1) * n);
}

function maskAt(mask: Uint8Array | null, t: number, batch: number): Uint8Array | null {
  return mask ? mask.subarray(t * batch, (t + 1) * batch) : null;
}

/** Row t of every sample of a [batch, steps, width] buffer, as one [batch, width] block. */
function stepRows(src: Float32Array, batch: number, steps: number, width: number, t: number, out: Float32Array): Float32Array {
  for (let b = 0; b < batch; b++) out.set(src.subarray((b * steps + t) * width, (b * steps + t + 1) * width), b * width);
  return out;
}

/** h∘mask into `out` (recurrent dropout), or h itself without a mask. */
function dropped(h: Float32Array, mask: Float32Array | null, out: Float32Array): Float32Array {
  if (!mask) return h;
  for (let i = 0; i < mask.length; i++) out[i] = h[i] * mask[i];
  return out;
}

export function lstmSequenceForward(seq: LstmSequence): void {
  const { batch: B, steps: T, features: F, units: u } = seq;
  const G = 4 * u;
  const at = slots(seq);
  const xt = new Float32Array(B * F);
  const hDrop = new Float32Array(B * u);
  for (let s = 0; s < T; s++) {
    const t = at.time(s);
    const z = block(seq.gates, t, B * G);
    matmul(stepRows(seq.x, B, T, F, t, xt), seq.kernel, z, B, G, F, false, false, seq.bias, 'linear', false);
    const hPrev = block(seq.h, at.inSlot(t), B * u);
    // The initial state is zero, so the first step has no recurrent term.
    if (s > 0) matmul(dropped(hPrev, seq.recurrentDropMask, hDrop), seq.recurrentKernel, z, B, G, u, false, false, null, 'linear', true);
    lstmGatesForward(z, block(seq.c, at.inSlot(t), B * u), hPrev, block(seq.c, at.outSlot(t), B * u),
      block(seq.h, at.outSlot(t), B * u), maskAt(seq.mask, t, B), B, u, seq.act, seq.recAct);
  }
}

export function lstmSequenceBackward(seq: LstmSequence, dStep: Float32Array | null, dh: Float32Array, dc: Float32Array, grads: LstmGradients): void {
  const { batch: B, steps: T, features: F, units: u } = seq;
  const G = 4 * u;
  const n = B * u;
  const at = slots(seq);
  const { dx, dKernel, dRecurrentKernel, dBias } = grads;
  dKernel.fill(0);
  dRecurrentKernel.fill(0);
  dBias?.fill(0);
  let dhNext = dh;
  let dcNext = dc;
  let dhPrev: Float32Array = new Float32Array(n);
  let dcPrev: Float32Array = new Float32Array(n);
  const dz = new Float32Array(B * G);
  const xt = new Float32Array(B * F);
  const dxt = new Float32Array(B * F);
  const dOut = new Float32Array(n);
  const hDrop = new Float32Array(n);
  const tmp = new Float32Array(n);
  const drop = seq.recurrentDropMask;
  for (let s = T - 1; s >= 0; s--) {
    const t = at.time(s);
    lstmGatesBackward(block(seq.gates, t, B * G), block(seq.c, at.inSlot(t), n), block(seq.c, at.outSlot(t), n),
      dhNext, dStep ? stepRows(dStep, B, T, u, s, dOut) : null, dcNext, dz, dhPrev, dcPrev, maskAt(seq.mask, t, B),
      B, u, seq.act, seq.recAct);
    // Through the input projection: dx_t = dz·Kᵀ, dKernel += x_tᵀ·dz, dBias += Σ dz.
    matmul(dz, seq.kernel, dxt, B, F, G, false, true, null, 'linear', false);
    for (let b = 0; b < B; b++) dx.set(dxt.subarray(b * F, (b + 1) * F), (b * T + t) * F);
    matmul(stepRows(seq.x, B, T, F, t, xt), dz, dKernel, F, G, B, true, false, null, 'linear', true);
    if (dBias) for (let i = 0; i < dz.length; i++) dBias[i % G] += dz[i];
    // The first step's incoming state is the constant zero: nothing flows further back.
    if (s > 0) {
      const hRec = dropped(block(seq.h, at.inSlot(t), n), drop, hDrop);
      matmul(hRec, dz, dRecurrentKernel, u, G, B, true, false, null, 'linear', true);
      // dhPrev += (dz · Uᵀ) ∘ dropMask
      if (!drop) matmul(dz, seq.recurrentKernel, dhPrev, B, u, G, false, true, null, 'linear', true);
      else {
        matmul(dz, seq.recurrentKernel, tmp, B, u, G, false, true, null, 'linear', false);
        for (let i = 0; i < n; i++) dhPrev[i] += tmp[i] * drop[i];
      }
    }
    [dhNext, dhPrev] = [dhPrev, dhNext];
    [dcNext, dcPrev] = [dcPrev, dcNext];
  }
}

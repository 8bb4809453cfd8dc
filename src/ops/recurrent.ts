import type { GateActivation } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { floatData, floatBuffer } from './create.js';
import { SequencePlan, checkRecurrentWeights } from './recurrent_seq.js';
import { record } from './tape.js';

/*
 * Fused recurrent layers as single differentiable ops. The forward pass runs the whole sequence
 * (one matmul projects every time step's input; per step one matmul with the recurrent kernel and
 * one gate kernel), and the backward pass is BPTT in one function, so a 200-step LSTM is one tape
 * entry rather than thousands. Weight layouts and gate orders are Keras's: LSTM [i, f, c, o],
 * GRU [z, r, h].
 */

export interface RecurrentOpOptions {
  /** Process time steps last to first; the returned sequence is then in reversed time order (as Keras). */
  goBackwards?: boolean;
  /** Return every step's output [B, T, u] instead of the last one [B, u]. */
  returnSequences?: boolean;
  /** Masked steps output zeros instead of repeating the previous output (Bidirectional's choice). */
  zeroOutputForMask?: boolean;
  activation?: GateActivation;
  recurrentActivation?: GateActivation;
  /** Recurrent dropout: [B, u] multiplier of h before each recurrent matmul (already scaled by 1/keep). */
  recurrentDropMask?: Tensor | null;
}

export interface GruOpOptions extends RecurrentOpOptions {
  /** Keras 3's default: apply the reset gate after the recurrent matmul; bias is then [2, 3u]. */
  resetAfter?: boolean;
}

interface Resolved {
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOut: boolean;
  act: GateActivation;
  recAct: GateActivation;
  drop: Float32Array | null;
}

function resolve(o: RecurrentOpOptions, act: GateActivation, recAct: GateActivation): Resolved {
  return {
    goBackwards: o.goBackwards ?? false,
    returnSequences: o.returnSequences ?? false,
    zeroOut: o.zeroOutputForMask ?? false,
    act: o.activation ?? act,
    recAct: o.recurrentActivation ?? recAct,
    drop: o.recurrentDropMask ? floatData(o.recurrentDropMask, 'recurrent dropout mask') : null,
  };
}

function weightInputs(x: Tensor, kernel: Tensor, rk: Tensor, bias: Tensor | null): Tensor[] {
  return bias ? [x, kernel, rk, bias] : [x, kernel, rk];
}

function grads(dx: Tensor, dK: Float32Array, kernel: Tensor, dR: Float32Array, rk: Tensor, dBias: Float32Array | null, bias: Tensor | null): Tensor[] {
  const out = [dx, new Tensor(dK, kernel.shape, 'float32'), new Tensor(dR, rk.shape, 'float32')];
  if (bias && dBias) out.push(new Tensor(dBias, bias.shape, 'float32'));
  return out;
}

/**
 * A whole LSTM over x [B, T, F]: kernel [F, 4u], recurrentKernel [u, 4u], bias [4u] or null,
 * mask [B, T] (nonzero = real step) or null. Returns the output (sequence or last), and the final
 * h and c. Initial states are zero.
 */
export function lstm(
  x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, mask: Tensor | null,
  options: RecurrentOpOptions = {},
): { output: Tensor; h: Tensor; c: Tensor } {
  const u = checkRecurrentWeights('LSTM', x, kernel, recurrentKernel, bias, 4, [4 * recurrentKernel.shape[0]]);
  const o = resolve(options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('LSTM', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const G = 4 * u;
  const kd = floatData(kernel, 'LSTM');
  const rd = floatData(recurrentKernel, 'LSTM');
  const gates = seq.project(kd, bias ? floatData(bias, 'LSTM') : null, G);
  const C = floatBuffer((T + 1) * B * u);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    const t = seq.time(s);
    const z = seq.block(gates, t, G);
    const hPrev = seq.block(seq.H, seq.inSlot(t), u);
    // The initial state is zero, so the first step has no recurrent term.
    if (s > 0) be.matmul(seq.recurrentInput(hPrev, scratch), rd, z, B, G, u, false, false, null, 'linear', true);
    be.lstmGatesForward(z, seq.block(C, seq.inSlot(t), u), hPrev, seq.block(C, seq.outSlot(t), u),
      seq.block(seq.H, seq.outSlot(t), u), seq.maskAt(t), B, u, o.act, o.recAct);
  }
  const { output, h } = seq.outputs(o.returnSequences, o.zeroOut);
  const c = new Tensor(seq.block(C, seq.finalSlot, u).slice(), [B, u], 'float32');

  record(weightInputs(x, kernel, recurrentKernel, bias), [output, h, c], ([dOut, dH, dC]) => {
    const dG = floatBuffer(T * B * G);
    let dhNext: Float32Array = seq.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    let dcNext: Float32Array = dC ? floatData(dC, 'LSTM grad').slice() : floatBuffer(B * u);
    let dhPrev: Float32Array = floatBuffer(B * u);
    let dcPrev: Float32Array = floatBuffer(B * u);
    const dOutStep = floatBuffer(B * u);
    for (let s = T - 1; s >= 0; s--) {
      const t = seq.time(s);
      const dz = seq.block(dG, t, G);
      be.lstmGatesBackward(seq.block(gates, t, G), seq.block(C, seq.inSlot(t), u), seq.block(C, seq.outSlot(t), u),
        dhNext, seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep), dcNext,
        dz, dhPrev, dcPrev, seq.maskAt(t), B, u, o.act, o.recAct);
      if (s > 0) seq.addRecurrentGrad(dz, rd, G, dhPrev, scratch);
      [dhNext, dhPrev] = [dhPrev, dhNext];
      [dcNext, dcPrev] = [dcPrev, dcNext];
    }
    const dR = seq.recurrentKernelGrad(seq.hIn(), dG, G);
    const { dx, dKernel, dBias } = seq.inputGrads(dG, kd, G);
    return grads(dx, dKernel, kernel, dR, recurrentKernel, dBias, bias);
  });
  return { output, h, c };
}

/**
 * A whole GRU over x [B, T, F]: kernel [F, 3u], recurrentKernel [u, 3u], bias [2, 3u] with
 * resetAfter (input bias row, recurrent bias row) or [3u] without. Returns the output and final h.
 */
export function gru(
  x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, mask: Tensor | null,
  options: GruOpOptions = {},
): { output: Tensor; h: Tensor } {
  const resetAfter = options.resetAfter ?? true;
  const u0 = recurrentKernel.shape[0];
  checkRecurrentWeights('GRU', x, kernel, recurrentKernel, bias, 3, resetAfter ? [2, 3 * u0] : [3 * u0]);
  return resetAfter ? gruResetAfter(x, kernel, recurrentKernel, bias, mask, options) : gruResetBefore(x, kernel, recurrentKernel, bias, mask, options);
}

function gruResetAfter(x: Tensor, kernel: Tensor, rk: Tensor, bias: Tensor | null, mask: Tensor | null, options: GruOpOptions): { output: Tensor; h: Tensor } {
  const u = rk.shape[0];
  const G = 3 * u;
  const o = resolve(options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('GRU', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const kd = floatData(kernel, 'GRU');
  const rd = floatData(rk, 'GRU');
  const bd = bias ? floatData(bias, 'GRU') : null;
  const gates = seq.project(kd, bd ? bd.subarray(0, G) : null, G);
  const recBias = bd ? bd.subarray(G) : null;
  // h·U + b_rec for every step: its candidate third is needed again by the backward pass.
  const rec = floatBuffer(T * B * G);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    const t = seq.time(s);
    const hPrev = seq.block(seq.H, seq.inSlot(t), u);
    const r = seq.block(rec, t, G);
    be.matmul(seq.recurrentInput(hPrev, scratch), rd, r, B, G, u, false, false, recBias, 'linear', false);
    be.gruGatesForward(seq.block(gates, t, G), r, hPrev, seq.block(seq.H, seq.outSlot(t), u), seq.maskAt(t), B, u, o.act, o.recAct);
  }
  const { output, h } = seq.outputs(o.returnSequences, o.zeroOut);

  record(weightInputs(x, kernel, rk, bias), [output, h], ([dOut, dH]) => {
    const dX = floatBuffer(T * B * G);
    const dRec = floatBuffer(T * B * G);
    let dhNext: Float32Array = seq.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    let dhPrev: Float32Array = floatBuffer(B * u);
    const dOutStep = floatBuffer(B * u);
    for (let s = T - 1; s >= 0; s--) {
      const t = seq.time(s);
      const drec = seq.block(dRec, t, G);
      be.gruGatesBackward(seq.block(gates, t, G), seq.block(rec, t, G), seq.block(seq.H, seq.inSlot(t), u),
        dhNext, seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep),
        seq.block(dX, t, G), drec, dhPrev, seq.maskAt(t), B, u, o.act, o.recAct);
      if (s > 0) seq.addRecurrentGrad(drec, rd, G, dhPrev, scratch);
      [dhNext, dhPrev] = [dhPrev, dhNext];
    }
    const dR = seq.recurrentKernelGrad(seq.hIn(), dRec, G);
    const { dx, dKernel, dBias } = seq.inputGrads(dX, kd, G);
    let dB: Float32Array | null = null;
    if (bias) {
      dB = floatBuffer(2 * G);
      dB.set(dBias);
      be.reduceSum(dRec, 1, T * B, G, dB.subarray(G));
    }
    return grads(dx, dKernel, kernel, dR, rk, dB, bias);
  });
  return { output, h };
}

function gruResetBefore(x: Tensor, kernel: Tensor, rk: Tensor, bias: Tensor | null, mask: Tensor | null, options: GruOpOptions): { output: Tensor; h: Tensor } {
  const u = rk.shape[0];
  const G = 3 * u;
  const o = resolve(options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('GRU', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const kd = floatData(kernel, 'GRU');
  // The reset gate sits between the two parts of the recurrent kernel, so they are used separately.
  const rd = floatData(rk, 'GRU');
  const uZR = floatBuffer(u * 2 * u);
  const uH = floatBuffer(u * u);
  be.sliceBlock(rd, u, G, 0, 2 * u, uZR);
  be.sliceBlock(rd, u, G, 2 * u, u, uH);
  const gates = seq.project(kd, bias ? floatData(bias, 'GRU') : null, G);
  const RH = floatBuffer(T * B * u);
  const recZR = floatBuffer(B * 2 * u);
  const recH = floatBuffer(B * u);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    const t = seq.time(s);
    const hPrev = seq.block(seq.H, seq.inSlot(t), u);
    const hRec = seq.recurrentInput(hPrev, scratch);
    const g = seq.block(gates, t, G);
    const rh = seq.block(RH, t, u);
    be.matmul(hRec, uZR, recZR, B, 2 * u, u, false, false, null, 'linear', false);
    be.gruResetForward(g, recZR, hRec, rh, B, u, o.recAct);
    be.matmul(rh, uH, recH, B, u, u, false, false, null, 'linear', false);
    be.gruCandidateForward(g, recH, hPrev, seq.block(seq.H, seq.outSlot(t), u), seq.maskAt(t), B, u, o.act);
  }
  const { output, h } = seq.outputs(o.returnSequences, o.zeroOut);

  record(weightInputs(x, kernel, rk, bias), [output, h], ([dOut, dH]) => {
    const DZR = floatBuffer(T * B * 2 * u);
    const DAH = floatBuffer(T * B * u);
    let dhNext: Float32Array = seq.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    let dhPrev: Float32Array = floatBuffer(B * u);
    const dOutStep = floatBuffer(B * u);
    const drh = floatBuffer(B * u);
    const dhRec = floatBuffer(B * u);
    for (let s = T - 1; s >= 0; s--) {
      const t = seq.time(s);
      const g = seq.block(gates, t, G);
      const hPrev = seq.block(seq.H, seq.inSlot(t), u);
      const hRec = seq.recurrentInput(hPrev, scratch);
      const dzr = seq.block(DZR, t, 2 * u);
      const dah = seq.block(DAH, t, u);
      be.gruCandidateBackward(g, hPrev, dhNext, seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep),
        dzr, dah, dhPrev, seq.maskAt(t), B, u, o.act, o.recAct);
      be.matmul(dah, uH, drh, B, u, u, false, true, null, 'linear', false);
      // Without recurrent dropout the recurrent input is h itself: accumulate straight into dhPrev.
      const target = seq.dropMask ? dhRec.fill(0) : dhPrev;
      be.gruResetBackward(g, hRec, drh, dzr, target, seq.maskAt(t), B, u, o.recAct);
      be.matmul(dzr, uZR, target, B, u, 2 * u, false, true, null, 'linear', true);
      if (seq.dropMask) {
        const m = seq.dropMask;
        for (let i = 0; i < m.length; i++) dhPrev[i] += dhRec[i] * m[i];
      }
      [dhNext, dhPrev] = [dhPrev, dhNext];
    }
    const dUZR = seq.recurrentKernelGrad(seq.hIn(), DZR, 2 * u);
    const dUH = floatBuffer(u * u);
    be.matmul(RH, DAH, dUH, u, u, T * B, true, false, null, 'linear', false);
    const dR = floatBuffer(u * G);
    be.copyBlock(dUZR, u, 2 * u, dR, G, 0);
    be.copyBlock(dUH, u, u, dR, G, 2 * u);
    const dX = floatBuffer(T * B * G);
    be.copyBlock(DZR, T * B, 2 * u, dX, G, 0);
    be.copyBlock(DAH, T * B, u, dX, G, 2 * u);
    const { dx, dKernel, dBias } = seq.inputGrads(dX, kd, G);
    return grads(dx, dKernel, kernel, dR, rk, dBias, bias);
  });
  return { output, h };
}

/** A whole SimpleRNN over x [B, T, F]: kernel [F, u], recurrentKernel [u, u], bias [u]. */
export function simpleRnn(
  x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, mask: Tensor | null,
  options: RecurrentOpOptions = {},
): { output: Tensor; h: Tensor } {
  const u = checkRecurrentWeights('SimpleRNN', x, kernel, recurrentKernel, bias, 1, [recurrentKernel.shape[0]]);
  const o = resolve(options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('SimpleRNN', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const kd = floatData(kernel, 'SimpleRNN');
  const rd = floatData(recurrentKernel, 'SimpleRNN');
  const Z = seq.project(kd, bias ? floatData(bias, 'SimpleRNN') : null, u);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    const t = seq.time(s);
    const z = seq.block(Z, t, u);
    const hPrev = seq.block(seq.H, seq.inSlot(t), u);
    if (s > 0) be.matmul(seq.recurrentInput(hPrev, scratch), rd, z, B, u, u, false, false, null, 'linear', true);
    be.rnnStepForward(z, hPrev, seq.block(seq.H, seq.outSlot(t), u), seq.maskAt(t), B, u, o.act);
  }
  const { output, h } = seq.outputs(o.returnSequences, o.zeroOut);

  record(weightInputs(x, kernel, recurrentKernel, bias), [output, h], ([dOut, dH]) => {
    const dZ = floatBuffer(T * B * u);
    let dhNext: Float32Array = seq.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    let dhPrev: Float32Array = floatBuffer(B * u);
    const dOutStep = floatBuffer(B * u);
    for (let s = T - 1; s >= 0; s--) {
      const t = seq.time(s);
      const dz = seq.block(dZ, t, u);
      be.rnnStepBackward(seq.block(Z, t, u), dhNext, seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep),
        dz, dhPrev, seq.maskAt(t), B, u, o.act);
      if (s > 0) seq.addRecurrentGrad(dz, rd, u, dhPrev, scratch);
      [dhNext, dhPrev] = [dhPrev, dhNext];
    }
    const dR = seq.recurrentKernelGrad(seq.hIn(), dZ, u);
    const { dx, dKernel, dBias } = seq.inputGrads(dZ, kd, u);
    return grads(dx, dKernel, kernel, dR, recurrentKernel, dBias, bias);
  });
  return { output, h };
}

/** x [B, T, ...] with its time axis reversed (how Bidirectional puts a backward sequence back in order). */
export function reverseTime(x: Tensor): Tensor {
  if (x.rank < 2) throw new Error(`reverseTime expects a tensor with a time axis, got rank ${x.rank}.`);
  const flip = (src: Float32Array): Float32Array => {
    const [B, T] = x.shape;
    const inner = x.size / Math.max(B * T, 1);
    const out = floatBuffer(src.length);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const from = (b * T + t) * inner;
        out.set(src.subarray(from, from + inner), (b * T + T - 1 - t) * inner);
      }
    }
    return out;
  };
  const y = new Tensor(flip(floatData(x, 'reverseTime')), x.shape, 'float32');
  record([x], [y], ([dy]) => [new Tensor(flip(floatData(dy!, 'reverseTime grad')), x.shape, 'float32')]);
  return y;
}

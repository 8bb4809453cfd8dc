import type { GruSequence, LstmSequence } from '../backend/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { floatBuffer, floatData, outputBuffer } from './create.js';
import { type GruOpOptions, type RecurrentOpOptions, checkMask, resolve } from './recurrent_options.js';
import { SequencePlan, checkRecurrentWeights } from './recurrent_seq.js';
import { record } from './tape.js';
import { checkBoolean, checkTensor } from './validate.js';

export type { GruOpOptions, RecurrentOpOptions };

/*
 * Fused recurrent layers as single differentiable ops. The forward pass runs the whole sequence
 * (the LSTM and the reset-after GRU as one backend call each way; the reset-before GRU and
 * SimpleRNN per step: a matmul with the recurrent kernel and a gate kernel, the input projection a
 * few steps ahead), and the backward pass is BPTT in one function, so a 200-step LSTM is one tape
 * entry rather than thousands. Weight layouts and gate orders are Keras's: LSTM [i, f, c, o],
 * GRU [z, r, h].
 */

function weightInputs(x: Tensor, kernel: Tensor, rk: Tensor, bias: Tensor | null): Tensor[] {
  return bias ? [x, kernel, rk, bias] : [x, kernel, rk];
}

function grads(
  dx: Tensor,
  dK: Float32Array,
  kernel: Tensor,
  dR: Float32Array,
  rk: Tensor,
  dBias: Float32Array | null,
  bias: Tensor | null,
): Tensor[] {
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
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  mask: Tensor | null,
  options: RecurrentOpOptions = {},
): { output: Tensor; h: Tensor; c: Tensor } {
  const u = checkRecurrentWeights('LSTM', x, kernel, recurrentKernel, bias, 4, (n) => [4 * n]);
  checkMask(mask, 'LSTM');
  const o = resolve('LSTM', options, 'tanh', 'sigmoid');
  const plan = new SequencePlan('LSTM', x, u, mask, o.goBackwards, o.drop);
  const { B, T, F, be } = plan;
  const G = 4 * u;
  // The whole time loop is one backend call each way: per step there is too little work to pay
  // for a trip through JavaScript, and the native backend splits the batch across threads.
  const seq: LstmSequence = {
    batch: B,
    steps: T,
    features: F,
    units: u,
    x: floatData(x, 'LSTM'),
    kernel: floatData(kernel, 'LSTM'),
    recurrentKernel: floatData(recurrentKernel, 'LSTM'),
    bias: bias ? floatData(bias, 'LSTM') : null,
    mask: plan.maskTm,
    recurrentDropMask: o.drop,
    goBackwards: o.goBackwards,
    act: o.act,
    recAct: o.recAct,
    gates: outputBuffer(T * B * G),
    c: plan.stateSlots(u),
    h: plan.H,
  };
  be.lstmSequenceForward(seq);
  const { output, h } = plan.outputs(o.returnSequences, o.zeroOut);
  const c = new Tensor(plan.block(seq.c, plan.finalSlot, u).slice(), [B, u], 'float32');

  record(weightInputs(x, kernel, recurrentKernel, bias), [output, h, c], ([dOut, dH, dC]) => {
    const dh = plan.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    const dc = dC ? floatData(dC, 'LSTM grad').slice() : floatBuffer(B * u);
    const g = {
      dx: outputBuffer(B * T * F),
      dKernel: outputBuffer(F * G),
      dRecurrentKernel: outputBuffer(u * G),
      dBias: bias ? outputBuffer(G) : null,
    };
    be.lstmSequenceBackward(seq, plan.stepOutputGrads(dOut, o.returnSequences, o.zeroOut), dh, dc, g);
    return grads(
      new Tensor(g.dx, x.shape, 'float32'),
      g.dKernel,
      kernel,
      g.dRecurrentKernel,
      recurrentKernel,
      g.dBias,
      bias,
    );
  });
  return { output, h, c };
}

/**
 * A whole GRU over x [B, T, F]: kernel [F, 3u], recurrentKernel [u, 3u], bias [2, 3u] with
 * resetAfter (input bias row, recurrent bias row) or [3u] without. Returns the output and final h.
 */
export function gru(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  mask: Tensor | null,
  options: GruOpOptions = {},
): { output: Tensor; h: Tensor } {
  const resetAfter = options?.resetAfter === undefined ? true : checkBoolean(options.resetAfter, 'GRU', 'resetAfter');
  checkRecurrentWeights('GRU', x, kernel, recurrentKernel, bias, 3, (n) => (resetAfter ? [2, 3 * n] : [3 * n]));
  checkMask(mask, 'GRU');
  return resetAfter
    ? gruResetAfter(x, kernel, recurrentKernel, bias, mask, options)
    : gruResetBefore(x, kernel, recurrentKernel, bias, mask, options);
}

function gruResetAfter(
  x: Tensor,
  kernel: Tensor,
  rk: Tensor,
  bias: Tensor | null,
  mask: Tensor | null,
  options: GruOpOptions,
): { output: Tensor; h: Tensor } {
  const u = rk.shape[0];
  const G = 3 * u;
  const o = resolve('GRU', options, 'tanh', 'sigmoid');
  const plan = new SequencePlan('GRU', x, u, mask, o.goBackwards, o.drop);
  const { B, T, F, be } = plan;
  // One backend call each way, as for the LSTM.
  const seq: GruSequence = {
    batch: B,
    steps: T,
    features: F,
    units: u,
    x: floatData(x, 'GRU'),
    kernel: floatData(kernel, 'GRU'),
    recurrentKernel: floatData(rk, 'GRU'),
    bias: bias ? floatData(bias, 'GRU') : null,
    mask: plan.maskTm,
    recurrentDropMask: o.drop,
    goBackwards: o.goBackwards,
    act: o.act,
    recAct: o.recAct,
    gates: outputBuffer(T * B * G),
    rec: outputBuffer(T * B * G),
    h: plan.H,
  };
  be.gruSequenceForward(seq);
  const { output, h } = plan.outputs(o.returnSequences, o.zeroOut);

  record(weightInputs(x, kernel, rk, bias), [output, h], ([dOut, dH]) => {
    const dh = plan.initialDh(dOut, dH, o.returnSequences, o.zeroOut);
    const g = {
      dx: outputBuffer(B * T * F),
      dKernel: outputBuffer(F * G),
      dRecurrentKernel: outputBuffer(u * G),
      dBias: bias ? outputBuffer(2 * G) : null,
    };
    be.gruSequenceBackward(seq, plan.stepOutputGrads(dOut, o.returnSequences, o.zeroOut), dh, g);
    return grads(new Tensor(g.dx, x.shape, 'float32'), g.dKernel, kernel, g.dRecurrentKernel, rk, g.dBias, bias);
  });
  return { output, h };
}

function gruResetBefore(
  x: Tensor,
  kernel: Tensor,
  rk: Tensor,
  bias: Tensor | null,
  mask: Tensor | null,
  options: GruOpOptions,
): { output: Tensor; h: Tensor } {
  const u = rk.shape[0];
  const G = 3 * u;
  const o = resolve('GRU', options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('GRU', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const kd = floatData(kernel, 'GRU');
  // The reset gate sits between the two parts of the recurrent kernel, so they are used separately.
  const rd = floatData(rk, 'GRU');
  const uZR = floatBuffer(u * 2 * u);
  const uH = floatBuffer(u * u);
  be.sliceBlock(rd, u, G, 0, 2 * u, uZR);
  be.sliceBlock(rd, u, G, 2 * u, u, uH);
  const { gates, ready } = seq.projector(kd, bias ? floatData(bias, 'GRU') : null, G);
  const RH = floatBuffer(T * B * u);
  const recZR = floatBuffer(B * 2 * u);
  const recH = floatBuffer(B * u);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    ready(s);
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
      be.gruCandidateBackward(
        g,
        hPrev,
        dhNext,
        seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep),
        dzr,
        dah,
        dhPrev,
        seq.maskAt(t),
        B,
        u,
        o.act,
        o.recAct,
      );
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
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  mask: Tensor | null,
  options: RecurrentOpOptions = {},
): { output: Tensor; h: Tensor } {
  const u = checkRecurrentWeights('SimpleRNN', x, kernel, recurrentKernel, bias, 1, (n) => [n]);
  checkMask(mask, 'SimpleRNN');
  const o = resolve('SimpleRNN', options, 'tanh', 'sigmoid');
  const seq = new SequencePlan('SimpleRNN', x, u, mask, o.goBackwards, o.drop);
  const { B, T, be } = seq;
  const kd = floatData(kernel, 'SimpleRNN');
  const rd = floatData(recurrentKernel, 'SimpleRNN');
  const { gates: Z, ready } = seq.projector(kd, bias ? floatData(bias, 'SimpleRNN') : null, u);
  const scratch = floatBuffer(B * u);
  for (let s = 0; s < T; s++) {
    ready(s);
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
      be.rnnStepBackward(
        seq.block(Z, t, u),
        dhNext,
        seq.stepOutputGrad(dOut, o.returnSequences, o.zeroOut, s, dOutStep),
        dz,
        dhPrev,
        seq.maskAt(t),
        B,
        u,
        o.act,
      );
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
  checkTensor(x, 'reverseTime', 'x');
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

import type { GruSequence, LstmSequence, RecurrentGradients } from '../backend.js';
import { matmul } from './matmul.js';
import { gruGatesBackward, gruGatesForward, lstmGatesBackward, lstmGatesForward } from './recurrent.js';

/*
 * Whole-sequence LSTM and GRU on the reference kernels: the time loops written once, plainly, as
 * the oracle for the native versions (which run the same loops in C++ and split the batch across
 * threads).
 */

type Sequence = Omit<LstmSequence, 'c'>;

interface Slots {
  time(s: number): number;
  inSlot(t: number): number;
  outSlot(t: number): number;
}

function slots(seq: Sequence): Slots {
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
function stepRows(
  src: Float32Array,
  batch: number,
  steps: number,
  width: number,
  t: number,
  out: Float32Array,
): Float32Array {
  for (let b = 0; b < batch; b++)
    out.set(src.subarray((b * steps + t) * width, (b * steps + t + 1) * width), b * width);
  return out;
}

/** h∘mask into `out` (recurrent dropout), or h itself without a mask. */
function dropped(h: Float32Array, mask: Float32Array | null, out: Float32Array): Float32Array {
  if (!mask) return h;
  for (let i = 0; i < mask.length; i++) out[i] = h[i] * mask[i];
  return out;
}

/** The gradients every cell shares: through the input projection and through the recurrence. */
class BackwardSums {
  private readonly xt: Float32Array;
  private readonly dxt: Float32Array;
  private readonly hDrop: Float32Array;
  private readonly tmp: Float32Array;

  constructor(
    private readonly seq: Sequence,
    private readonly G: number,
    private readonly grads: RecurrentGradients,
  ) {
    const { batch: B, features: F, units: u } = seq;
    this.xt = new Float32Array(B * F);
    this.dxt = new Float32Array(B * F);
    this.hDrop = new Float32Array(B * u);
    this.tmp = new Float32Array(B * u);
    grads.dKernel.fill(0);
    grads.dRecurrentKernel.fill(0);
    grads.dBias?.fill(0);
  }

  /** dx_t = dg·Kᵀ, dKernel += x_tᵀ·dg, and the first G values of dBias += Σ dg. */
  throughInput(t: number, dg: Float32Array): void {
    const { batch: B, steps: T, features: F } = this.seq;
    const { G, grads } = this;
    matmul(dg, this.seq.kernel, this.dxt, B, F, G, false, true, null, 'linear', false);
    for (let b = 0; b < B; b++) grads.dx.set(this.dxt.subarray(b * F, (b + 1) * F), (b * T + t) * F);
    matmul(stepRows(this.seq.x, B, T, F, t, this.xt), dg, grads.dKernel, F, G, B, true, false, null, 'linear', true);
    if (grads.dBias) addColumnSums(dg, G, grads.dBias, 0);
  }

  /** dRecurrentKernel += hRecᵀ·dr and dhPrev += (dr·Uᵀ)∘dropMask (not for the first step, whose state is zero). */
  throughRecurrence(hPrev: Float32Array, dr: Float32Array, dhPrev: Float32Array): void {
    const { batch: B, units: u, recurrentKernel: U, recurrentDropMask: drop } = this.seq;
    const { G, grads } = this;
    matmul(dropped(hPrev, drop, this.hDrop), dr, grads.dRecurrentKernel, u, G, B, true, false, null, 'linear', true);
    if (!drop) {
      matmul(dr, U, dhPrev, B, u, G, false, true, null, 'linear', true);
      return;
    }
    matmul(dr, U, this.tmp, B, u, G, false, true, null, 'linear', false);
    for (let i = 0; i < drop.length; i++) dhPrev[i] += this.tmp[i] * drop[i];
  }
}

function addColumnSums(d: Float32Array, cols: number, sums: Float32Array, offset: number): void {
  for (let i = 0; i < d.length; i++) sums[offset + (i % cols)] += d[i];
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
    if (s > 0)
      matmul(
        dropped(hPrev, seq.recurrentDropMask, hDrop),
        seq.recurrentKernel,
        z,
        B,
        G,
        u,
        false,
        false,
        null,
        'linear',
        true,
      );
    lstmGatesForward(
      z,
      block(seq.c, at.inSlot(t), B * u),
      hPrev,
      block(seq.c, at.outSlot(t), B * u),
      block(seq.h, at.outSlot(t), B * u),
      maskAt(seq.mask, t, B),
      B,
      u,
      seq.act,
      seq.recAct,
    );
  }
}

export function lstmSequenceBackward(
  seq: LstmSequence,
  dStep: Float32Array | null,
  dh: Float32Array,
  dc: Float32Array,
  grads: RecurrentGradients,
): void {
  const { batch: B, steps: T, units: u } = seq;
  const G = 4 * u;
  const n = B * u;
  const at = slots(seq);
  const sums = new BackwardSums(seq, G, grads);
  let dhNext = dh;
  let dcNext = dc;
  let dhPrev: Float32Array = new Float32Array(n);
  let dcPrev: Float32Array = new Float32Array(n);
  const dz = new Float32Array(B * G);
  const dOut = new Float32Array(n);
  for (let s = T - 1; s >= 0; s--) {
    const t = at.time(s);
    lstmGatesBackward(
      block(seq.gates, t, B * G),
      block(seq.c, at.inSlot(t), n),
      block(seq.c, at.outSlot(t), n),
      dhNext,
      dStep ? stepRows(dStep, B, T, u, s, dOut) : null,
      dcNext,
      dz,
      dhPrev,
      dcPrev,
      maskAt(seq.mask, t, B),
      B,
      u,
      seq.act,
      seq.recAct,
    );
    sums.throughInput(t, dz);
    if (s > 0) sums.throughRecurrence(block(seq.h, at.inSlot(t), n), dz, dhPrev);
    [dhNext, dhPrev] = [dhPrev, dhNext];
    [dcNext, dcPrev] = [dcPrev, dcNext];
  }
}

export function gruSequenceForward(seq: GruSequence): void {
  const { batch: B, steps: T, features: F, units: u } = seq;
  const G = 3 * u;
  const at = slots(seq);
  const xt = new Float32Array(B * F);
  const hDrop = new Float32Array(B * u);
  const inputBias = seq.bias ? seq.bias.subarray(0, G) : null;
  const recBias = seq.bias ? seq.bias.subarray(G) : null;
  for (let s = 0; s < T; s++) {
    const t = at.time(s);
    const xg = block(seq.gates, t, B * G);
    const rec = block(seq.rec, t, B * G);
    matmul(stepRows(seq.x, B, T, F, t, xt), seq.kernel, xg, B, G, F, false, false, inputBias, 'linear', false);
    // Every step, the first too: its h is zero but the recurrent bias is not.
    const hPrev = block(seq.h, at.inSlot(t), B * u);
    matmul(
      dropped(hPrev, seq.recurrentDropMask, hDrop),
      seq.recurrentKernel,
      rec,
      B,
      G,
      u,
      false,
      false,
      recBias,
      'linear',
      false,
    );
    gruGatesForward(
      xg,
      rec,
      hPrev,
      block(seq.h, at.outSlot(t), B * u),
      maskAt(seq.mask, t, B),
      B,
      u,
      seq.act,
      seq.recAct,
    );
  }
}

export function gruSequenceBackward(
  seq: GruSequence,
  dStep: Float32Array | null,
  dh: Float32Array,
  grads: RecurrentGradients,
): void {
  const { batch: B, steps: T, units: u } = seq;
  const G = 3 * u;
  const n = B * u;
  const at = slots(seq);
  const sums = new BackwardSums(seq, G, grads);
  let dhNext = dh;
  let dhPrev: Float32Array = new Float32Array(n);
  const dxg = new Float32Array(B * G);
  const drec = new Float32Array(B * G);
  const dOut = new Float32Array(n);
  for (let s = T - 1; s >= 0; s--) {
    const t = at.time(s);
    const hPrev = block(seq.h, at.inSlot(t), n);
    gruGatesBackward(
      block(seq.gates, t, B * G),
      block(seq.rec, t, B * G),
      hPrev,
      dhNext,
      dStep ? stepRows(dStep, B, T, u, s, dOut) : null,
      dxg,
      drec,
      dhPrev,
      maskAt(seq.mask, t, B),
      B,
      u,
      seq.act,
      seq.recAct,
    );
    sums.throughInput(t, dxg);
    // The recurrent bias's gradient is dBias's second half.
    if (grads.dBias) addColumnSums(drec, G, grads.dBias, G);
    if (s > 0) sums.throughRecurrence(hPrev, drec, dhPrev);
    [dhNext, dhPrev] = [dhPrev, dhNext];
  }
}

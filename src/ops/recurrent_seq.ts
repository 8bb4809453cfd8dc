import type { Backend } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { floatBuffer, floatData, outputBuffer } from './create.js';
import { checkTensor } from './validate.js';

/** Bytes of input projection computed ahead of the recurrence: well inside a core's L2 cache. */
const PROJECTION_CHUNK_BYTES = 256 * 1024;

/**
 * The sequence plumbing shared by the fused LSTM, GRU and SimpleRNN ops: time-major mask and
 * state buffers, output assembly, and for the ops that loop over steps here (reset-before GRU,
 * SimpleRNN) the input projection a few steps ahead and the gradients that do not depend on the
 * cell. The LSTM and the reset-after GRU hand the whole loop to the backend.
 *
 * Layout: everything per time step is stored time-major ([T, B, ...]) so that step t is one
 * contiguous [B, width] block the backend can work on. Hidden states live in T + 1 slots: the
 * state entering time t is slot t (forward) or t + 1 (goBackwards), so the states entering every
 * step form one contiguous [T·B, u] block in time order — which makes the recurrent-kernel
 * gradient one large matmul instead of T small ones.
 */
export class SequencePlan {
  readonly be: Backend = getBackend();
  readonly B: number;
  readonly T: number;
  readonly F: number;
  private xTimeMajor: Float32Array | null = null;
  /** Mask transposed to [T, B] (1 = real step), or null. */
  readonly maskTm: Uint8Array | null;
  /** Hidden-state slots, (T + 1) × [B, u]; the slot not written by any step stays zero (h0). */
  readonly H: Float32Array;

  constructor(
    readonly what: string,
    readonly x: Tensor,
    readonly units: number,
    mask: Tensor | null,
    readonly goBackwards: boolean,
    /** Per-sample multiplier of h before each recurrent matmul (recurrent dropout), [B, u]. */
    readonly dropMask: Float32Array | null,
  ) {
    if (x.rank !== 3)
      throw new Error(`${what} expects a 3D input (batch, timesteps, features), got shape ${formatShape(x.shape)}.`);
    const [B, T, F] = x.shape;
    if (T === 0) throw new Error(`${what} got a sequence of length 0; it needs at least one time step.`);
    this.B = B;
    this.T = T;
    this.F = F;
    this.maskTm = mask ? timeMajorMask(mask, B, T, what) : null;
    this.H = this.stateSlots(units);
    if (dropMask && dropMask.length !== B * units)
      throw new Error(`${what}: recurrent dropout mask has the wrong size.`);
  }

  /** x transposed to [T, B, F], made on first use (the backend's sequence kernels read x as it is). */
  get xTm(): Float32Array {
    if (!this.xTimeMajor) {
      this.xTimeMajor = floatBuffer(this.B * this.T * this.F);
      this.be.transpose(floatData(this.x, this.what), [this.B, this.T, this.F], [1, 0, 2], this.xTimeMajor);
    }
    return this.xTimeMajor;
  }

  /**
   * (T + 1) × [B, width] state slots: every step writes its own slot, so only the initial state's
   * slot needs zeroing (the rest of a pooled buffer is left as it comes).
   */
  stateSlots(width: number): Float32Array {
    const n = this.B * width;
    const slots = outputBuffer((this.T + 1) * n);
    const first = this.goBackwards ? this.T : 0;
    slots.fill(0, first * n, (first + 1) * n);
    return slots;
  }

  /** The time index processed at step s. */
  time(s: number): number {
    return this.goBackwards ? this.T - 1 - s : s;
  }

  /** Slot holding the state that enters time t. */
  inSlot(t: number): number {
    return this.goBackwards ? t + 1 : t;
  }

  /** Slot receiving the state produced at time t. */
  outSlot(t: number): number {
    return this.goBackwards ? t : t + 1;
  }

  /** Slot of the final state. */
  get finalSlot(): number {
    return this.goBackwards ? 0 : this.T;
  }

  /** Row block k ([B, width]) of a time-major buffer. */
  block(buf: Float32Array, k: number, width: number): Float32Array {
    const n = this.B * width;
    return buf.subarray(k * n, (k + 1) * n);
  }

  maskAt(t: number): Uint8Array | null {
    return this.maskTm ? this.maskTm.subarray(t * this.B, (t + 1) * this.B) : null;
  }

  /** The states entering every time step, [T·B, u] in time order. */
  hIn(): Float32Array {
    const n = this.B * this.units;
    return this.goBackwards ? this.H.subarray(n) : this.H.subarray(0, this.T * n);
  }

  /**
   * xTm · kernel (+ bias) for every step, [T·B, width], filled a few steps ahead of the recurrence:
   * call `ready(s)` before step s. A chunk of steps is sized to stay in cache, so the recurrent
   * matmul and the gate kernel find their block hot; projecting the whole sequence up front streamed
   * a sequence-sized buffer through memory twice and cost more than the arithmetic.
   */
  projector(
    kernel: Float32Array,
    bias: Float32Array | null,
    width: number,
  ): { gates: Float32Array; ready(s: number): void } {
    const { B, T, F } = this;
    const gates = floatBuffer(T * B * width);
    const chunk = Math.max(1, Math.floor(PROJECTION_CHUNK_BYTES / (4 * B * width)));
    const ready = (s: number): void => {
      if (s % chunk !== 0) return;
      const n = Math.min(chunk, T - s);
      const t0 = this.goBackwards ? T - s - n : s;
      const rows = n * B;
      this.be.matmul(
        this.xTm.subarray(t0 * B * F, t0 * B * F + rows * F),
        kernel,
        gates.subarray(t0 * B * width, t0 * B * width + rows * width),
        rows,
        width,
        F,
        false,
        false,
        bias,
        'linear',
        false,
      );
    };
    return { gates, ready };
  }

  /** h as the recurrent matmul sees it: h∘dropMask, written into `scratch` when there is a mask. */
  recurrentInput(h: Float32Array, scratch: Float32Array): Float32Array {
    const m = this.dropMask;
    if (!m) return h;
    for (let i = 0; i < m.length; i++) scratch[i] = h[i] * m[i];
    return scratch;
  }

  /** dhPrev += (dRec · Uᵀ)∘dropMask, for a recurrent matmul of width `width`. */
  addRecurrentGrad(
    dRec: Float32Array,
    u: Float32Array,
    width: number,
    dhPrev: Float32Array,
    scratch: Float32Array,
  ): void {
    const m = this.dropMask;
    if (!m) {
      this.be.matmul(dRec, u, dhPrev, this.B, this.units, width, false, true, null, 'linear', true);
      return;
    }
    this.be.matmul(dRec, u, scratch, this.B, this.units, width, false, true, null, 'linear', false);
    // Elementwise multiply-add only on the (training-time) recurrent dropout path.
    for (let i = 0; i < m.length; i++) dhPrev[i] += scratch[i] * m[i];
  }

  /** Gradient of a recurrent kernel: (hIn∘dropMask)ᵀ · dRec, [u, width]. */
  recurrentKernelGrad(hIn: Float32Array, dRec: Float32Array, width: number): Float32Array {
    const n = this.T * this.B;
    let h = hIn;
    if (this.dropMask) {
      h = floatBuffer(hIn.length);
      this.be.binary('mul', hIn, [this.T, this.B, this.units], this.dropMask, [this.B, this.units], h, [
        this.T,
        this.B,
        this.units,
      ]);
    }
    const out = floatBuffer(this.units * width);
    this.be.matmul(h, dRec, out, this.units, width, n, true, false, null, 'linear', false);
    return out;
  }

  /**
   * The op's outputs: the sequence [B, T, u] (in step order, so reversed time with goBackwards,
   * as Keras returns it) or the last output [B, u]; and the final state h [B, u]. Masked steps
   * repeat the previous output, or give zeros with `zeroOutputForMask` (as Bidirectional asks).
   */
  outputs(returnSequences: boolean, zeroOutputForMask: boolean): { output: Tensor; h: Tensor } {
    const { B, T, units: u } = this;
    const zero = zeroOutputForMask && this.maskTm !== null;
    let output: Tensor;
    if (returnSequences) {
      const out = floatBuffer(B * T * u);
      for (let s = 0; s < T; s++) {
        const t = this.time(s);
        this.be.copyBlock(this.block(this.H, this.outSlot(t), u), B, u, out, T * u, s * u);
        if (zero) this.forMaskedRows(t, (b) => out.fill(0, b * T * u + s * u, b * T * u + (s + 1) * u));
      }
      output = new Tensor(out, [B, T, u], 'float32');
    } else {
      const out = this.block(this.H, this.finalSlot, u).slice();
      if (zero) this.forMaskedRows(this.time(T - 1), (b) => out.fill(0, b * u, (b + 1) * u));
      output = new Tensor(out, [B, u], 'float32');
    }
    return { output, h: new Tensor(this.block(this.H, this.finalSlot, u).slice(), [B, u], 'float32') };
  }

  private forMaskedRows(t: number, f: (b: number) => void): void {
    const m = this.maskAt(t);
    if (!m) return;
    for (let b = 0; b < this.B; b++) if (!m[b]) f(b);
  }

  /** Gradient reaching the final state from the outputs: dh_T (+ the last output's gradient). */
  initialDh(
    dOutput: Tensor | null,
    dH: Tensor | null,
    returnSequences: boolean,
    zeroOutputForMask: boolean,
  ): Float32Array {
    const { B, units: u } = this;
    const dh = dH ? floatData(dH, 'recurrent grad').slice() : floatBuffer(B * u);
    if (dOutput && !returnSequences) {
      const d = floatData(dOutput, 'recurrent grad');
      const m = zeroOutputForMask ? this.maskAt(this.time(this.T - 1)) : null;
      for (let b = 0; b < B; b++) {
        if (m && !m[b]) continue;
        for (let j = 0; j < u; j++) dh[b * u + j] += d[b * u + j];
      }
    }
    return dh;
  }

  /** The sequence output's gradient at step s as a [B, u] block (null when there is none). */
  stepOutputGrad(
    dOutput: Tensor | null,
    returnSequences: boolean,
    zeroOutputForMask: boolean,
    s: number,
    scratch: Float32Array,
  ): Float32Array | null {
    if (!dOutput || !returnSequences) return null;
    const { B, T, units: u } = this;
    this.be.sliceBlock(floatData(dOutput, 'recurrent grad'), B, T * u, s * u, u, scratch);
    if (zeroOutputForMask) this.forMaskedRows(this.time(s), (b) => scratch.fill(0, b * u, (b + 1) * u));
    return scratch;
  }

  /**
   * The sequence output's gradient [B, T, u] by step (null when only the last output or state is
   * read), masked rows zeroed with `zeroOutputForMask`.
   */
  stepOutputGrads(dOutput: Tensor | null, returnSequences: boolean, zeroOutputForMask: boolean): Float32Array | null {
    if (!dOutput || !returnSequences) return null;
    const d = floatData(dOutput, 'recurrent grad');
    if (!zeroOutputForMask || !this.maskTm) return d;
    const { T, units: u } = this;
    const out = floatBuffer(d.length);
    out.set(d);
    for (let s = 0; s < T; s++)
      this.forMaskedRows(this.time(s), (b) => out.fill(0, (b * T + s) * u, (b * T + s + 1) * u));
    return out;
  }

  /**
   * Gradients of the input projection given dG [T·B, width], the gradient of x·kernel + bias:
   * dx [B, T, F], dKernel [F, width] and dBias [width].
   */
  inputGrads(
    dG: Float32Array,
    kernel: Float32Array,
    width: number,
  ): { dx: Tensor; dKernel: Float32Array; dBias: Float32Array } {
    const { B, T, F, be } = this;
    const n = T * B;
    const dxTm = floatBuffer(n * F);
    be.matmul(dG, kernel, dxTm, n, F, width, false, true, null, 'linear', false);
    const dx = floatBuffer(n * F);
    be.transpose(dxTm, [T, B, F], [1, 0, 2], dx);
    const dKernel = floatBuffer(F * width);
    be.matmul(this.xTm, dG, dKernel, F, width, n, true, false, null, 'linear', false);
    const dBias = floatBuffer(width);
    be.reduceSum(dG, 1, n, width, dBias);
    return { dx: new Tensor(dx, [B, T, F], 'float32'), dKernel, dBias };
  }
}

function timeMajorMask(mask: Tensor, B: number, T: number, what: string): Uint8Array {
  if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T) {
    throw new Error(
      `${what}: the mask must have shape (${B}, ${T}) to match the input, got ${formatShape(mask.shape)}.`,
    );
  }
  const m = mask.values;
  const out = new Uint8Array(T * B);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = m[b * T + t] ? 1 : 0;
  return out;
}

/**
 * Checks x [B, T, F], kernel [F, width], recurrent kernel [u, width] (u ≥ 1) and a bias of
 * `biasShape(u)`; returns u.
 */
export function checkRecurrentWeights(
  what: string,
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
  gates: number,
  biasShape: (units: number) => readonly number[],
): number {
  checkTensor(x, what, 'x');
  checkTensor(kernel, what, 'kernel');
  checkTensor(recurrentKernel, what, 'recurrentKernel');
  if (bias !== null) checkTensor(bias, what, 'bias');
  if (x.rank !== 3)
    throw new Error(`${what} expects a 3D input (batch, timesteps, features), got shape ${formatShape(x.shape)}.`);
  const u = recurrentKernel.rank === 2 ? recurrentKernel.shape[0] : 0;
  const width = gates * u;
  const ok = (t: Tensor, s: readonly number[]): boolean => t.rank === s.length && t.shape.every((d, i) => d === s[i]);
  if (u < 1 || !ok(recurrentKernel, [u, width]))
    throw new Error(
      `${what}: recurrent kernel must be (units, ${gates}·units) with units ≥ 1, got ${formatShape(recurrentKernel.shape)}.`,
    );
  if (!ok(kernel, [x.shape[2], width])) {
    throw new Error(
      `${what}: kernel ${formatShape(kernel.shape)} does not fit inputs with ${x.shape[2]} features and ${u} ` +
        `units (expected (${x.shape[2]}, ${width})).`,
    );
  }
  if (bias && !ok(bias, biasShape(u)))
    throw new Error(`${what}: bias must be ${formatShape(biasShape(u))}, got ${formatShape(bias.shape)}.`);
  return u;
}

import type { GateActivation } from '../backend.js';

/*
 * Reference kernels for one time step of LSTM, GRU and SimpleRNN (see the Backend interface for
 * the contracts). Activations are resolved to plain functions once per call, so that V8 can inline
 * them into the element loops.
 */

type Fn = (x: number) => number;

const hardSigmoid: Fn = (x) => (x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5);
// Through Math.exp, which V8 makes several times faster than Math.tanh; exact to float32 precision,
// and saturating cleanly (exp overflowing to Infinity gives exactly ±1 / 0).
const tanh: Fn = (x) => 1 - 2 / (Math.exp(2 * x) + 1);
const sigmoid: Fn = (x) => 1 / (1 + Math.exp(-x));
const FORWARD: Record<GateActivation, Fn> = {
  tanh,
  sigmoid,
  hard_sigmoid: hardSigmoid,
  relu: (x) => (x > 0 ? x : 0),
  linear: (x) => x,
};
/** Derivatives written in terms of the activation's output y. */
const DERIVATIVE: Record<GateActivation, Fn> = {
  tanh: (y) => 1 - y * y,
  sigmoid: (y) => y * (1 - y),
  hard_sigmoid: (y) => (y > 0 && y < 1 ? 1 / 6 : 0),
  relu: (y) => (y > 0 ? 1 : 0),
  linear: () => 1,
};

function forwardFn(a: GateActivation): Fn {
  const f = FORWARD[a];
  if (!f) throw new Error(`Unsupported recurrent activation '${String(a)}'.`);
  return f;
}

/** Copies row b of a [batch, units] buffer into another. */
function copyRow(src: Float32Array, dst: Float32Array, b: number, units: number): void {
  dst.set(src.subarray(b * units, (b + 1) * units), b * units);
}

function fillRow(dst: Float32Array, b: number, width: number, v: number): void {
  dst.fill(v, b * width, (b + 1) * width);
}

export function lstmGatesForward(
  z: Float32Array,
  cPrev: Float32Array,
  hPrev: Float32Array,
  c: Float32Array,
  h: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
  recAct: GateActivation,
): void {
  const fa = forwardFn(act);
  const fr = forwardFn(recAct);
  const u = units;
  for (let b = 0; b < batch; b++) {
    if (mask && !mask[b]) {
      copyRow(cPrev, c, b, u);
      copyRow(hPrev, h, b, u);
      continue;
    }
    const zo = b * 4 * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const i = fr(z[zo + j]);
      const f = fr(z[zo + u + j]);
      const g = fa(z[zo + 2 * u + j]);
      const o = fr(z[zo + 3 * u + j]);
      z[zo + j] = i;
      z[zo + u + j] = f;
      z[zo + 2 * u + j] = g;
      z[zo + 3 * u + j] = o;
      const cv = f * cPrev[so + j] + i * g;
      c[so + j] = cv;
      h[so + j] = o * fa(cv);
    }
  }
}

export function lstmGatesBackward(
  gates: Float32Array,
  cPrev: Float32Array,
  c: Float32Array,
  dhNext: Float32Array,
  dOut: Float32Array | null,
  dcNext: Float32Array,
  dz: Float32Array,
  dhPrev: Float32Array,
  dcPrev: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
  recAct: GateActivation,
): void {
  const fa = forwardFn(act);
  const da = DERIVATIVE[act];
  const dr = DERIVATIVE[recAct];
  const u = units;
  for (let b = 0; b < batch; b++) {
    const zo = b * 4 * u;
    const so = b * u;
    if (mask && !mask[b]) {
      fillRow(dz, b, 4 * u, 0);
      for (let j = 0; j < u; j++) dhPrev[so + j] = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      copyRow(dcNext, dcPrev, b, u);
      continue;
    }
    for (let j = 0; j < u; j++) {
      const dh = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      const i = gates[zo + j];
      const f = gates[zo + u + j];
      const g = gates[zo + 2 * u + j];
      const o = gates[zo + 3 * u + j];
      const tc = fa(c[so + j]);
      const dct = dcNext[so + j] + dh * o * da(tc);
      dz[zo + j] = dct * g * dr(i);
      dz[zo + u + j] = dct * cPrev[so + j] * dr(f);
      dz[zo + 2 * u + j] = dct * i * da(g);
      dz[zo + 3 * u + j] = dh * tc * dr(o);
      dcPrev[so + j] = dct * f;
      dhPrev[so + j] = 0;
    }
  }
}

export function gruGatesForward(
  xg: Float32Array,
  rec: Float32Array,
  hPrev: Float32Array,
  h: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
  recAct: GateActivation,
): void {
  const fa = forwardFn(act);
  const fr = forwardFn(recAct);
  const u = units;
  for (let b = 0; b < batch; b++) {
    if (mask && !mask[b]) {
      copyRow(hPrev, h, b, u);
      continue;
    }
    const go = b * 3 * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const z = fr(xg[go + j] + rec[go + j]);
      const r = fr(xg[go + u + j] + rec[go + u + j]);
      const hh = fa(xg[go + 2 * u + j] + r * rec[go + 2 * u + j]);
      xg[go + j] = z;
      xg[go + u + j] = r;
      xg[go + 2 * u + j] = hh;
      h[so + j] = z * hPrev[so + j] + (1 - z) * hh;
    }
  }
}

export function gruGatesBackward(
  gates: Float32Array,
  rec: Float32Array,
  hPrev: Float32Array,
  dhNext: Float32Array,
  dOut: Float32Array | null,
  dx: Float32Array,
  drec: Float32Array,
  dhPrev: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
  recAct: GateActivation,
): void {
  const da = DERIVATIVE[act];
  const dr = DERIVATIVE[recAct];
  const u = units;
  for (let b = 0; b < batch; b++) {
    const go = b * 3 * u;
    const so = b * u;
    if (mask && !mask[b]) {
      fillRow(dx, b, 3 * u, 0);
      fillRow(drec, b, 3 * u, 0);
      for (let j = 0; j < u; j++) dhPrev[so + j] = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      continue;
    }
    for (let j = 0; j < u; j++) {
      const dh = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      const z = gates[go + j];
      const r = gates[go + u + j];
      const hh = gates[go + 2 * u + j];
      const dah = dh * (1 - z) * da(hh);
      const daz = dh * (hPrev[so + j] - hh) * dr(z);
      const dar = dah * rec[go + 2 * u + j] * dr(r);
      dx[go + j] = daz;
      dx[go + u + j] = dar;
      dx[go + 2 * u + j] = dah;
      drec[go + j] = daz;
      drec[go + u + j] = dar;
      drec[go + 2 * u + j] = dah * r;
      dhPrev[so + j] = dh * z;
    }
  }
}

export function gruResetForward(
  xg: Float32Array,
  recZR: Float32Array,
  hRec: Float32Array,
  rh: Float32Array,
  batch: number,
  units: number,
  recAct: GateActivation,
): void {
  const fr = forwardFn(recAct);
  const u = units;
  for (let b = 0; b < batch; b++) {
    const go = b * 3 * u;
    const ro = b * 2 * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const z = fr(xg[go + j] + recZR[ro + j]);
      const r = fr(xg[go + u + j] + recZR[ro + u + j]);
      xg[go + j] = z;
      xg[go + u + j] = r;
      rh[so + j] = r * hRec[so + j];
    }
  }
}

export function gruCandidateForward(
  xg: Float32Array,
  recH: Float32Array,
  hPrev: Float32Array,
  h: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
): void {
  const fa = forwardFn(act);
  const u = units;
  for (let b = 0; b < batch; b++) {
    if (mask && !mask[b]) {
      copyRow(hPrev, h, b, u);
      continue;
    }
    const go = b * 3 * u;
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const z = xg[go + j];
      const hh = fa(xg[go + 2 * u + j] + recH[so + j]);
      xg[go + 2 * u + j] = hh;
      h[so + j] = z * hPrev[so + j] + (1 - z) * hh;
    }
  }
}

export function gruCandidateBackward(
  gates: Float32Array,
  hPrev: Float32Array,
  dhNext: Float32Array,
  dOut: Float32Array | null,
  dzr: Float32Array,
  dah: Float32Array,
  dhPrev: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
  recAct: GateActivation,
): void {
  const da = DERIVATIVE[act];
  const dr = DERIVATIVE[recAct];
  const u = units;
  for (let b = 0; b < batch; b++) {
    const go = b * 3 * u;
    const ro = b * 2 * u;
    const so = b * u;
    if (mask && !mask[b]) {
      fillRow(dzr, b, 2 * u, 0);
      fillRow(dah, b, u, 0);
      for (let j = 0; j < u; j++) dhPrev[so + j] = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      continue;
    }
    for (let j = 0; j < u; j++) {
      const dh = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      const z = gates[go + j];
      const hh = gates[go + 2 * u + j];
      dah[so + j] = dh * (1 - z) * da(hh);
      dzr[ro + j] = dh * (hPrev[so + j] - hh) * dr(z);
      dhPrev[so + j] = dh * z;
    }
  }
}

export function gruResetBackward(
  gates: Float32Array,
  hRec: Float32Array,
  drh: Float32Array,
  dzr: Float32Array,
  dhRec: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  recAct: GateActivation,
): void {
  const dr = DERIVATIVE[recAct];
  const u = units;
  for (let b = 0; b < batch; b++) {
    const go = b * 3 * u;
    const ro = b * 2 * u;
    const so = b * u;
    if (mask && !mask[b]) {
      for (let j = 0; j < u; j++) dzr[ro + u + j] = 0;
      continue;
    }
    for (let j = 0; j < u; j++) {
      const r = gates[go + u + j];
      dzr[ro + u + j] = drh[so + j] * hRec[so + j] * dr(r);
      dhRec[so + j] += drh[so + j] * r;
    }
  }
}

export function rnnStepForward(
  z: Float32Array,
  hPrev: Float32Array,
  h: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
): void {
  const fa = forwardFn(act);
  const u = units;
  for (let b = 0; b < batch; b++) {
    if (mask && !mask[b]) {
      copyRow(hPrev, h, b, u);
      continue;
    }
    const so = b * u;
    for (let j = 0; j < u; j++) {
      const y = fa(z[so + j]);
      z[so + j] = y;
      h[so + j] = y;
    }
  }
}

export function rnnStepBackward(
  y: Float32Array,
  dhNext: Float32Array,
  dOut: Float32Array | null,
  dz: Float32Array,
  dhPrev: Float32Array,
  mask: Uint8Array | null,
  batch: number,
  units: number,
  act: GateActivation,
): void {
  const da = DERIVATIVE[act];
  const u = units;
  for (let b = 0; b < batch; b++) {
    const so = b * u;
    const masked = mask !== null && !mask[b];
    for (let j = 0; j < u; j++) {
      const dh = dhNext[so + j] + (dOut ? dOut[so + j] : 0);
      dz[so + j] = masked ? 0 : dh * da(y[so + j]);
      dhPrev[so + j] = masked ? dh : 0;
    }
  }
}

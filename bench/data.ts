// Random data for a workload, as plain typed arrays, so that Dendrite and tfjs train on exactly
// the same numbers. A local seeded generator keeps this independent of either engine's RNG.
import type { InputSpec, TargetSpec, TrainSpec } from './spec.js';

export interface Column {
  data: Float32Array | Int32Array;
  /** Full shape, batch first. */
  shape: number[];
  dtype: 'float32' | 'int32';
}

export interface Dataset {
  inputs: Column[];
  targets: Column[];
  samples: number;
}

/** mulberry32: small, fast and good enough for benchmark data. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputColumn(spec: InputSpec, n: number, next: () => number): Column {
  const shape = [n, ...spec.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  if (spec.dtype === 'int32') {
    const high = spec.high ?? 2;
    const data = new Int32Array(size);
    for (let i = 0; i < size; i++) data[i] = 1 + Math.floor(next() * (high - 1));
    return { data, shape, dtype: 'int32' };
  }
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = next();
  return { data, shape, dtype: 'float32' };
}

function targetColumn(spec: TargetSpec, n: number, next: () => number): Column {
  const data = new Float32Array(n * spec.units);
  for (let r = 0; r < n; r++) {
    if (spec.kind === 'onehot') data[r * spec.units + Math.floor(next() * spec.units)] = 1;
    else
      for (let c = 0; c < spec.units; c++)
        data[r * spec.units + c] = spec.kind === 'binary' ? (next() < 0.5 ? 0 : 1) : next();
  }
  return { data, shape: [n, spec.units], dtype: 'float32' };
}

/** `samples` rows of inputs and targets for a workload's model. */
export function makeDataset(spec: Pick<TrainSpec, 'inputs' | 'targets'>, samples: number, seed = 1234): Dataset {
  const next = generator(seed);
  return {
    inputs: spec.inputs.map((s) => inputColumn(s, samples, next)),
    targets: spec.targets.map((s) => targetColumn(s, samples, next)),
    samples,
  };
}

/** The first `rows` rows of a column, sharing its memory. */
export function headRows(col: Column, rows: number): Column {
  const rowSize = col.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: col.data.subarray(0, rows * rowSize), shape: [rows, ...col.shape.slice(1)], dtype: col.dtype };
}

/** n values uniform in [-0.5, 0.5) from a seeded xorshift, for the kernel and GEMM benches. */
export function fillUniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

import { Tensor } from './tensor.js';
import { describeValue } from './describe.js';
import { type Shape, checkShape, sizeOf } from './shape.js';

/**
 * A small, fast, seedable generator (xoshiro128**). Weight initialisation, dropout masks, shuffling
 * and `random.*` all draw from it, so `setSeed` makes a whole run reproducible.
 */
class Xoshiro128 {
  private s = new Uint32Array(4);
  constructor(seed: number) {
    this.seed(seed);
  }
  seed(seed: number): void {
    // splitmix32 spreads one seed over the four words of state.
    let z = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (t ^ (t >>> 16)) >>> 0;
    }
  }
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
  /**
   * Fills `out` with the next out.length uniforms in [0, 1): the same values as that many next()
   * calls, in one loop over local state (a shuffle draws one per sample every epoch, and before the
   * JIT has warmed up a call per draw cost more than a small model's training step).
   */
  fillUniform(out: Float64Array): void {
    const s = this.s;
    let s0 = s[0],
      s1 = s[1],
      s2 = s[2],
      s3 = s[3];
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(s1, 5);
      const r = ((m << 7) | (m >>> 25)) >>> 0;
      out[i] = (Math.imul(r, 9) >>> 0) / 4294967296;
      const t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0;
      s3 = (s3 ^ s1) >>> 0;
      s1 = (s1 ^ s2) >>> 0;
      s0 = (s0 ^ s3) >>> 0;
      s2 = (s2 ^ t) >>> 0;
      s3 = ((s3 << 11) | (s3 >>> 21)) >>> 0;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

const generator = new Xoshiro128(Date.now() ^ (Math.random() * 0x7fffffff));
// Box–Muller makes normals in pairs; the second waits here for the next draw.
let spareNormal: number | null = null;

/** Seeds every random draw Dendrite makes (initializers, dropout, shuffling, `random.*`). */
export function setSeed(seed: number): void {
  generator.seed(seed);
  // A spare left from before the seed would make the first normal depend on earlier draws.
  spareNormal = null;
}

/**
 * A generator of its own, seeded: a dataset's shuffle with an explicit seed draws from one, so its
 * order does not depend on how many other draws happened before.
 */
export function seededUniform(seed: number): () => number {
  const g = new Xoshiro128(seed);
  return () => g.next();
}

/** A fresh seed drawn from the global generator, so that `setSeed` fixes it too. */
export function drawSeed(): number {
  return generator.nextUint32();
}

/** Uniform in [0, 1). */
export function nextUniform(): number {
  return generator.next();
}

/** Standard normal (Box–Muller). */
export function nextNormal(): number {
  if (spareNormal !== null) {
    const v = spareNormal;
    spareNormal = null;
    return v;
  }
  let u = 0;
  while (u === 0) u = generator.next();
  const v = generator.next();
  const r = Math.sqrt(-2 * Math.log(u));
  spareNormal = r * Math.sin(2 * Math.PI * v);
  return r * Math.cos(2 * Math.PI * v);
}

/** Distribution parameters must be finite numbers: a string would silently make every draw NaN. */
function checkParams(where: string, params: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(params)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`random.${where}: ${name} must be a finite number, got ${describeValue(v)}.`);
    }
  }
}

export function uniform(shape: Shape, minval = 0, maxval = 1): Tensor {
  checkShape(shape, 'random.uniform');
  checkParams('uniform', { minval, maxval });
  const data = new Float32Array(sizeOf(shape));
  const span = maxval - minval;
  for (let i = 0; i < data.length; i++) data[i] = minval + span * generator.next();
  return new Tensor(data, shape, 'float32');
}

export function normal(shape: Shape, mean = 0, stddev = 1): Tensor {
  checkShape(shape, 'random.normal');
  checkParams('normal', { mean, stddev });
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + stddev * nextNormal();
  return new Tensor(data, shape, 'float32');
}

/** Normal draws re-drawn beyond two standard deviations, as Keras's `truncated_normal`. */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1): Tensor {
  checkShape(shape, 'random.truncatedNormal');
  checkParams('truncatedNormal', { mean, stddev });
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    let v: number;
    do v = nextNormal();
    while (v < -2 || v > 2);
    data[i] = mean + stddev * v;
  }
  return new Tensor(data, shape, 'float32');
}

/** Integers in [low, high), like `np.random.randint`: high is exclusive. */
export function randint(low: number, high: number, shape: Shape): Tensor {
  checkShape(shape, 'random.randint');
  checkParams('randint', { low, high });
  if (!(high > low)) throw new Error(`random.randint: high (${high}) must be greater than low (${low}).`);
  const data = new Int32Array(sizeOf(shape));
  const span = high - low;
  for (let i = 0; i < data.length; i++) data[i] = low + Math.floor(generator.next() * span);
  return new Tensor(data, shape, 'int32');
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number): Int32Array {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`random.permutation: n must be a non-negative integer, got ${describeValue(n)}.`);
  }
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const u = new Float64Array(Math.max(n - 1, 0));
  generator.fillUniform(u);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[n - 1 - i] * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

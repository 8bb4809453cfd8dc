// The judge of the fuzz properties: an op called with arguments a reference deems valid must return
// what the reference computes; with invalid ones it must throw a clear Error (one that names what
// is wrong, not a TypeError V8 raised from inside a kernel). Also the arbitraries they share.
import fc from 'fast-check';
import { Tensor } from '../../src/tensor/tensor.js';
import * as ref from './fuzz_reference.js';

export const loose = <T>(v: unknown): T => v as T;

// Messages V8 writes for a bug, not for a refused argument.
const UNCLEAR =
  /Cannot read propert|is not a function|is not iterable|Invalid typed array length|Invalid array length|Maximum call stack|Cannot convert/;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };
export function attempt<T>(f: () => T): Outcome<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`threw a non-Error: ${String(e)}`);
    if (UNCLEAR.test(e.message) || e.message.length < 15) throw new Error(`unclear error: ${e.message}`);
    return { ok: false, error: e };
  }
}

/** The call must fail (with a clear error) exactly when the reference says so, else match it. */
export function judge<T>(r: Outcome<T>, valid: boolean, check: (v: T) => boolean, what: string): void {
  if (!valid && r.ok) throw new Error(`${what}: accepted invalid arguments`);
  if (valid && !r.ok) throw new Error(`${what}: refused valid arguments: ${r.error.message}`);
  if (r.ok && !check(r.value)) throw new Error(`${what}: wrong result`);
}

export const isIntIn = (v: unknown, lo: number, hi: number): v is number =>
  Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

// No `undefined`: for an optional argument it means "the default", which is valid.
export const HOSTILE: unknown[] = [0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null, 2 ** 31, 1e300];
/** A small integer, now and then something hostile. */
export const anInt = (lo: number, hi: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: lo, max: hi }) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
  );

export const shapeArb = (minRank: number, maxRank: number, maxDim = 3): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 0, max: maxDim }), { minLength: minRank, maxLength: maxRank });
export const valuesFor = (s: ref.Shape): fc.Arbitrary<Float32Array> =>
  fc
    .array(fc.integer({ min: -3, max: 3 }), { minLength: ref.size(s), maxLength: ref.size(s) })
    .map((v) => Float32Array.from(v));
export const tensorArb = (minRank: number, maxRank: number, maxDim = 3): fc.Arbitrary<Tensor> =>
  shapeArb(minRank, maxRank, maxDim).chain((s) => valuesFor(s).map((v) => new Tensor(v, s, 'float32')));

export const sameValues = (t: Tensor, shape: ref.Shape, values: ArrayLike<number>): boolean =>
  t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) && ref.close(t.values, values);

/** The registered properties, by name (fuzz_child.ts runs them). */
export const properties: Record<string, fc.IProperty<[unknown[]]>> = {};

/** Registers a property over the tuple of `arbs`. */
export function define<Ts extends unknown[]>(
  name: string,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  body: (...args: Ts) => void,
): void {
  const all = fc.tuple(...loose<fc.Arbitrary<unknown>[]>(arbs));
  properties[name] = fc.property(all, (args) => body(...loose<Ts>(args)));
}

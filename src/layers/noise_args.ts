/**
 * The arguments Keras's random layers share (a rate, a seed), checked the same way everywhere.
 * Their draws come from Dendrite's one generator, which `setSeed` seeds. A layer's `seed` is
 * accepted so that Keras code ports unchanged, as Dropout's is, but it neither seeds the layer nor
 * enters its config: a config holding it would claim draws Dendrite does not make.
 */
import { describeValue } from './options.js';

/** A drop rate in [0, 1): at 1 the rescaling by 1/(1 − rate) would divide by zero. */
export function checkRate(where: string, rate: unknown): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new Error(`${where}: rate must be a number in [0, 1), got ${describeValue(rate)}.`);
  }
  return rate;
}

/** A seed as Keras takes one: a whole number, or null for none. */
export function checkSeed(where: string, seed: unknown): void {
  if (seed === undefined || seed === null) return;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new Error(`${where}: seed must be a whole number or null, got ${describeValue(seed)}.`);
  }
}

/**
 * Checks for the numbers users pass to fit, evaluate and predict. A batch size of 0 loops forever,
 * -1 or NaN trains nothing, and '4' builds batch ends by string concatenation: each is refused
 * before anything runs, naming the call, the argument and what it takes.
 */
import { describeValue } from '../layers/options.js';

/** A whole number ≥ `min` (1 unless given), or the default when absent. */
export function wholeNumber(where: string, name: string, value: unknown, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TypeError(`${where}: ${name} must be a whole number ≥ ${min}, got ${describeValue(value)}.`);
  }
  return value;
}

/** A fraction in [0, 1), or undefined when absent. */
export function fraction(where: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new TypeError(`${where}: ${name} must be a number in [0, 1), got ${describeValue(value)}.`);
  }
  return value;
}

/** One of Keras's verbosity levels. */
export function verbosity(where: string, value: unknown, fallback: 0 | 1 | 2): 0 | 1 | 2 {
  if (value === undefined) return fallback;
  if (value !== 0 && value !== 1 && value !== 2) {
    throw new TypeError(`${where}: verbose must be 0, 1 or 2, got ${describeValue(value)}.`);
  }
  return value;
}

/** A boolean, or the default when absent. */
export function flag(where: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new TypeError(`${where}: ${name} must be true or false, got ${describeValue(value)}.`);
  return value;
}

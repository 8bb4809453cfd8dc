/** The base of the learning-rate schedules, and the checks their constructors share. */
import { checkOptions, describeValue } from '../layers/options.js';

/** The base of Keras's schedules; subclass it (with a static `className`) for a custom one. */
export abstract class LearningRateSchedule {
  static readonly className: string = 'LearningRateSchedule';

  /** The learning rate at optimizer step `step` (0 for the first update). */
  abstract call(step: number): number;

  /** The constructor's options, camelCase, as Keras's `get_config` lists them. */
  abstract getConfig(): Record<string, unknown>;

  get className(): string {
    const ctor = this.constructor as typeof LearningRateSchedule;
    return Object.hasOwn(ctor, 'className') ? ctor.className : ctor.name;
  }
}

export function finite(className: string, key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new TypeError(`${className}: ${key} must be a finite number, got ${describeValue(v)}.`);
  return v;
}

export function positive(className: string, key: string, v: unknown): number {
  if (finite(className, key, v) <= 0) throw new Error(`${className}: ${key} must be positive, got ${String(v)}.`);
  return v as number;
}

export function flag(className: string, key: string, v: unknown): boolean {
  if (typeof v !== 'boolean')
    throw new TypeError(`${className}: ${key} must be true or false, got ${describeValue(v)}.`);
  return v;
}

export function label(className: string, v: unknown): string {
  if (typeof v !== 'string') throw new TypeError(`${className}: name must be a string, got ${describeValue(v)}.`);
  return v;
}

/** Checks the options object and its required keys, so a JavaScript caller hears what is missing. */
export function options<T extends object>(
  className: string,
  args: T,
  allowed: readonly string[],
  required: readonly string[],
): T {
  if (args === undefined) throw new TypeError(`${className} expects an options object with ${required.join(', ')}.`);
  checkOptions(className, args, allowed);
  for (const key of required)
    if ((args as Record<string, unknown>)[key] === undefined)
      throw new TypeError(`${className}: ${key} is required (one of ${required.join(', ')}).`);
  return args;
}

/** The options every decay by a rate takes. */
export const REQUIRED_DECAY = ['initialLearningRate', 'decaySteps', 'decayRate'];

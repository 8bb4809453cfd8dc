/**
 * Projections applied to a weight after each optimizer step, as Keras 3's `keras.constraints`.
 * They run outside the gradient tape on the weight's own values, so they are plain array code.
 */
import { describeValue } from './options.js';

/** Keras's `backend.epsilon()`, which its norm constraints add to the norm. */
const EPSILON = 1e-7;

/** The base of Keras's constraints; subclass it (with a static `className`) for a custom one. */
export abstract class Constraint {
  static readonly className: string = 'Constraint';

  /** Projects `values` (of the given shape) in place. */
  abstract apply(values: Float32Array, shape: readonly number[]): void;

  getConfig(): Record<string, unknown> {
    return {};
  }

  get className(): string {
    const ctor = this.constructor as typeof Constraint;
    return Object.hasOwn(ctor, 'className') ? ctor.className : ctor.name;
  }
}

/** A constraint given as a function that projects the values in place; it cannot be saved. */
export type ConstraintFn = (values: Float32Array, shape: readonly number[]) => void;
export type ConstraintId = 'max_norm' | 'min_max_norm' | 'non_neg' | 'unit_norm';
export type ConstraintLike = Constraint | ConstraintFn | ConstraintId;

type Axis = number | readonly number[];

function axesOf(axis: Axis, rank: number, what: string): number[] {
  const list = typeof axis === 'number' ? [axis] : [...axis];
  return list.map((a) => {
    const n = a < 0 ? a + rank : a;
    if (!Number.isInteger(a) || n < 0 || n >= rank) {
      throw new Error(`${what}: axis ${describeValue(a)} is out of range for a weight of rank ${rank}.`);
    }
    return n;
  });
}

/**
 * Rescales each slice along `axis` by `target(norm) / (ε + norm)`, where the norm is the slice's
 * L2 norm over the reduced axes: the shape all of Keras's norm constraints share.
 */
function rescaleByNorm(
  values: Float32Array,
  shape: readonly number[],
  axis: Axis,
  what: string,
  target: (norm: number) => number,
): void {
  const reduced = new Set(axesOf(axis, shape.length, what));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, d) => p * d, 1));
  // Each element's group: its index with the reduced axes dropped.
  const groupOf = (flat: number): number => {
    let g = 0;
    for (let d = 0; d < shape.length; d++) {
      if (reduced.has(d)) continue;
      g = g * shape[d] + (Math.floor(flat / strides[d]) % shape[d]);
    }
    return g;
  };
  const groups = shape.reduce((p, d, i) => (reduced.has(i) ? p : p * d), 1);
  const sums = new Float64Array(groups);
  const group = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    group[i] = groupOf(i);
    sums[group[i]] += values[i] * values[i];
  }
  const factors = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    const norm = Math.fround(Math.sqrt(sums[g]));
    factors[g] = target(norm) / (EPSILON + norm);
  }
  for (let i = 0; i < values.length; i++) values[i] *= factors[group[i]];
}

/** Caps each slice's norm along `axis` at `maxValue`. */
export class MaxNorm extends Constraint {
  static override readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;
  constructor(args: { maxValue?: number; axis?: Axis } = {}) {
    super();
    checkKeys('MaxNorm', args, ['maxValue', 'axis']);
    this.maxValue = args.maxValue ?? 2;
    this.axis = args.axis ?? 0;
  }
  apply(values: Float32Array, shape: readonly number[]): void {
    rescaleByNorm(values, shape, this.axis, 'MaxNorm', (n) => Math.min(Math.max(n, 0), this.maxValue));
  }
  override getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

/** Moves each slice's norm a `rate` of the way into `[minValue, maxValue]`. */
export class MinMaxNorm extends Constraint {
  static override readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis } = {}) {
    super();
    checkKeys('MinMaxNorm', args, ['minValue', 'maxValue', 'rate', 'axis']);
    this.minValue = args.minValue ?? 0;
    this.maxValue = args.maxValue ?? 1;
    this.rate = args.rate ?? 1;
    this.axis = args.axis ?? 0;
  }
  apply(values: Float32Array, shape: readonly number[]): void {
    const { minValue, maxValue, rate } = this;
    rescaleByNorm(
      values,
      shape,
      this.axis,
      'MinMaxNorm',
      (n) => rate * Math.min(Math.max(n, minValue), maxValue) + (1 - rate) * n,
    );
  }
  override getConfig(): Record<string, unknown> {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

/** Sets negative values to zero. */
export class NonNeg extends Constraint {
  static override readonly className = 'NonNeg';
  apply(values: Float32Array): void {
    for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
  }
}

/** Scales each slice along `axis` to unit norm. */
export class UnitNorm extends Constraint {
  static override readonly className = 'UnitNorm';
  readonly axis: Axis;
  constructor(args: { axis?: Axis } = {}) {
    super();
    checkKeys('UnitNorm', args, ['axis']);
    this.axis = args.axis ?? 0;
  }
  apply(values: Float32Array, shape: readonly number[]): void {
    rescaleByNorm(values, shape, this.axis, 'UnitNorm', () => 1);
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

function checkKeys(className: string, args: object, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${className} got an unexpected option '${key}'. Valid options: ${allowed.join(', ')}.`);
    }
  }
}

/** A constraint from its string id, as `keras.constraints.get`. */
export function getConstraint(id: ConstraintLike): Constraint | ConstraintFn {
  if (id instanceof Constraint || typeof id === 'function') return id;
  switch (id) {
    case 'max_norm':
      return new MaxNorm();
    case 'min_max_norm':
      return new MinMaxNorm();
    case 'non_neg':
      return new NonNeg();
    case 'unit_norm':
      return new UnitNorm();
    default:
      throw new Error(
        `Unknown constraint ${describeValue(id)}. Use 'max_norm', 'min_max_norm', 'non_neg', 'unit_norm', a Constraint or a function.`,
      );
  }
}

/** Applies a constraint of any form to a weight's values in place. */
export function project(constraint: Constraint | ConstraintFn, values: Float32Array, shape: readonly number[]): void {
  if (constraint instanceof Constraint) constraint.apply(values, shape);
  else constraint(values, shape);
}

/** Rebuilds a built-in constraint from its Keras class name and (snake_case) config. */
export function constraintFromConfig(className: string, config: Record<string, unknown>): Constraint {
  const axis = config.axis as Axis | undefined;
  switch (className) {
    case 'MaxNorm':
      return new MaxNorm({ maxValue: config.max_value as number | undefined, axis });
    case 'MinMaxNorm':
      return new MinMaxNorm({
        minValue: config.min_value as number | undefined,
        maxValue: config.max_value as number | undefined,
        rate: config.rate as number | undefined,
        axis,
      });
    case 'NonNeg':
      return new NonNeg();
    case 'UnitNorm':
      return new UnitNorm({ axis });
    default:
      throw new Error(`Unknown constraint class '${className}'. Known: MaxNorm, MinMaxNorm, NonNeg, UnitNorm.`);
  }
}

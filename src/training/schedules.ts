/**
 * Learning-rate schedules, as Keras 3's `keras.optimizers.schedules`: a rate that depends on the
 * optimizer's step count (0-based). Each is a class with Keras's name and config, so a model
 * compiled with one saves it in its `.keras` file and loads it back, here or in Keras.
 */
import { describeValue } from '../layers/options.js';
import { LearningRateSchedule, REQUIRED_DECAY, finite, flag, label, options, positive } from './schedule_base.js';

export { LearningRateSchedule } from './schedule_base.js';

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decays at whole multiples of `decaySteps` only. Default false. */
  staircase?: boolean;
  name?: string;
}

/** `initial · rate^(step / decaySteps)`, the exponent floored when `staircase`. */
export class ExponentialDecay extends LearningRateSchedule {
  static override readonly className = 'ExponentialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: ExponentialDecayArgs) {
    const c = 'ExponentialDecay';
    const a = options(c, args, [...REQUIRED_DECAY, 'staircase', 'name'], REQUIRED_DECAY);
    super();
    this.initialLearningRate = finite(c, 'initialLearningRate', a.initialLearningRate);
    this.decaySteps = positive(c, 'decaySteps', a.decaySteps);
    this.decayRate = finite(c, 'decayRate', a.decayRate);
    this.staircase = flag(c, 'staircase', a.staircase ?? false);
    this.name = label(c, a.name ?? 'ExponentialDecay');
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate * this.decayRate ** (this.staircase ? Math.floor(p) : p);
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, decayRate, staircase, name } = this;
    return { initialLearningRate, decaySteps, decayRate, staircase, name };
  }
}

export interface PiecewiseConstantDecayArgs {
  /** Step counts, strictly increasing. */
  boundaries: readonly number[];
  /** One more than `boundaries`: the rate up to and including each boundary, then after the last. */
  values: readonly number[];
  name?: string;
}

export class PiecewiseConstantDecay extends LearningRateSchedule {
  static override readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(args: PiecewiseConstantDecayArgs) {
    const c = 'PiecewiseConstantDecay';
    const a = options(c, args, ['boundaries', 'values', 'name'], ['boundaries', 'values']);
    super();
    const list = (key: string, v: unknown): number[] => {
      if (!Array.isArray(v)) throw new TypeError(`${c}: ${key} must be a list of numbers, got ${describeValue(v)}.`);
      return v.map((x, i) => finite(c, `${key}[${i}]`, x));
    };
    const boundaries = list('boundaries', a.boundaries);
    const values = list('values', a.values);
    if (values.length !== boundaries.length + 1)
      throw new Error(
        `${c}: values needs one more entry than boundaries; got ${boundaries.length} boundaries and ${values.length} values.`,
      );
    if (boundaries.some((b, i) => i > 0 && b <= boundaries[i - 1]))
      throw new Error(`${c}: boundaries must increase strictly, got [${boundaries.join(', ')}].`);
    this.boundaries = boundaries;
    this.values = values;
    this.name = label(c, a.name ?? 'PiecewiseConstant');
  }

  call(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i < 0 ? this.values.length - 1 : i];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface PolynomialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  /** Default 0.0001. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Starts again after `decaySteps`, over the next multiple of it. Default false. */
  cycle?: boolean;
  name?: string;
}

/** `(initial − end) · (1 − step / decaySteps)^power + end`, held at `end` after `decaySteps` unless it cycles. */
export class PolynomialDecay extends LearningRateSchedule {
  static override readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(args: PolynomialDecayArgs) {
    const c = 'PolynomialDecay';
    const required = ['initialLearningRate', 'decaySteps'];
    const a = options(c, args, [...required, 'endLearningRate', 'power', 'cycle', 'name'], required);
    super();
    this.initialLearningRate = finite(c, 'initialLearningRate', a.initialLearningRate);
    this.decaySteps = positive(c, 'decaySteps', a.decaySteps);
    this.endLearningRate = finite(c, 'endLearningRate', a.endLearningRate ?? 0.0001);
    this.power = finite(c, 'power', a.power ?? 1);
    this.cycle = flag(c, 'cycle', a.cycle ?? false);
    this.name = label(c, a.name ?? 'PolynomialDecay');
  }

  call(step: number): number {
    let steps = this.decaySteps;
    let s = step;
    if (this.cycle) steps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else s = Math.min(step, steps);
    return (this.initialLearningRate - this.endLearningRate) * (1 - s / steps) ** this.power + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, endLearningRate, power, cycle, name } = this;
    return { initialLearningRate, decaySteps, endLearningRate, power, cycle, name };
  }
}

export interface InverseTimeDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decays at whole multiples of `decaySteps` only. Default false. */
  staircase?: boolean;
  name?: string;
}

/** `initial / (1 + rate · step / decaySteps)`, the ratio floored when `staircase`. */
export class InverseTimeDecay extends LearningRateSchedule {
  static override readonly className = 'InverseTimeDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(args: InverseTimeDecayArgs) {
    const c = 'InverseTimeDecay';
    const a = options(c, args, [...REQUIRED_DECAY, 'staircase', 'name'], REQUIRED_DECAY);
    super();
    this.initialLearningRate = finite(c, 'initialLearningRate', a.initialLearningRate);
    this.decaySteps = positive(c, 'decaySteps', a.decaySteps);
    this.decayRate = finite(c, 'decayRate', a.decayRate);
    this.staircase = flag(c, 'staircase', a.staircase ?? false);
    this.name = label(c, a.name ?? 'InverseTimeDecay');
  }

  call(step: number): number {
    const p = step / this.decaySteps;
    return this.initialLearningRate / (1 + this.decayRate * (this.staircase ? Math.floor(p) : p));
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, decayRate, staircase, name } = this;
    return { initialLearningRate, decaySteps, decayRate, staircase, name };
  }
}

export {
  CosineDecay,
  CosineDecayRestarts,
  type CosineDecayArgs,
  type CosineDecayRestartsArgs,
} from './cosine_schedules.js';

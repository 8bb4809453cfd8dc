/**
 * Keras 3's cosine schedules: `CosineDecay` (with an optional linear warmup) and
 * `CosineDecayRestarts` (SGDR, Loshchilov & Hutter), with Keras's names and configs.
 */
import { LearningRateSchedule, finite, label, options, positive } from './schedule_base.js';

/** Half a cosine from 1 down to `alpha` as `fraction` goes from 0 to 1. */
function cosineFactor(fraction: number, alpha: number): number {
  return (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha;
}

function nonNegative(className: string, key: string, v: unknown): number {
  if (finite(className, key, v) < 0) throw new Error(`${className}: ${key} must not be negative, got ${String(v)}.`);
  return v as number;
}

export interface CosineDecayArgs {
  initialLearningRate: number;
  /** Steps from the start of the decay (after any warmup) to its floor. */
  decaySteps: number;
  /** The floor, as a fraction of the rate the decay starts from. Default 0. */
  alpha?: number;
  /** A rate to warm up to, linearly from `initialLearningRate` over `warmupSteps`; null for no warmup (default). */
  warmupTarget?: number | null;
  /** Default 0. */
  warmupSteps?: number;
  name?: string;
}

/**
 * A cosine decay from `initialLearningRate` (or, with a warmup, from `warmupTarget` once the
 * warmup is over) to `alpha` times that rate over `decaySteps`, held there afterwards.
 */
export class CosineDecay extends LearningRateSchedule {
  static override readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;
  readonly name: string;

  constructor(args: CosineDecayArgs) {
    const c = 'CosineDecay';
    const required = ['initialLearningRate', 'decaySteps'];
    const a = options(c, args, [...required, 'alpha', 'warmupTarget', 'warmupSteps', 'name'], required);
    super();
    this.initialLearningRate = finite(c, 'initialLearningRate', a.initialLearningRate);
    this.decaySteps = positive(c, 'decaySteps', a.decaySteps);
    this.alpha = finite(c, 'alpha', a.alpha ?? 0);
    this.warmupTarget =
      a.warmupTarget === undefined || a.warmupTarget === null ? null : finite(c, 'warmupTarget', a.warmupTarget);
    this.warmupSteps = nonNegative(c, 'warmupSteps', a.warmupSteps ?? 0);
    this.name = label(c, a.name ?? 'CosineDecay');
  }

  call(step: number): number {
    if (this.warmupTarget === null)
      return this.initialLearningRate * cosineFactor(Math.min(step, this.decaySteps) / this.decaySteps, this.alpha);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps)
      return this.initialLearningRate + ((this.warmupTarget - this.initialLearningRate) * s) / this.warmupSteps;
    return this.warmupTarget * cosineFactor((s - this.warmupSteps) / this.decaySteps, this.alpha);
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, decaySteps, alpha, name, warmupTarget, warmupSteps } = this;
    return { initialLearningRate, decaySteps, alpha, name, warmupTarget, warmupSteps };
  }
}

export interface CosineDecayRestartsArgs {
  initialLearningRate: number;
  /** Steps of the first decay. */
  firstDecaySteps: number;
  /** Each period is this many times longer than the one before. Default 2. */
  tMul?: number;
  /** Each restart starts at this fraction of the rate the one before started at. Default 1. */
  mMul?: number;
  /** The floor of each period, as a fraction of `initialLearningRate`. Default 0. */
  alpha?: number;
  name?: string;
}

/** Cosine decays that restart: the k-th runs `firstDecaySteps · tMulᵏ` steps from `initial · mMulᵏ`. */
export class CosineDecayRestarts extends LearningRateSchedule {
  static override readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(args: CosineDecayRestartsArgs) {
    const c = 'CosineDecayRestarts';
    const required = ['initialLearningRate', 'firstDecaySteps'];
    const a = options(c, args, [...required, 'tMul', 'mMul', 'alpha', 'name'], required);
    super();
    this.initialLearningRate = finite(c, 'initialLearningRate', a.initialLearningRate);
    this.firstDecaySteps = positive(c, 'firstDecaySteps', a.firstDecaySteps);
    this.tMul = positive(c, 'tMul', a.tMul ?? 2);
    this.mMul = finite(c, 'mMul', a.mMul ?? 1);
    this.alpha = finite(c, 'alpha', a.alpha ?? 0);
    this.name = label(c, a.name ?? 'SGDRDecay');
  }

  call(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods grow geometrically: the restart is the k whose partial sum (1 − tᵏ)/(1 − t) of
      // period lengths the fraction has passed.
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const passed = (1 - this.tMul ** restart) / (1 - this.tMul);
      fraction = (fraction - passed) / this.tMul ** restart;
    }
    return (
      this.initialLearningRate *
      ((1 - this.alpha) * 0.5 * this.mMul ** restart * (1 + Math.cos(Math.PI * fraction)) + this.alpha)
    );
  }

  getConfig(): Record<string, unknown> {
    const { initialLearningRate, firstDecaySteps, tMul, mMul, alpha, name } = this;
    return { initialLearningRate, firstDecaySteps, tMul, mMul, alpha, name };
  }
}

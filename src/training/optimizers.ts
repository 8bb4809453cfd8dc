import { getBackend } from '../backend/registry.js';
import type { Variable } from '../layers/variable.js';
import { project } from '../layers/constraints.js';
import type { Tensor } from '../tensor/tensor.js';
import { sparseGradientSquares } from '../ops/index.js';
import { checkOptions, describeValue } from '../layers/options.js';
import { LearningRateSchedule } from './schedule_base.js';

/** A learning rate given as a plain function of the step: it works, but a `.keras` file can only hold its current value. */
export type LearningRateFn = (step: number) => number;

export interface OptimizerArgs {
  /** A constant, a schedule (`optimizers.schedules.*`, saved with the model), or a function of the step. */
  learningRate?: number | LearningRateSchedule | LearningRateFn;
  /** Clips each gradient to this L2 norm. */
  clipnorm?: number;
  /** Clips every gradient element into [−clipvalue, clipvalue]. */
  clipvalue?: number;
  /** Clips all gradients together to this global L2 norm. */
  globalClipnorm?: number;
}
const BASE = ['learningRate', 'clipnorm', 'clipvalue', 'globalClipnorm'];

/**
 * The optimizer base: clipping, learning-rate schedules, per-variable slots, the step counter.
 * Subclasses supply one fused backend update per variable.
 */
export abstract class Optimizer {
  abstract readonly name: string;
  /** Number of updates applied so far (Keras's `iterations`). */
  iterations = 0;
  private lr: number | LearningRateSchedule | LearningRateFn;
  private readonly clip: Pick<OptimizerArgs, 'clipnorm' | 'clipvalue' | 'globalClipnorm'>;
  private readonly slots = new Map<Variable, Float32Array[]>();

  constructor(args: OptimizerArgs, defaultLr: number) {
    const lr = args.learningRate ?? defaultLr;
    if (
      !(typeof lr === 'number' && Number.isFinite(lr)) &&
      !(lr instanceof LearningRateSchedule) &&
      typeof lr !== 'function'
    )
      throw new TypeError(
        `${new.target.name}: learningRate must be a finite number, a LearningRateSchedule or a function of the step, got ${describeValue(lr)}.`,
      );
    this.lr = lr;
    this.clip = { clipnorm: args.clipnorm, clipvalue: args.clipvalue, globalClipnorm: args.globalClipnorm };
  }

  /** The learning rate at the current step. */
  get learningRate(): number {
    if (typeof this.lr === 'number') return this.lr;
    return this.lr instanceof LearningRateSchedule ? this.lr.call(this.iterations) : this.lr(this.iterations);
  }

  /** The schedule the rate follows, when it was given one; Keras saves it in place of a rate. */
  get schedule(): LearningRateSchedule | null {
    return this.lr instanceof LearningRateSchedule ? this.lr : null;
  }

  set learningRate(value: number) {
    this.lr = value;
  }

  /** Per-variable state buffers (moments, accumulators), created on first use. */
  protected slotsFor(v: Variable, count: number, init = 0): Float32Array[] {
    let s = this.slots.get(v);
    if (!s) {
      s = Array.from({ length: count }, () => new Float32Array(v.value.size).fill(init));
      this.slots.set(v, s);
    }
    return s;
  }

  /**
   * How many state buffers each variable has, and how Keras 3 lists them among the optimizer's
   * variables: the first `interleaved` variable by variable (Keras's `add_optimizer_variables` with
   * several names, as Adam's moments), the rest slot by slot (as RMSprop's velocities, then momentums).
   */
  protected abstract slotSpec(): { count: number; interleaved: number; init?: number };

  /** Each slot of `vars` in Keras 3's order, with the variable it belongs to and its index among that variable's slots. */
  private kerasSlotOrder(vars: readonly Variable[]): [Variable, number][] {
    const { count, interleaved } = this.slotSpec();
    const order: [Variable, number][] = [];
    for (const v of vars) for (let k = 0; k < interleaved; k++) order.push([v, k]);
    for (let k = interleaved; k < count; k++) for (const v of vars) order.push([v, k]);
    return order;
  }

  /**
   * The optimizer's state as Keras 3 lists its variables in a `.keras` file: `iterations`, the
   * learning rate (the current one for a function of the step, which is saved as a constant, as
   * the compile settings write it; none for a schedule, which Keras keeps out of its variables),
   * then every slot of `vars`. An optimizer that has not stepped has no slots yet, as in Keras.
   */
  kerasState(vars: readonly Variable[]): {
    iterations: number;
    learningRate: number | null;
    slots: [Variable, Float32Array][];
  } {
    const learningRate = this.schedule ? null : this.learningRate;
    if (this.iterations === 0 && this.slots.size === 0) return { iterations: 0, learningRate, slots: [] };
    const { count, init = 0 } = this.slotSpec();
    const slots = this.kerasSlotOrder(vars).map(([v, k]): [Variable, Float32Array] => [
      v,
      this.slotsFor(v, count, init)[k],
    ]);
    return { iterations: this.iterations, learningRate, slots };
  }

  /**
   * Restores what `kerasState` lists from the stored variables after `iterations`: the learning
   * rate, then the slots (or none, for an optimizer saved before its first step). Checks every
   * size first; returns why the state does not fit, and then changes nothing.
   */
  setKerasState(vars: readonly Variable[], iterations: number, arrays: readonly Float32Array[]): string | null {
    const order = this.kerasSlotOrder(vars);
    const rates = this.schedule ? 0 : 1;
    if (arrays.length !== rates && arrays.length !== rates + order.length) {
      const rate = rates ? 'the learning rate and ' : '';
      return `${this.name} keeps ${rate}${order.length} slots for these weights, the file has ${arrays.length} variables besides iterations`;
    }
    const slots = arrays.slice(rates);
    const bad = slots.findIndex((a, i) => a.length !== order[i][0].value.size);
    if (bad >= 0)
      return `slot ${bad} has ${slots[bad].length} values for ${order[bad][0].path}, of size ${order[bad][0].value.size}`;
    // Files hold the rate in float32: keep ours when it is the same rate rounded (so a resumed model
    // computes exactly as the one saved), and keep a schedule.
    if (typeof this.lr === 'number' && Math.fround(this.lr) !== arrays[0][0]) this.lr = arrays[0][0];
    this.iterations = iterations;
    const { count, init = 0 } = this.slotSpec();
    order.forEach(([v, k], i) => i < slots.length && this.slotsFor(v, count, init)[k].set(slots[i]));
    return null;
  }

  /** Applies one update to every variable from its gradient; gradients are clipped first if asked. */
  applyGradients(grads: readonly Tensor[], vars: readonly Variable[]): void {
    const gs = this.clipped(grads);
    const lr = this.learningRate;
    this.iterations++;
    vars.forEach((v, i) => {
      // Embedding gradients carry per-lookup squares (TensorFlow's IndexedSlices semantics), which
      // only hold while the gradient is not rescaled by clipping.
      const squares =
        gs[i] === grads[i].values ? (sparseGradientSquares(grads[i])?.values as Float32Array | undefined) : undefined;
      this.update(v.value.values as Float32Array, gs[i], v, lr, squares ?? null);
      // Keras projects a constrained weight right after its update.
      if (v.constraint) project(v.constraint, v.value.values as Float32Array, v.shape);
    });
  }

  protected abstract update(
    w: Float32Array,
    g: Float32Array,
    v: Variable,
    lr: number,
    gradSquares: Float32Array | null,
  ): void;

  private clipped(grads: readonly Tensor[]): Float32Array[] {
    const be = getBackend();
    let gs = grads.map((g) => g.values as Float32Array);
    const { clipnorm, clipvalue, globalClipnorm } = this.clip;
    if (clipvalue !== undefined) {
      gs = gs.map((g) => g.map((x) => Math.min(Math.max(x, -clipvalue), clipvalue)));
    }
    if (clipnorm !== undefined) {
      gs = gs.map((g) => {
        const norm = Math.sqrt(be.sumSquares(g));
        return norm > clipnorm ? g.map((x) => (x * clipnorm) / norm) : g;
      });
    }
    if (globalClipnorm !== undefined) {
      const norm = Math.sqrt(gs.reduce((p, g) => p + be.sumSquares(g), 0));
      if (norm > globalClipnorm) gs = gs.map((g) => g.map((x) => (x * globalClipnorm) / norm));
    }
    return gs;
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.schedule ?? this.learningRate, ...this.clip };
  }
}

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly name = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(args: SGDArgs = {}) {
    checkOptions('SGD', args, [...BASE, 'momentum', 'nesterov']);
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
  }

  protected slotSpec(): { count: number; interleaved: number; init?: number } {
    return { count: this.momentum > 0 ? 1 : 0, interleaved: 0 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number): void {
    const velocity = this.momentum > 0 ? this.slotsFor(v, 1)[0] : null;
    getBackend().sgdUpdate(w, g, velocity, lr, this.momentum, this.nesterov);
  }
}

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  momentum?: number;
  epsilon?: number;
}

export class RMSprop extends Optimizer {
  readonly name = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  constructor(args: RMSpropArgs = {}) {
    checkOptions('RMSprop', args, [...BASE, 'rho', 'momentum', 'epsilon']);
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): { count: number; interleaved: number; init?: number } {
    return { count: this.momentum > 0 ? 2 : 1, interleaved: 0 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number, gradSquares: Float32Array | null): void {
    const [ms, mom] = this.slotsFor(v, this.momentum > 0 ? 2 : 1);
    getBackend().rmspropUpdate(w, g, ms, mom ?? null, lr, this.rho, this.momentum, this.epsilon, gradSquares);
  }
}

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  readonly name: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  protected weightDecay = 0;
  constructor(args: AdamArgs = {}, allowed: string[] = [...BASE, 'beta1', 'beta2', 'epsilon', 'amsgrad']) {
    checkOptions(new.target.name, args, allowed);
    super(args, 0.001);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
  }

  protected slotSpec(): { count: number; interleaved: number; init?: number } {
    return { count: this.amsgrad ? 3 : 2, interleaved: 2 };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number, gradSquares: Float32Array | null): void {
    const [m, vel, vhat] = this.slotsFor(v, this.amsgrad ? 3 : 2);
    getBackend().adamUpdate(
      w,
      g,
      m,
      vel,
      vhat ?? null,
      lr,
      this.beta1,
      this.beta2,
      this.epsilon,
      this.iterations,
      this.weightDecay,
      gradSquares,
    );
  }
}

export interface AdamWArgs extends AdamArgs {
  weightDecay?: number;
}

/** Adam with decoupled weight decay (Keras 3 default 0.004). */
export class AdamW extends Adam {
  override readonly name = 'AdamW';
  constructor(args: AdamWArgs = {}) {
    const { weightDecay, ...rest } = args;
    checkOptions('AdamW', args, [...BASE, 'beta1', 'beta2', 'epsilon', 'amsgrad', 'weightDecay']);
    super(rest);
    this.weightDecay = weightDecay ?? 0.004;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

export interface AdagradArgs extends OptimizerArgs {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  readonly name = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(args: AdagradArgs = {}) {
    checkOptions('Adagrad', args, [...BASE, 'initialAccumulatorValue', 'epsilon']);
    super(args, 0.001);
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): { count: number; interleaved: number; init?: number } {
    return { count: 1, interleaved: 0, init: this.initialAccumulatorValue };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number, gradSquares: Float32Array | null): void {
    const [acc] = this.slotsFor(v, 1, this.initialAccumulatorValue);
    getBackend().adagradUpdate(w, g, acc, lr, this.epsilon, gradSquares);
  }
}

export type OptimizerId = 'sgd' | 'rmsprop' | 'adam' | 'adamw' | 'adagrad';

export function getOptimizer(id: OptimizerId | Optimizer): Optimizer {
  if (typeof id !== 'string') return id;
  switch (id) {
    case 'sgd':
      return new SGD();
    case 'rmsprop':
      return new RMSprop();
    case 'adam':
      return new Adam();
    case 'adamw':
      return new AdamW();
    case 'adagrad':
      return new Adagrad();
    default:
      throw new Error(`Unknown optimizer '${String(id)}'. Known: sgd, rmsprop, adam, adamw, adagrad.`);
  }
}

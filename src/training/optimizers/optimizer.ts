import { getBackend } from '../../backend/registry.js';
import type { Variable } from '../../layers/variable.js';
import { project } from '../../layers/constraints.js';
import type { Tensor } from '../../tensor/tensor.js';
import { sparseGradientSquares } from '../../ops/index.js';
import { checkOptions, describeValue, optionNames } from '../../layers/options.js';
import { kerasClassName } from '../../layers/naming.js';
import { LearningRateSchedule } from '../schedule_base.js';

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
  /** Decoupled weight decay: each step first shrinks every weight by `weight · weightDecay · rate`, as Keras 3. */
  weightDecay?: number | null;
}

/** The options every optimizer takes; each rule lists its own beside them. */
export const OPTIMIZER_OPTIONS = optionNames<OptimizerArgs>({
  learningRate: true,
  clipnorm: true,
  clipvalue: true,
  globalClipnorm: true,
  weightDecay: true,
});

/**
 * How many state buffers each variable has, and how Keras 3 lists them among the optimizer's
 * variables: the first `interleaved` variable by variable (Keras's `add_optimizer_variables` with
 * several names, as Adam's moments), the rest slot by slot (as RMSprop's velocities, then momentums).
 */
export interface SlotSpec {
  count: number;
  interleaved: number;
  init?: number;
}

/** Optimizer defaults a rule states: Keras's learning rate for it, and its weight decay when not none. */
export interface OptimizerDefaults {
  learningRate: number;
  weightDecay?: number;
}

/**
 * The optimizer base: clipping, weight decay, learning-rate schedules, per-variable slots, the
 * step counter and Keras's state layout. A subclass is one update rule in its own file: its
 * options, its slots, and `update` for one variable (a fused backend kernel where there is one).
 */
export abstract class Optimizer {
  /** The Keras class name, declared once per class, as layers declare theirs. */
  static readonly className: string = 'Optimizer';
  readonly weightDecay: number;
  /** Number of updates applied so far (Keras's `iterations`). */
  iterations = 0;
  private lr: number | LearningRateSchedule | LearningRateFn;
  private readonly clip: Pick<OptimizerArgs, 'clipnorm' | 'clipvalue' | 'globalClipnorm'>;
  private readonly slots = new Map<Variable, Float32Array[]>();

  constructor(args: OptimizerArgs, defaults: OptimizerDefaults, ownOptions: readonly string[]) {
    checkOptions(kerasClassName(new.target), args, [...OPTIMIZER_OPTIONS, ...ownOptions]);
    const lr = args.learningRate ?? defaults.learningRate;
    if (
      !(typeof lr === 'number' && Number.isFinite(lr)) &&
      !(lr instanceof LearningRateSchedule) &&
      typeof lr !== 'function'
    )
      throw new TypeError(
        `${kerasClassName(new.target)}: learningRate must be a finite number, a LearningRateSchedule or a ` +
          `function of the step, got ${describeValue(lr)}.`,
      );
    this.lr = lr;
    this.clip = { clipnorm: args.clipnorm, clipvalue: args.clipvalue, globalClipnorm: args.globalClipnorm };
    const decay = args.weightDecay ?? defaults.weightDecay ?? 0;
    if (typeof decay !== 'number' || !(decay >= 0) || !Number.isFinite(decay)) {
      throw new TypeError(
        `${kerasClassName(new.target)}: weightDecay must be a number ≥ 0, got ${describeValue(decay)}.`,
      );
    }
    this.weightDecay = decay;
  }

  /** The Keras class name (`Adam`), which also names the optimizer in saved files. */
  get className(): string {
    return kerasClassName(this.constructor as typeof Optimizer);
  }

  get name(): string {
    return this.className;
  }

  /** Whether `update` applies weight decay itself (a fused kernel); otherwise the base applies it first. */
  protected get fusesWeightDecay(): boolean {
    return false;
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
  protected abstract slotSpec(): SlotSpec;

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

  /**
   * Applies one update to every variable from its gradient, as Keras's `apply_gradients`: given as
   * two lists, or as `[gradient, variable]` pairs. Gradients are clipped first if asked, and weight
   * decay shrinks each weight before its update.
   */
  applyGradients(gradsAndVars: readonly (readonly [Tensor, Variable])[]): void;
  applyGradients(grads: readonly Tensor[], vars: readonly Variable[]): void;
  applyGradients(
    first: readonly Tensor[] | readonly (readonly [Tensor, Variable])[],
    second?: readonly Variable[],
  ): void {
    const pairs = second === undefined;
    const grads = pairs
      ? (first as readonly (readonly [Tensor, Variable])[]).map((p) => p[0])
      : (first as readonly Tensor[]);
    const vars = pairs ? (first as readonly (readonly [Tensor, Variable])[]).map((p) => p[1]) : second;
    if (grads.length !== vars.length || grads.some((g, i) => g.size !== vars[i].value.size)) {
      throw new Error(
        `${this.className}.applyGradients: ${grads.length} gradients for ${vars.length} variables; each gradient ` +
          `must have its variable's shape.`,
      );
    }
    const gs = this.clipped(grads);
    const lr = this.learningRate;
    this.iterations++;
    vars.forEach((v, i) => {
      if (this.weightDecay > 0 && !this.fusesWeightDecay) {
        const w = v.value.values as Float32Array;
        const keep = 1 - this.weightDecay * lr;
        for (let k = 0; k < w.length; k++) w[k] *= keep;
      }
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
    const decay = this.weightDecay > 0 ? { weightDecay: this.weightDecay } : {};
    return { name: this.name, learningRate: this.schedule ?? this.learningRate, ...decay, ...this.clip };
  }
}

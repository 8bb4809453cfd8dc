import * as ops from '../ops/index.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import { type PolicyArgs, WeightPolicies, policyOptions } from './weight_policies.js';
import type { Variable } from './variable.js';

/** x · inv + (β − mean · inv) with inv = γ / √(variance + ε): TensorFlow's `batch_normalization`, which Keras 3 calls. */
function normalize(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): Tensor {
  let inv = ops.unary('rsqrt', ops.add(variance, epsilon));
  if (gamma) inv = ops.mul(inv, gamma);
  const shift = beta ? ops.sub(beta, ops.mul(mean, inv)) : ops.neg(ops.mul(mean, inv));
  return ops.add(ops.mul(x, inv), shift);
}

/** Mean and biased variance over `axes` (kept as length-1 axes), as `tf.nn.moments`. */
function moments(x: Tensor, axes: number[]): { mean: Tensor; variance: Tensor } {
  const mean = ops.mean(x, axes, true);
  return { mean, variance: ops.mean(ops.square(ops.sub(x, mean)), axes, true) };
}

/** Moments over the real steps only ([batch, steps] mask), as Keras's masked `_moments`. */
function maskedMoments(x: Tensor, mask: Tensor, axes: number[]): { mean: Tensor; variance: Tensor } {
  const w = ops.broadcastTo(ops.expandDims(ops.cast(mask, 'float32'), -1), x.shape);
  const count = ops.add(ops.sum(w, axes, true), 1e-7);
  const mean = ops.div(ops.sum(ops.mul(x, w), axes, true), count);
  const variance = ops.div(ops.sum(ops.mul(ops.square(ops.sub(x, mean)), w), axes, true), count);
  return { mean, variance };
}

function resolveAxis(layer: Layer, axis: number, shape: SymbolicShape): number {
  const a = axis < 0 ? axis + shape.length : axis;
  if (a < 0 || a >= shape.length) {
    throw new Error(
      `${layer.className} layer '${layer.name}': axis ${axis} is out of range for input shape ${formatShape(shape)}.`,
    );
  }
  return a;
}

/** Shape [1, …, n, …, 1] that lines a per-feature vector up with `axes` of a rank-`rank` input. */
function featureShape(rank: number, axes: readonly number[], sizes: readonly number[]): number[] {
  const s = new Array<number>(rank).fill(1);
  axes.forEach((a, i) => (s[a] = sizes[i]));
  return s;
}

export interface BatchNormalizationArgs extends LayerArgs, PolicyArgs<'beta' | 'gamma'> {
  /** The features axis (normalised per index along it); -1 by default. */
  axis?: number;
  momentum?: number;
  epsilon?: number;
  /** Learn an offset β. */
  center?: boolean;
  /** Learn a scale γ. */
  scale?: boolean;
  betaInitializer?: InitializerId | Initializer;
  gammaInitializer?: InitializerId | Initializer;
  movingMeanInitializer?: InitializerId | Initializer;
  movingVarianceInitializer?: InitializerId | Initializer;
}

/**
 * Keras 3's `BatchNormalization`. Weights, in Keras's order: gamma, beta (trainable),
 * moving_mean, moving_variance (non-trainable).
 *
 * In training (`ctx.training` and the layer trainable) it normalises with the batch's mean and
 * biased variance (gradients flow through both) and, like Keras, updates the moving statistics
 * inside `call`: moving = moving · momentum + batch · (1 − momentum). That write happens during the
 * forward pass, so a training loop that must leave weights untouched when a step fails has to
 * restore the non-trainable weights too (they are part of `layer.weights`). A layer called twice
 * in one step (a shared model) updates them twice, in call order, as Keras does. In inference it
 * uses the moving statistics.
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  override supportsMasking = true;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly args: BatchNormalizationArgs;
  private readonly policies: WeightPolicies;
  gamma: Variable | undefined;
  beta: Variable | undefined;
  movingMean: Variable | undefined;
  movingVariance: Variable | undefined;

  constructor(args: BatchNormalizationArgs = {}) {
    checkOptions('BatchNormalization', args, [
      ...BASE_OPTIONS,
      ...policyOptions('beta', 'gamma'),
      'axis',
      'momentum',
      'epsilon',
      'center',
      'scale',
      'betaInitializer',
      'gammaInitializer',
      'movingMeanInitializer',
      'movingVarianceInitializer',
    ]);
    super(args);
    this.policies = new WeightPolicies(args, ['beta', 'gamma']);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    if (!Number.isInteger(this.axis)) throw new Error(`BatchNormalization: axis must be an integer, got ${args.axis}.`);
    if (!(this.epsilon > 0)) throw new Error(`BatchNormalization: epsilon must be positive, got ${args.epsilon}.`);
    this.args = args;
  }

  private features(s: SymbolicShape): number {
    const n = s[resolveAxis(this, this.axis, s)];
    if (n === null) {
      throw new Error(
        `BatchNormalization layer '${this.name}' needs a known size on axis ${this.axis}, got input shape ${formatShape(s)}.`,
      );
    }
    return n;
  }

  override build(inputShape: ShapeArg): void {
    const n = this.features(singleShape(this, inputShape));
    if (this.scale)
      this.gamma = this.addWeight('gamma', [n], this.args.gammaInitializer ?? 'ones', true, this.policies.of('gamma'));
    if (this.center)
      this.beta = this.addWeight('beta', [n], this.args.betaInitializer ?? 'zeros', true, this.policies.of('beta'));
    this.movingMean = this.addWeight('moving_mean', [n], this.args.movingMeanInitializer ?? 'zeros', false);
    this.movingVariance = this.addWeight('moving_variance', [n], this.args.movingVarianceInitializer ?? 'ones', false);
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const n = this.features(s);
    if (this.movingMean && this.movingMean.shape[0] !== n) {
      throw new Error(
        `BatchNormalization layer '${this.name}' was built for ${this.movingMean.shape[0]} features on axis ` +
          `${this.axis}, got input shape ${formatShape(s)}.`,
      );
    }
    return s;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const a = resolveAxis(this, this.axis, x.shape);
    const shape = featureShape(x.rank, [a], [x.shape[a]]);
    const view = (v: Variable | undefined): Tensor | null => (v ? ops.reshape(v.value, shape) : null);
    let mean: Tensor;
    let variance: Tensor;
    if (ctx.training && this.trainable) {
      const axes = x.shape.map((_, i) => i).filter((i) => i !== a);
      const mask = ctx.masks?.[0] ?? null;
      if (mask && mask.rank !== x.rank - 1) {
        throw new Error(
          `BatchNormalization layer '${this.name}': a mask must have one axis less than its input, got mask ` +
            `${formatShape(mask.shape)} for input ${formatShape(x.shape)}.`,
        );
      }
      ({ mean, variance } = mask ? maskedMoments(x, mask, axes) : moments(x, axes));
      this.updateMovingStatistics(mean, variance);
    } else {
      mean = view(this.movingMean)!;
      variance = view(this.movingVariance)!;
    }
    return normalize(x, mean, variance, view(this.gamma), view(this.beta), this.epsilon);
  }

  /** moving ← moving · momentum + batch · (1 − momentum), in place (statistics are not differentiated). */
  private updateMovingStatistics(mean: Tensor, variance: Tensor): void {
    const m = this.momentum;
    for (const [v, batch] of [
      [this.movingMean!, mean],
      [this.movingVariance!, variance],
    ] as const) {
      const cur = v.value.values;
      const next = new Float32Array(cur.length);
      for (let i = 0; i < cur.length; i++) next[i] = cur[i] * m + batch.values[i] * (1 - m);
      v.assign(new Tensor(next, v.shape, 'float32'));
    }
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.policies.config(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
  }
}

export interface LayerNormalizationArgs extends LayerArgs, PolicyArgs<'beta' | 'gamma'> {
  /** The axis or axes normalised over (per sample); -1 by default. */
  axis?: number | readonly number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerId | Initializer;
  gammaInitializer?: InitializerId | Initializer;
}

/** Keras 3's `LayerNormalization`: per-sample mean and variance over `axis`; weights gamma, beta. */
export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  override supportsMasking = true;
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly args: LayerNormalizationArgs;
  private readonly policies: WeightPolicies;
  gamma: Variable | undefined;
  beta: Variable | undefined;

  constructor(args: LayerNormalizationArgs = {}) {
    checkOptions('LayerNormalization', args, [
      ...BASE_OPTIONS,
      ...policyOptions('beta', 'gamma'),
      'axis',
      'epsilon',
      'center',
      'scale',
      'betaInitializer',
      'gammaInitializer',
    ]);
    super(args);
    this.policies = new WeightPolicies(args, ['beta', 'gamma']);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.args = args;
  }

  private axes(s: SymbolicShape): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : [...this.axis];
    const axes = [...new Set(list.map((a) => resolveAxis(this, a, s)))].sort((p, q) => p - q);
    if (axes.length !== list.length)
      throw new Error(`LayerNormalization layer '${this.name}': duplicate axes in ${JSON.stringify(this.axis)}.`);
    return axes;
  }

  private sizes(s: SymbolicShape): number[] {
    return this.axes(s).map((a) => {
      const n = s[a];
      if (n === null)
        throw new Error(
          `LayerNormalization layer '${this.name}' needs known sizes on axes ${JSON.stringify(this.axis)}, got ` +
            `input shape ${formatShape(s)}.`,
        );
      return n;
    });
  }

  override build(inputShape: ShapeArg): void {
    const sizes = this.sizes(singleShape(this, inputShape));
    if (this.scale)
      this.gamma = this.addWeight(
        'gamma',
        sizes,
        this.args.gammaInitializer ?? 'ones',
        true,
        this.policies.of('gamma'),
      );
    if (this.center)
      this.beta = this.addWeight('beta', sizes, this.args.betaInitializer ?? 'zeros', true, this.policies.of('beta'));
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const sizes = this.sizes(s);
    const built = (this.gamma ?? this.beta)?.shape;
    if (built && built.join() !== sizes.join()) {
      throw new Error(
        `LayerNormalization layer '${this.name}' was built for sizes ${formatShape(built)} on axes ` +
          `${JSON.stringify(this.axis)}, got input shape ${formatShape(s)}.`,
      );
    }
    return s;
  }

  call(x: Tensor): Tensor {
    const axes = this.axes(x.shape);
    const shape = featureShape(
      x.rank,
      axes,
      axes.map((a) => x.shape[a]),
    );
    const { mean, variance } = moments(x, axes);
    const view = (v: Variable | undefined): Tensor | null => (v ? ops.reshape(v.value, shape) : null);
    return normalize(x, mean, variance, view(this.gamma), view(this.beta), this.epsilon);
  }

  override getConfig(): Record<string, unknown> {
    const own = { axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale };
    return { ...super.getConfig(), ...own, ...this.policies.config() };
  }
}

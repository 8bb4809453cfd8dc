import type { SymbolicShape } from '../tensor/shape.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { ConstraintLike } from './constraints.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import type { RegularizerLike } from './regularizers.js';
import type { Variable } from './variable.js';
import { WeightPolicies } from './weight_policies.js';

export interface GroupNormalizationArgs extends LayerArgs {
  /** Channel groups; the channels must divide into them. -1 makes one group per channel (instance normalization). */
  groups?: number;
  /** The channel axis; Dendrite is channels-last, so only the last axis. */
  axis?: -1;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerId | Initializer;
  gammaInitializer?: InitializerId | Initializer;
  betaRegularizer?: RegularizerLike | null;
  gammaRegularizer?: RegularizerLike | null;
  betaConstraint?: ConstraintLike | null;
  gammaConstraint?: ConstraintLike | null;
}

/**
 * Normalizes each sample over groups of channels (and all spatial positions), then scales and
 * shifts each channel, as Keras 3's GroupNormalization: batch-size independent, so it suits small
 * batches where BatchNormalization's statistics are noisy.
 */
export class GroupNormalization extends Layer {
  static override readonly className = 'GroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly args: GroupNormalizationArgs;
  private readonly policies: WeightPolicies;
  gamma: Variable | undefined;
  beta: Variable | undefined;

  constructor(args: GroupNormalizationArgs = {}) {
    checkOptions('GroupNormalization', args, [
      ...BASE_OPTIONS,
      'groups',
      'axis',
      'epsilon',
      'center',
      'scale',
      'betaInitializer',
      'gammaInitializer',
      'betaRegularizer',
      'gammaRegularizer',
      'betaConstraint',
      'gammaConstraint',
    ]);
    super(args);
    this.groups = args.groups ?? 32;
    if (!Number.isInteger(this.groups) || (this.groups <= 0 && this.groups !== -1)) {
      throw new Error(`GroupNormalization: groups must be a positive integer or -1, got ${this.groups}.`);
    }
    if (args.axis !== undefined && args.axis !== -1) {
      throw new Error(`GroupNormalization: Dendrite is channels-last, so axis must be -1, got ${String(args.axis)}.`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.args = args;
    this.policies = new WeightPolicies(args, ['beta', 'gamma']);
  }

  /** The channel count and the group count it splits into, or a clear error. */
  private split(s: SymbolicShape): { channels: number; groups: number } {
    const channels = s[s.length - 1];
    if (s.length < 2 || channels === null) {
      throw new Error(
        `GroupNormalization layer '${this.name}' needs a known channel axis, got input shape ${formatShape(s)}.`,
      );
    }
    const groups = this.groups === -1 ? channels : this.groups;
    if (channels % groups !== 0 || groups > channels) {
      throw new Error(
        `GroupNormalization layer '${this.name}': ${channels} channels do not divide into ${groups} groups ` +
          `(input shape ${formatShape(s)}).`,
      );
    }
    return { channels, groups };
  }

  override build(inputShape: SymbolicShape): void {
    const { channels } = this.split(singleShape(this, inputShape));
    const weight = (name: 'gamma' | 'beta', fallback: InitializerId): Variable =>
      this.addWeight({
        name,
        shape: [channels],
        initializer: this.args[`${name}Initializer`] ?? fallback,
        ...this.policies.of(name),
      });
    if (this.scale) this.gamma = weight('gamma', 'ones');
    if (this.center) this.beta = weight('beta', 'zeros');
    this.built = true;
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const s = singleShape(this, inputShape);
    this.split(s);
    return s;
  }

  call(x: Tensor): Tensor {
    const { channels, groups } = this.split(x.shape);
    const batch = x.shape[0];
    const grouped = ops.reshape(x, [batch, -1, groups, channels / groups]);
    // Statistics per sample and group: over every position and every channel of the group.
    const mean = ops.mean(grouped, [1, 3], true);
    const variance = ops.mean(ops.square(ops.sub(grouped, mean)), [1, 3], true);
    const normalized = ops.reshape(ops.div(ops.sub(grouped, mean), ops.sqrt(ops.add(variance, this.epsilon))), x.shape);
    const scaled = this.gamma ? ops.mul(normalized, this.gamma.value) : normalized;
    return this.beta ? ops.add(scaled, this.beta.value) : scaled;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: -1,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      ...this.policies.config(),
    };
  }
}

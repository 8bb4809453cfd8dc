import type { SymbolicShape } from '../tensor/shape.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import type { ConstraintLike } from './constraints.js';
import type { Initializer, InitializerId } from './initializers.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions, describeValue } from './options.js';
import type { RegularizerLike } from './regularizers.js';
import type { Variable } from './variable.js';
import { WeightPolicies } from './weight_policies.js';

export interface PReLUArgs extends LayerArgs {
  /** How alpha starts (default 'zeros': the layer starts as a ReLU). */
  alphaInitializer?: InitializerId | Initializer;
  alphaRegularizer?: RegularizerLike | null;
  alphaConstraint?: ConstraintLike | null;
  /**
   * Axes (counted with the batch axis as 0) along which one alpha is shared: `[1, 2]` after a
   * Conv2D gives one alpha per channel.
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * Keras 3's PReLU: `x` for x ≥ 0, `alpha · x` otherwise, with `alpha` learned. Its weight has the
 * input's shape without the batch axis, with 1 on each shared axis, as in Keras.
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  override supportsMasking = true;
  readonly sharedAxes: number[] | null;
  private readonly alphaInitializer: InitializerId | Initializer;
  private readonly policies: WeightPolicies;
  alpha: Variable | undefined;

  constructor(args: PReLUArgs = {}) {
    checkOptions('PReLU', args, [
      ...BASE_OPTIONS,
      'alphaInitializer',
      'alphaRegularizer',
      'alphaConstraint',
      'sharedAxes',
    ]);
    super(args);
    const shared = args.sharedAxes ?? null;
    this.sharedAxes = shared === null ? null : typeof shared === 'number' ? [shared] : [...shared];
    if (this.sharedAxes?.some((a) => !Number.isInteger(a) || a < 1)) {
      throw new Error(
        `PReLU: sharedAxes must be axes ≥ 1 (the batch axis is 0 and always has its own samples), got ${describeValue(shared)}.`,
      );
    }
    this.alphaInitializer = args.alphaInitializer ?? 'zeros';
    this.policies = new WeightPolicies(args, ['alpha']);
  }

  /** The weight's shape for an input shape, or a clear error when an unshared axis has no size. */
  private paramShape(s: SymbolicShape): number[] {
    const rank = s.length;
    for (const a of this.sharedAxes ?? []) {
      if (a >= rank) {
        throw new Error(
          `PReLU layer '${this.name}': shared axis ${a} is not an axis of input shape ${formatShape(s)}.`,
        );
      }
    }
    return s.slice(1).map((d, i) => {
      if (this.sharedAxes?.includes(i + 1)) return 1;
      if (d === null) {
        throw new Error(
          `PReLU layer '${this.name}' needs a known size on axis ${i + 1} of input shape ${formatShape(s)}, or that axis in sharedAxes.`,
        );
      }
      return d;
    });
  }

  override build(inputShape: ShapeArg): void {
    this.alpha = this.addWeight({
      name: 'alpha',
      shape: this.paramShape(singleShape(this, inputShape)),
      initializer: this.alphaInitializer,
      ...this.policies.of('alpha'),
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const want = this.paramShape(s);
    const have = this.alpha?.shape;
    // An unshared axis must keep the size the weight was built for; a shared one may vary.
    if (have && (have.length !== want.length || have.some((d, i) => d !== want[i]))) {
      throw new Error(
        `PReLU layer '${this.name}' was built for inputs of shape ${formatShape([null, ...have])} (1 on shared ` +
          `axes), got ${formatShape(s)}.`,
      );
    }
    return s;
  }

  call(x: Tensor): Tensor {
    const negative = ops.mul(this.alpha!.value, ops.unary('relu', ops.neg(x)));
    return ops.sub(ops.unary('relu', x), negative);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), sharedAxes: this.sharedAxes, ...this.policies.config() };
  }
}

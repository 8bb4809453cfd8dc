import { getBackend } from '../../backend/registry.js';
import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type OptimizerDefaults, type SlotSpec } from './optimizer.js';

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

export const ADAM_OPTIONS = optionNames<Omit<AdamArgs, keyof OptimizerArgs>>({
  beta1: true,
  beta2: true,
  epsilon: true,
  amsgrad: true,
});

/** Adaptive moment estimation, as Keras 3's Adam; weight decay runs inside its fused kernel. */
export class Adam extends Optimizer {
  static override readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(args: AdamArgs = {}, defaults: OptimizerDefaults = { learningRate: 0.001 }) {
    super(args, defaults, ADAM_OPTIONS);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
  }

  protected override get fusesWeightDecay(): boolean {
    return true;
  }

  protected slotSpec(): SlotSpec {
    return { count: this.amsgrad ? 3 : 2, interleaved: 2 };
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

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

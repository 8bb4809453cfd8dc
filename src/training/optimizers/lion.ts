import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface LionArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
}

/**
 * Lion (Chen et al., 2023), as Keras 3's: the step is the sign of an interpolation between the
 * momentum and the gradient, so every weight moves by exactly the learning rate.
 */
export class Lion extends Optimizer {
  static override readonly className = 'Lion';
  readonly beta1: number;
  readonly beta2: number;

  constructor(args: LionArgs = {}) {
    super(
      args,
      { learningRate: 0.001 },
      optionNames<Omit<LionArgs, keyof OptimizerArgs>>({ beta1: true, beta2: true }),
    );
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.99;
    if (!(this.beta1 > 0 && this.beta1 <= 1)) {
      throw new Error(`Lion: beta1 must be in (0, 1]; otherwise it degenerates to SignSGD. Got ${this.beta1}.`);
    }
  }

  protected slotSpec(): SlotSpec {
    return { count: 1, interleaved: 0 };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number): void {
    const [m] = this.slotsFor(v, 1);
    const { beta1, beta2 } = this;
    for (let i = 0; i < w.length; i++) {
      w[i] -= lr * Math.sign(m[i] * beta1 + g[i] * (1 - beta1));
      m[i] = m[i] * beta2 + g[i] * (1 - beta2);
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}

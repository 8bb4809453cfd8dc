import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface AdamaxArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam with the infinity norm in place of the second moment, as Keras 3's Adamax. */
export class Adamax extends Optimizer {
  static override readonly className = 'Adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(args: AdamaxArgs = {}) {
    super(
      args,
      { learningRate: 0.001 },
      optionNames<Omit<AdamaxArgs, keyof OptimizerArgs>>({ beta1: true, beta2: true, epsilon: true }),
    );
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): SlotSpec {
    return { count: 2, interleaved: 2 };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number): void {
    const [m, u] = this.slotsFor(v, 2);
    const { beta1, beta2, epsilon } = this;
    // `iterations` counts this step already; Keras's local step is the same number.
    const correction = 1 - beta1 ** this.iterations;
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - beta1);
      u[i] = Math.max(beta2 * u[i], Math.abs(g[i]));
      w[i] -= (lr * m[i]) / (correction * (u[i] + epsilon));
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

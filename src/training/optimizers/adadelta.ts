import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface AdadeltaArgs extends OptimizerArgs {
  rho?: number;
  epsilon?: number;
}

/** Steps scaled by running averages of squared gradients and squared steps, as Keras 3's Adadelta. */
export class Adadelta extends Optimizer {
  static override readonly className = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;

  constructor(args: AdadeltaArgs = {}) {
    super(
      args,
      { learningRate: 0.001 },
      optionNames<Omit<AdadeltaArgs, keyof OptimizerArgs>>({ rho: true, epsilon: true }),
    );
    this.rho = args.rho ?? 0.95;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): SlotSpec {
    return { count: 2, interleaved: 2 };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number): void {
    const [accGrad, accDelta] = this.slotsFor(v, 2);
    const { rho, epsilon } = this;
    for (let i = 0; i < w.length; i++) {
      accGrad[i] = rho * accGrad[i] + (1 - rho) * g[i] * g[i];
      const delta = (-Math.sqrt(accDelta[i] + epsilon) * g[i]) / Math.sqrt(accGrad[i] + epsilon);
      accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
      w[i] += lr * delta;
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}

import { getBackend } from '../../backend/registry.js';
import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface AdagradArgs extends OptimizerArgs {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Per-weight rates shrinking with the sum of squared gradients, as Keras 3's Adagrad. */
export class Adagrad extends Optimizer {
  static override readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(args: AdagradArgs = {}) {
    super(
      args,
      { learningRate: 0.001 },
      optionNames<Omit<AdagradArgs, keyof OptimizerArgs>>({ initialAccumulatorValue: true, epsilon: true }),
    );
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): SlotSpec {
    return { count: 1, interleaved: 0, init: this.initialAccumulatorValue };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number, gradSquares: Float32Array | null): void {
    const [acc] = this.slotsFor(v, 1, this.initialAccumulatorValue);
    getBackend().adagradUpdate(w, g, acc, lr, this.epsilon, gradSquares);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

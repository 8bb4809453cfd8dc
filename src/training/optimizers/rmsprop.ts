import { getBackend } from '../../backend/registry.js';
import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  momentum?: number;
  epsilon?: number;
}

/** Divides each gradient by a running root mean square of its history, as Keras 3's RMSprop. */
export class RMSprop extends Optimizer {
  static override readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(args: RMSpropArgs = {}) {
    super(
      args,
      { learningRate: 0.001 },
      optionNames<Omit<RMSpropArgs, keyof OptimizerArgs>>({ rho: true, momentum: true, epsilon: true }),
    );
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
  }

  protected slotSpec(): SlotSpec {
    return { count: this.momentum > 0 ? 2 : 1, interleaved: 0 };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number, gradSquares: Float32Array | null): void {
    const [ms, mom] = this.slotsFor(v, this.momentum > 0 ? 2 : 1);
    getBackend().rmspropUpdate(w, g, ms, mom ?? null, lr, this.rho, this.momentum, this.epsilon, gradSquares);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }
}

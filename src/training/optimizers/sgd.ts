import { getBackend } from '../../backend/registry.js';
import type { Variable } from '../../layers/variable.js';
import { optionNames } from '../../layers/options.js';
import { Optimizer, type OptimizerArgs, type SlotSpec } from './optimizer.js';

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

/** Gradient descent, with optional (Nesterov) momentum, as Keras 3's SGD. */
export class SGD extends Optimizer {
  static override readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super(
      args,
      { learningRate: 0.01 },
      optionNames<Omit<SGDArgs, keyof OptimizerArgs>>({ momentum: true, nesterov: true }),
    );
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
  }

  protected slotSpec(): SlotSpec {
    return { count: this.momentum > 0 ? 1 : 0, interleaved: 0 };
  }

  protected update(w: Float32Array, g: Float32Array, v: Variable, lr: number): void {
    const velocity = this.momentum > 0 ? this.slotsFor(v, 1)[0] : null;
    getBackend().sgdUpdate(w, g, velocity, lr, this.momentum, this.nesterov);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}

import { Adam, type AdamArgs } from './adam.js';

export type AdamWArgs = AdamArgs;

/** Adam with decoupled weight decay on by default (0.004), as Keras 3's AdamW. */
export class AdamW extends Adam {
  static override readonly className = 'AdamW';

  constructor(args: AdamWArgs = {}) {
    super(args, { learningRate: 0.001, weightDecay: 0.004 });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

import type { GateActivation } from '../../backend/backend.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import type { Initializer, InitializerId } from '../initializers.js';
import {
  type RecurrentActivationId,
  type RecurrentArgs,
  RecurrentLayer,
  type RecurrentRun,
  gateActivation,
} from './base.js';

export interface GRUArgs extends RecurrentArgs {
  /** Default 'sigmoid'. */
  recurrentActivation?: RecurrentActivationId | null;
  /**
   * Default true (Keras 3, and cuDNN's convention): the reset gate multiplies the recurrent
   * product, and the bias has two rows [input bias, recurrent bias], shape [2, 3·units].
   */
  resetAfter?: boolean;
}

/** Gated recurrent unit over a sequence, as Keras 3's GRU: gates [z, r, h], h = z∘hPrev + (1 − z)∘hh. */
export class GRU extends RecurrentLayer<GRUArgs> {
  static override readonly className = 'GRU';
  static override readonly positional = ['units'];
  protected readonly gateCount = 3;
  readonly stateCount = 1;
  readonly recurrentActivation: GateActivation;
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUArgs = {}) {
    super('GRU', units, args, ['recurrentActivation', 'resetAfter']);
    this.recurrentActivation = gateActivation('GRU', 'recurrentActivation', args.recurrentActivation, 'sigmoid');
    this.resetAfter = args.resetAfter ?? true;
  }

  protected biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected biasInitializer(): InitializerId | Initializer {
    return this.args.biasInitializer ?? 'zeros';
  }

  protected runSequence(run: RecurrentRun): Tensor[] {
    const { output, h } = ops.gru(
      run.x,
      this.kernel!.value,
      this.recurrentKernel!.value,
      this.bias?.value ?? null,
      run.mask,
      {
        ...this.opOptions(run),
        recurrentActivation: this.recurrentActivation,
        resetAfter: this.resetAfter,
      },
    );
    return [output, h];
  }

  cloneWith(overrides: { name: string; goBackwards: boolean }): GRU {
    return new GRU(this.units, { ...this.args, ...overrides });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter };
  }
}

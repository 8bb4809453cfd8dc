import type { GateActivation } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { type Initializer, type InitializerId, getInitializer } from '../initializers.js';
import {
  type RecurrentActivationId,
  type RecurrentArgs,
  RecurrentLayer,
  type RecurrentRun,
  gateActivation,
} from './base.js';

export interface LSTMArgs extends RecurrentArgs {
  /** Default 'sigmoid' (Keras 3; tfjs defaults to hard_sigmoid). */
  recurrentActivation?: RecurrentActivationId | null;
  /** Default true: the forget gate's bias starts at 1 (Jozefowicz et al.), the rest from biasInitializer. */
  unitForgetBias?: boolean;
}

/**
 * Long short-term memory over a sequence, as Keras 3's LSTM: gates [i, f, c, o] in the kernels'
 * columns, h = o∘tanh(c). The whole sequence runs as one fused op.
 */
export class LSTM extends RecurrentLayer<LSTMArgs> {
  static override readonly className = 'LSTM';
  static override readonly positional = ['units'];
  protected readonly gateCount = 4;
  readonly stateCount = 2;
  readonly recurrentActivation: GateActivation;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMArgs = {}) {
    super('LSTM', units, args, ['recurrentActivation', 'unitForgetBias']);
    this.recurrentActivation = gateActivation('LSTM', 'recurrentActivation', args.recurrentActivation, 'sigmoid');
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected biasShape(): number[] {
    return [4 * this.units];
  }

  protected biasInitializer(): InitializerId | Initializer {
    const base = getInitializer(this.args.biasInitializer ?? 'zeros');
    if (!this.unitForgetBias) return base;
    const u = this.units;
    return () => {
      const data = new Float32Array(4 * u);
      data.set(base([u]).values as Float32Array, 0);
      data.fill(1, u, 2 * u);
      data.set(base([2 * u]).values as Float32Array, 2 * u);
      return new Tensor(data, [4 * u], 'float32');
    };
  }

  protected runSequence(run: RecurrentRun): Tensor[] {
    const { output, h, c } = ops.lstm(
      run.x,
      this.kernel!.value,
      this.recurrentKernel!.value,
      this.bias?.value ?? null,
      run.mask,
      {
        ...this.opOptions(run),
        recurrentActivation: this.recurrentActivation,
      },
    );
    return [output, h, c];
  }

  cloneWith(overrides: { name: string; goBackwards: boolean }): LSTM {
    return new LSTM(this.units, { ...this.args, ...overrides });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias };
  }
}

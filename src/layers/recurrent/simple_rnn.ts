import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import type { Initializer, InitializerId } from '../initializers.js';
import { type RecurrentArgs, RecurrentLayer, type RecurrentRun } from './base.js';

export type SimpleRNNArgs = RecurrentArgs;

/** The plain recurrence h = act(x·W + h·U + b), as Keras 3's SimpleRNN. */
export class SimpleRNN extends RecurrentLayer<SimpleRNNArgs> {
  static override readonly className = 'SimpleRNN';
  static override readonly positional = ['units'];
  protected readonly gateCount = 1;
  readonly stateCount = 1;

  constructor(units: number, args: SimpleRNNArgs = {}) {
    super('SimpleRNN', units, args, []);
  }

  protected biasShape(): number[] {
    return [this.units];
  }

  protected biasInitializer(): InitializerId | Initializer {
    return this.args.biasInitializer ?? 'zeros';
  }

  protected runSequence(run: RecurrentRun): Tensor[] {
    const { output, h } = ops.simpleRnn(
      run.x,
      this.kernel!.value,
      this.recurrentKernel!.value,
      this.bias?.value ?? null,
      run.mask,
      this.opOptions(run),
    );
    return [output, h];
  }

  cloneWith(overrides: { name: string; goBackwards: boolean }): SimpleRNN {
    return new SimpleRNN(this.units, { ...this.args, ...overrides });
  }
}

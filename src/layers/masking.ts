import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';

export interface MaskingArgs extends LayerArgs {
  /** A time step whose features all equal this value is padding. Default 0. */
  maskValue?: number;
}

/**
 * Marks padding in a sequence, as Keras's `Masking`: a time step is masked when every feature
 * equals `maskValue`. Masked steps come out as zeros, and the mask goes on to the layers that
 * follow, so a recurrent layer skips them.
 */
export class Masking extends Layer {
  static override readonly className = 'Masking';
  override supportsMasking = true;
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    checkOptions('Masking', args, [...BASE_OPTIONS, 'maskValue']);
    super(args);
    const value = args.maskValue ?? 0;
    // NaN equals nothing, so it would silently mask no step; an infinite value would turn masked
    // steps into NaN where they are zeroed (∞ · 0).
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
      throw new TypeError(`Masking: maskValue must be a finite number, got ${shown}.`);
    }
    this.maskValue = value;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    if (s.length < 2) {
      throw new Error(
        `Masking layer '${this.name}' expects inputs with a batch axis and a features axis, such as (batch, ` +
          `timesteps, features), got shape ${formatShape(s)}.`,
      );
    }
    return s;
  }

  /** Where a step has a feature other than maskValue: [batch, ...] without the last axis, or with it kept. */
  private realSteps(x: Tensor, keepDims: boolean): Tensor {
    return ops.any(ops.compare('notEqual', x, this.maskValue), -1, keepDims);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return ops.mul(x, ops.cast(this.realSteps(x, true), 'float32'));
  }

  // The mask comes from the inputs, whatever mask they carried: this layer is where masking starts.
  override computeMask(inputs: Tensor[], _masks: readonly (Tensor | null)[]): (Tensor | null)[] {
    return [this.realSteps(inputs[0], false)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

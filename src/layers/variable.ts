import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Regularizer, RegularizerFn } from './regularizers.js';
import type { Constraint, ConstraintFn } from './constraints.js';

/**
 * A weight: a named tensor that training updates in place. Optimizers write straight into
 * `value.values`, so a variable keeps one buffer for its whole life.
 */
export class Variable {
  /** A penalty on the weight that training adds to the loss (Keras's `variable.regularizer`). */
  regularizer: Regularizer | RegularizerFn | undefined;
  /** A projection applied after each optimizer step (Keras's `variable.constraint`). */
  constraint: Constraint | ConstraintFn | undefined;

  constructor(
    /** The weight's own name, such as `kernel`. */
    readonly name: string,
    public value: Tensor,
    public trainable: boolean,
    /** The owning layer's name, set when the layer creates the weight. */
    readonly layerName: string,
  ) {}

  /** `dense_1/kernel`, as Keras names weight paths. */
  get path(): string {
    return `${this.layerName}/${this.name}`;
  }

  get shape(): number[] {
    return this.value.shape;
  }

  /** Overwrites the weight's values (shape must match); the buffer stays the same. */
  assign(t: Tensor): void {
    if (!shapesEqual(t.shape, this.value.shape)) {
      throw new Error(
        `Cannot assign a value of shape ${formatShape(t.shape)} to weight '${this.path}' of shape ${formatShape(this.value.shape)}.`,
      );
    }
    (this.value.values as Float32Array).set(t.dtype === 'float32' ? t.values : t.cast('float32').values);
  }

  /** A copy of the current values. */
  snapshot(): Float32Array {
    return (this.value.values as Float32Array).slice();
  }
}

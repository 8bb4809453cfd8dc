import type { Tensor } from '../tensor/tensor.js';
import type { KerasTensor } from './keras_tensor.js';
import { type EagerCallArgs, Layer, type SymbolicCallArgs } from './layer.js';

/**
 * A layer with call options of its own beyond `mask` and `training`, typed: `S` are the options of
 * a symbolic call (tensors among them symbolic), `E` those of an eager call (tensors concrete). The
 * class still lists their names in its static `callOptions`, which is what the runtime checks, and
 * reads the given ones in `call` from `ctx.options`.
 *
 * ```ts
 * const y = mha.apply([x, x], { useCausalMask: true }); // KerasTensor, no cast
 * ```
 */
export abstract class CallOptionsLayer<S extends object, E extends object> extends Layer {
  override apply(inputs: KerasTensor | readonly KerasTensor[], opts?: SymbolicCallArgs & S): KerasTensor;
  override apply(inputs: Tensor | readonly Tensor[], opts?: EagerCallArgs & E): Tensor;
  override apply(
    inputs: KerasTensor | Tensor | readonly KerasTensor[] | readonly Tensor[],
    opts?: (SymbolicCallArgs & S) | (EagerCallArgs & E),
  ): KerasTensor | Tensor {
    const out = this.applyAll(inputs, opts ?? {});
    if (out.length !== 1) {
      throw new Error(
        `Layer '${this.name}' returns ${out.length} tensors here; call applyMulti() to receive all of them.`,
      );
    }
    return out[0];
  }

  override applyMulti(inputs: KerasTensor | readonly KerasTensor[], opts?: SymbolicCallArgs & S): KerasTensor[];
  override applyMulti(inputs: Tensor | readonly Tensor[], opts?: EagerCallArgs & E): Tensor[];
  override applyMulti(
    inputs: KerasTensor | Tensor | readonly KerasTensor[] | readonly Tensor[],
    opts?: (SymbolicCallArgs & S) | (EagerCallArgs & E),
  ): KerasTensor[] | Tensor[] {
    return this.applyAll(inputs, opts ?? {});
  }
}

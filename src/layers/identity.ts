import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';

export interface IdentityArgs extends LayerArgs {}

/** Keras 3's Identity layer: returns its input unchanged, dtype and mask included (a placeholder). */
export class Identity extends Layer {
  static override readonly className = 'Identity';
  override supportsMasking = true;
  // It computes nothing, so int and bool inputs stay as they are, as in Keras.
  protected override readonly keepsInputDType = true;

  constructor(args: IdentityArgs = {}) {
    checkOptions('Identity', args, BASE_OPTIONS);
    super(args);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return singleShape(this, inputShape);
  }

  override computeOutputDType(inputDTypes: DType[]): DType {
    return inputDTypes[0] ?? 'float32';
  }

  call(x: Tensor): Tensor {
    return x;
  }
}

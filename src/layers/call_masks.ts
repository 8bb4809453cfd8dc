import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { KerasTensor } from './keras_tensor.js';
import type { Layer, MaskArg } from './layer.js';

/**
 * The masks of a call, one per input, checked: bool tensors of the call's kind, each over the
 * leading axes of its input. Null when none is given, so the inputs' own masks apply.
 */
export function callMasks(
  layer: Layer,
  inputs: readonly (KerasTensor | Tensor)[],
  mask: MaskArg<KerasTensor> | MaskArg<Tensor> | undefined,
): (KerasTensor | Tensor | null)[] | null {
  if (mask === undefined || mask === null) return null;
  const where = `${layer.className} layer '${layer.name}'`;
  const list: unknown[] = Array.isArray(mask) ? [...mask] : [mask];
  if (list.length !== inputs.length) {
    throw new Error(
      `${where} got ${list.length} mask${list.length === 1 ? '' : 's'} for ${inputs.length} ` +
        `input${inputs.length === 1 ? '' : 's'}; give one mask per input (null for none).`,
    );
  }
  const kind = inputs[0] instanceof KerasTensor ? KerasTensor : Tensor;
  return list.map((m, i) => {
    if (m === null) return null;
    if (!(m instanceof kind)) {
      throw new TypeError(
        `${where} got a mask that is not a ${kind === KerasTensor ? 'symbolic' : 'concrete'} tensor like its inputs: ${String(m)}.`,
      );
    }
    if (m.dtype !== 'bool') {
      throw new TypeError(`${where} got a ${m.dtype} mask; masks are bool tensors (true marks a real step).`);
    }
    const x = inputs[i].shape;
    const fits = m.shape.length <= x.length && m.shape.every((d, k) => d === null || x[k] === null || d === x[k]);
    if (!fits) {
      throw new Error(
        `${where}: a mask of shape ${formatShape(m.shape)} does not match the leading axes of its input ${formatShape(x)}.`,
      );
    }
    return m;
  });
}

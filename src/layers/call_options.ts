import { KerasTensor } from './keras_tensor.js';
import { Tensor } from '../tensor/tensor.js';
import type { Layer } from './layer.js';
import type { CallOptions } from './layer_args.js';

/**
 * The layer's own call options among `opts`, those given (not undefined), each tensor checked to be
 * of the call's kind; null when none was given, so a plain call records nothing.
 */
export function callOptionsOf(
  layer: Layer,
  opts: object,
  names: readonly string[],
  kind: typeof KerasTensor | typeof Tensor,
): CallOptions | null {
  const given = names.filter((k) => (opts as Record<string, unknown>)[k] !== undefined);
  if (given.length === 0) return null;
  const options: Record<string, unknown> = {};
  for (const k of given) {
    const v = (opts as Record<string, unknown>)[k];
    if ((v instanceof KerasTensor || v instanceof Tensor) && !(v instanceof kind)) {
      throw new TypeError(
        `${layer.className} layer '${layer.name}': ${k} is a ` +
          `${v instanceof KerasTensor ? 'symbolic' : 'concrete'} tensor, but the inputs are ` +
          `${kind === KerasTensor ? 'symbolic' : 'concrete'}; give both of one kind.`,
      );
    }
    options[k] = v;
  }
  return options;
}

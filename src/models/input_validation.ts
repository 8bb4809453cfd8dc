import type { Layer } from '../layers/layer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Functional } from './functional.js';

/**
 * Layers that can only check their data once it arrives (an Embedding's indices) expose
 * `validateInput`; it runs on the whole dataset before the first step.
 */
interface DataValidator {
  validateInput(t: Tensor): void;
}
function hasValidator(layer: Layer): layer is Layer & DataValidator {
  return typeof (layer as Partial<DataValidator>).validateInput === 'function';
}

export function validateLayerInputs(layer: Layer, model: Functional, inputs: readonly Tensor[]): void {
  if (!hasValidator(layer)) return;
  // Only layers fed directly by a model input can be checked without running the model.
  for (const node of layer.inboundNodes) {
    if (!model.nodes.has(node)) continue;
    node.inputs.forEach((t) => {
      const i = model.inputs.indexOf(t);
      if (i >= 0) layer.validateInput(inputs[i]);
    });
  }
}

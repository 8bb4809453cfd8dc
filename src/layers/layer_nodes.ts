/** Finding a layer's calls for `layer.input`, `layer.output` and `getOutputAt(i)`, with errors that say which to use. */
import type { KerasTensor, Node } from './keras_tensor.js';
import type { Layer } from './layer.js';

/** The layer's only call, or an error: none yet, or several (then `get…At(i)` picks one). */
export function onlyNode(layer: Layer, what: string): Node {
  if (layer.inboundNodes.length === 0) {
    throw new Error(
      `${layer.className} layer '${layer.name}' has not been called on a symbolic input, so it has no ${what} yet.`,
    );
  }
  if (layer.inboundNodes.length > 1) {
    throw new Error(
      `${layer.className} layer '${layer.name}' has been called ${layer.inboundNodes.length} times, so it has ` +
        `several ${what}s; use get${what === 'input' ? 'Input' : 'Output'}At(i).`,
    );
  }
  return layer.inboundNodes[0];
}

export function nodeAt(layer: Layer, nodeIndex: number): Node {
  const node = layer.inboundNodes[nodeIndex];
  if (!Number.isInteger(nodeIndex) || !node) {
    throw new RangeError(
      `${layer.className} layer '${layer.name}' has ${layer.inboundNodes.length} call(s); there is no call ${String(nodeIndex)}.`,
    );
  }
  return node;
}

/** The one tensor of a list, or an error that names the plural accessor to use instead. */
export function single(list: readonly KerasTensor[], layer: Layer, what: string, plural: string): KerasTensor {
  if (list.length !== 1) {
    throw new Error(
      `${layer.className} layer '${layer.name}' has ${list.length} ${plural}; use ` +
        `get${what === 'input' ? 'Input' : 'Output'}At(0) for the list.`,
    );
  }
  return list[0];
}

import type { Layer } from '../layers/layer.js';
import type { KerasTensor, Node } from '../layers/keras_tensor.js';
import { InputLayer } from '../layers/input.js';

/**
 * The static structure of a functional model, computed once when the model is created:
 * the nodes to run in dependency order, the layers in Keras's order (by decreasing depth, then by
 * discovery order), and the depth of every node. This mirrors Keras's `map_graph`, so that layer
 * order — and therefore weight order — matches models saved by Keras.
 */
export interface GraphMap {
  /** Nodes in an order where every node comes after the nodes that feed it. */
  nodes: Node[];
  layers: Layer[];
  nodesByDepth: Map<number, Node[]>;
}

export function mapGraph(inputs: readonly KerasTensor[], outputs: readonly KerasTensor[]): GraphMap {
  const inputSet = new Set(inputs);
  const finished = new Set<Node>();
  const inProgress = new Set<Node>();
  const nodesInOrder: Node[] = [];
  const layerIndex = new Map<Layer, number>();

  const visit = (t: KerasTensor, consumer: Layer | undefined): void => {
    const layer = t.sourceLayer;
    const node = layer.inboundNodes[t.nodeIndex];
    if (finished.has(node)) return;
    if (inProgress.has(node)) throw new Error(`Tensor ${t.name} from layer '${layer.name}' is part of a cycle.`);
    if (!layerIndex.has(layer)) layerIndex.set(layer, layerIndex.size);
    inProgress.add(node);
    if (node.isInput && !inputSet.has(t)) {
      const needed = consumer ? ` needed by layer '${consumer.name}'` : '';
      throw new Error(
        `Graph disconnected: cannot obtain the value of tensor ${t.name}${needed}: it comes from Input '${layer.name}', ` +
          `which is not among the model's inputs (${inputs.map((i) => i.sourceLayer.name).join(', ') || 'none'}). ` +
          `Pass it in Model's inputs.`,
      );
    }
    if (!inputSet.has(t)) for (const parent of node.sources) visit(parent, layer);
    finished.add(node);
    inProgress.delete(node);
    nodesInOrder.push(node);
  };
  for (const o of outputs) visit(o, undefined);

  for (const i of inputs) {
    if (!(i.sourceLayer instanceof InputLayer)) {
      throw new Error(`Model inputs must come from Input(); ${i.name} is the output of layer '${i.sourceLayer.name}'.`);
    }
  }

  // Depths: outputs at 0, each parent one deeper than its deepest consumer (Keras's rule).
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (let k = nodesInOrder.length - 1; k >= 0; k--) {
    const node = nodesInOrder[k];
    const depth = Math.max(nodeDepth.get(node) ?? 0, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    if (node.isInput || node.outputs.some((o) => inputSet.has(o))) continue;
    for (const parent of node.parentNodes) nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
  }
  // Inputs that feed no output still belong to the model.
  for (const i of inputs) {
    if (!layerDepth.has(i.sourceLayer)) {
      layerDepth.set(i.sourceLayer, 0);
      layerIndex.set(i.sourceLayer, -1);
      nodeDepth.set(i.sourceLayer.inboundNodes[0], 0);
    }
  }

  const byDepth = new Map<number, Layer[]>();
  for (const [layer, d] of layerDepth) byDepth.set(d, [...(byDepth.get(d) ?? []), layer]);
  const layers: Layer[] = [];
  for (const d of [...byDepth.keys()].sort((a, b) => b - a)) {
    layers.push(...byDepth.get(d)!.sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!));
  }
  const nodesByDepth = new Map<number, Node[]>();
  for (const [node, d] of nodeDepth) nodesByDepth.set(d, [...(nodesByDepth.get(d) ?? []), node]);

  const names = new Map<string, Layer>();
  for (const layer of layers) {
    const other = names.get(layer.name);
    if (other && other !== layer) {
      throw new Error(
        `The name '${layer.name}' is used by two layers in this model (${other.className} and ` +
          `${layer.className}); layer names must be unique within a model.`,
      );
    }
    names.set(layer.name, layer);
  }
  return { nodes: nodesInOrder, layers, nodesByDepth };
}

import { formatShape, type SymbolicShape } from '../tensor/shape.js';
import type { Layer } from '../layers/layer.js';
import type { Functional } from './functional.js';

export interface SummaryArgs {
  /** Where lines go (default console.log). */
  printFn?: (line: string) => void;
  lineLength?: number;
  /** Column ends as fractions of the line (Keras's `positions`). */
  positions?: number[];
}

/**
 * Keras's summary table in the format the notebook shows (Keras 2's): a plain chain gets three
 * columns at width 65; any other graph gets a `Connected to` column at width 100, one row per
 * connection of a shared layer.
 */
export function summary(model: Functional, args: SummaryArgs = {}): void {
  const print = args.printFn ?? ((line: string) => console.log(line));
  const chain = isSequentialLike(model);
  const lineLength = args.lineLength ?? (chain ? 65 : 100);
  const fractions = args.positions ?? (chain ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]);
  const positions = fractions.map((p) => Math.floor(lineLength * p));
  const header = chain
    ? ['Layer (type)', 'Output Shape', 'Param #']
    : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const row = (fields: string[]): void => {
    let line = '';
    fields.forEach((f, i) => {
      line = (line + f).slice(0, positions[i]);
      line += ' '.repeat(positions[i] - line.length);
    });
    print(line);
  };

  print('_'.repeat(lineLength));
  row(header);
  print('='.repeat(lineLength));
  // A Sequential's layers leave out its input layer, as Keras's summary does; a functional model's list it.
  const layers = model.layers;
  layers.forEach((layer, i) => {
    const connections = chain ? [] : connectionsOf(layer, model);
    const first = [`${layer.name} (${layer.className})`, outputShapeOf(layer, model), String(layer.countParams())];
    row(chain ? first : [...first, connections[0] ?? '']);
    for (const c of connections.slice(1)) row(['', '', '', c]);
    print((i === layers.length - 1 ? '=' : '_').repeat(lineLength));
  });
  const trainable = model.trainableWeights.reduce((p, w) => p + w.value.size, 0);
  const total = model.countParams();
  print(`Total params: ${thousands(total)}`);
  print(`Trainable params: ${thousands(trainable)}`);
  print(`Non-trainable params: ${thousands(total - trainable)}`);
  print('_'.repeat(lineLength));
}

function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The shape of a layer's outputs in this model, `multiple` when its calls disagree. */
function outputShapeOf(layer: Layer, model: Functional): string {
  const nodes = layer.inboundNodes.filter((n) => model.nodes.has(n));
  const shapes = nodes.map((n) => n.outputs.map((o) => o.shape));
  if (shapes.length === 0) return 'multiple';
  const key = (s: SymbolicShape[]): string => JSON.stringify(s);
  if (shapes.some((s) => key(s) !== key(shapes[0]))) return 'multiple';
  const outs = shapes[0];
  return outs.length === 1 ? formatShape(outs[0]) : `[${outs.map(formatShape).join(', ')}]`;
}

function connectionsOf(layer: Layer, model: Functional): string[] {
  // A call's explicit masks are among its connections, as Keras 3 lists them.
  return layer.inboundNodes.filter((n) => model.nodes.has(n)).flatMap((n) => n.sources.map((t) => t.name));
}

/** Keras 2's test: one node per depth, each with at most one inbound layer, and no layer called twice. */
function isSequentialLike(model: Functional): boolean {
  if (model.className === 'Sequential') return true;
  const seen: unknown[] = [];
  for (const nodes of model.nodesByDepth.values()) {
    if (nodes.length > 1 || (nodes.length === 1 && nodes[0].sources.length > 1)) return false;
    seen.push(...nodes);
  }
  for (const layer of model.layers) {
    if (layer.inboundNodes.filter((n) => seen.includes(n)).length > 1) return false;
  }
  return true;
}

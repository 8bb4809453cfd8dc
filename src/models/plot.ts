/**
 * `plotModel`: a picture of a model's graph as an SVG, like Keras's `plot_model` but drawn here,
 * without Graphviz. One box per layer (a shared layer once, with every call's edges), placed in
 * ranks by longest path from the inputs, ordered within a rank to keep edges from crossing.
 */
import { formatShape, type SymbolicShape } from '../tensor/shape.js';
import type { Layer } from '../layers/layer.js';
import { writeBytes } from '../node/files.js';
import { checkImagePath, imageBytes } from '../node/image_file.js';
import type { Functional } from './functional.js';

export interface PlotModelArgs {
  /** Writes the picture to this path as well (Node.js): an `.svg` file, or a `.png` rendered from it. The SVG text is returned either way. */
  toFile?: string;
  /** Adds each layer's input and output shapes. */
  showShapes?: boolean;
  /** Adds each layer's output dtype. */
  showDtype?: boolean;
  /** Layer names in the boxes, with the class (default true); the class alone otherwise. */
  showLayerNames?: boolean;
  /** 'TB' (top to bottom, the default) or 'LR' (left to right). */
  rankdir?: 'TB' | 'LR';
}

const FONT = 13;
const CHAR = 7.4; // average advance of the 13 px sans-serif used, for box widths
const BOLD_CHAR = 8.2;
const POINT = 0; // the size of an edge's pass-through point in a rank
const BACK_EDGE_BULGE = 36;
const PAD = 12;
const LINE = 18;
const GAP_ALONG = 44; // between ranks
const GAP_ACROSS = 24; // between boxes of one rank (and an edge's pass-through points)

/** A layer's box, or a point an edge passes through in a rank it crosses (a box of no size). */
interface Box {
  layer: Layer | null;
  lines: string[];
  width: number;
  height: number;
  rank: number;
  x: number;
  y: number;
  /** The size across the rank band this box sits in, once placed (for edges through points). */
  bandStart: number;
  bandEnd: number;
}

// Control characters cannot appear in XML at all, escaped or not.
const escapeXml = (s: string): string =>
  s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '?')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

function shapesText(shapes: readonly SymbolicShape[]): string {
  return shapes.length === 1 ? formatShape(shapes[0]) : `[${shapes.map(formatShape).join(', ')}]`;
}

export async function plotModel(model: Functional, args: PlotModelArgs = {}): Promise<string> {
  if (args.toFile !== undefined) checkImagePath(args.toFile);
  if (!model.built || model.layers.length === 0) {
    throw new Error(
      `Model '${model.name}' has not been built yet, so it has no graph to plot: give its first layer an inputShape, or fit it first.`,
    );
  }
  const { showShapes = false, showDtype = false, showLayerNames = true, rankdir = 'TB' } = args;
  const nodes = [...model.nodes];
  const layers = model.layers;

  // Edges between layers, once each, in call order.
  const edges: [Layer, Layer][] = [];
  const seen = new Set<string>();
  const index = new Map(layers.map((l, i) => [l, i]));
  for (const node of nodes) {
    for (const t of node.inputs) {
      const key = `${index.get(t.sourceLayer)}>${index.get(node.layer)}`;
      if (!seen.has(key) && index.has(t.sourceLayer)) {
        seen.add(key);
        edges.push([t.sourceLayer, node.layer]);
      }
    }
  }

  // Ranks: longest path from an input, over the layer graph without its back edges (a layer
  // applied to its own output, directly or not, closes a cycle between layers, though not between nodes).
  const children = new Map<Layer, Layer[]>(layers.map((l) => [l, []]));
  for (const [from, to] of edges) children.get(from)!.push(to);
  const back = new Set<string>();
  const state = new Map<Layer, 'open' | 'done'>();
  const visit = (l: Layer): void => {
    state.set(l, 'open');
    for (const c of children.get(l)!) {
      if (state.get(c) === 'open') back.add(`${index.get(l)}>${index.get(c)}`);
      else if (!state.has(c)) visit(c);
    }
    state.set(l, 'done');
  };
  for (const l of layers) if (!state.has(l)) visit(l);
  const forward = edges.filter(([f, t]) => !back.has(`${index.get(f)}>${index.get(t)}`));
  const rank = new Map<Layer, number>(layers.map((l) => [l, 0]));
  const pending = new Map<Layer, number>(layers.map((l) => [l, 0]));
  for (const [, to] of forward) pending.set(to, pending.get(to)! + 1);
  const ready = layers.filter((l) => pending.get(l) === 0);
  while (ready.length > 0) {
    const l = ready.shift()!;
    for (const [from, to] of forward) {
      if (from !== l) continue;
      rank.set(to, Math.max(rank.get(to)!, rank.get(l)! + 1));
      pending.set(to, pending.get(to)! - 1);
      if (pending.get(to) === 0) ready.push(to);
    }
  }

  const boxes = new Map<Layer, Box>();
  for (const layer of layers) {
    const calls = layer.inboundNodes.filter((n) => model.nodes.has(n));
    const lines = [showLayerNames ? `${layer.name} (${layer.className})` : layer.className];
    if (showShapes && calls.length > 0) {
      if (calls[0].inputs.length > 0)
        lines.push(`input: ${calls.map((n) => shapesText(n.inputs.map((t) => t.shape))).join(' | ')}`);
      lines.push(`output: ${calls.map((n) => shapesText(n.outputs.map((t) => t.shape))).join(' | ')}`);
    }
    if (showDtype && calls.length > 0) lines.push(`dtype: ${calls[0].outputs[0].dtype}`);
    // The first line is bold, so wider per character.
    const width =
      Math.ceil(Math.max(lines[0].length * BOLD_CHAR, ...lines.slice(1).map((l) => l.length * CHAR))) + 2 * PAD;
    boxes.set(layer, {
      layer,
      lines,
      width,
      height: lines.length * LINE + PAD,
      rank: rank.get(layer)!,
      x: 0,
      y: 0,
      bandStart: 0,
      bandEnd: 0,
    });
  }

  // An edge that skips ranks passes through a point in each rank between, so that it can be
  // routed around the boxes there instead of through them (Sugiyama's dummy vertices).
  const paths: Box[][] = edges.map(([from, to]) => {
    const chain = [boxes.get(from)!];
    for (let r = rank.get(from)! + 1; r < rank.get(to)!; r++) {
      chain.push({
        layer: null,
        lines: [],
        width: POINT,
        height: POINT,
        rank: r,
        x: 0,
        y: 0,
        bandStart: 0,
        bandEnd: 0,
      });
    }
    chain.push(boxes.get(to)!);
    return chain;
  });

  // Order within ranks: start from layer order, then sweeps placing each box by the mean
  // position of the boxes it connects to in the rank before (the barycentre heuristic).
  const ranks: Box[][] = Array.from({ length: Math.max(...rank.values()) + 1 }, () => []);
  for (const b of boxes.values()) ranks[b.rank].push(b);
  const parents = new Map<Box, Box[]>();
  for (const chain of paths) {
    for (let i = 1; i < chain.length; i++) {
      if (chain[i].layer === null) ranks[chain[i].rank].push(chain[i]);
      parents.set(chain[i], [...(parents.get(chain[i]) ?? []), chain[i - 1]]);
    }
  }
  const position = new Map<Box, number>();
  ranks.forEach((r) => r.forEach((b, i) => position.set(b, i)));
  for (let sweep = 0; sweep < 4; sweep++) {
    for (const r of ranks.slice(1)) {
      const key = (b: Box): number => {
        const ps = parents.get(b) ?? [];
        return ps.length ? ps.reduce((sum, p) => sum + position.get(p)!, 0) / ps.length : position.get(b)!;
      };
      const keys = new Map(r.map((b) => [b, key(b)]));
      r.sort((a, b) => keys.get(a)! - keys.get(b)! || position.get(a)! - position.get(b)!);
      r.forEach((b, i) => position.set(b, i));
    }
  }

  // Coordinates: ranks along the main axis, each rank centred across it.
  const tb = rankdir === 'TB';
  const across = (b: Box): number => (tb ? b.width : b.height);
  const along = (b: Box): number => (tb ? b.height : b.width);
  const rankSpan = ranks.map((r) => r.reduce((sum, b) => sum + across(b), 0) + GAP_ACROSS * (r.length - 1));
  const widest = Math.max(...rankSpan);
  let cursor = PAD;
  ranks.forEach((r, k) => {
    let offset = PAD + (widest - rankSpan[k]) / 2;
    const depth = Math.max(...r.map(along));
    for (const b of r) {
      const centred = cursor + (depth - along(b)) / 2;
      [b.x, b.y] = tb ? [offset, centred] : [centred, offset];
      [b.bandStart, b.bandEnd] = [cursor, cursor + depth];
      offset += across(b) + GAP_ACROSS;
    }
    cursor += depth + GAP_ALONG;
  });
  const extra = paths.some((c) => c[c.length - 1].rank <= c[0].rank) ? BACK_EDGE_BULGE : 0;
  const width = Math.ceil(tb ? widest + 2 * PAD + extra : cursor - GAP_ALONG + PAD);
  const height = Math.ceil(tb ? cursor - GAP_ALONG + PAD : widest + 2 * PAD + extra);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ` +
      `${height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`,
    `<title>${escapeXml(model.name)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
  ];
  // Each edge leaves its box's far side, runs straight through each rank it crosses, and curves
  // between ranks. Points are (along, across) until written out.
  const pt = (along: number, acrossAt: number): string => (tb ? `${acrossAt} ${along}` : `${along} ${acrossAt}`);
  const mid = (b: Box): number => (tb ? b.x + b.width / 2 : b.y + b.height / 2);
  const start = (b: Box): number => (tb ? b.y : b.x);
  for (const chain of paths) {
    const first = chain[0];
    const last = chain[chain.length - 1];
    if (last.rank <= first.rank) {
      // A back edge (a layer fed by its own output): out of one box's side and into the other's,
      // bulging beside them.
      const side = (b: Box): number => (tb ? b.x + b.width : b.y + b.height);
      const [f, t] = [side(first), side(last)];
      const bulge = Math.max(f, t) + BACK_EDGE_BULGE;
      const fa = start(first) + along(first) / 2;
      const ta = start(last) + along(last) / 2 - (first === last ? along(last) / 4 : 0);
      const d = `M ${pt(fa, f)} C ${pt(fa, bulge)}, ${pt(ta, bulge)}, ${pt(ta, t)}`;
      out.push(`<path class="edge" d="${d}" fill="none" stroke="#444" stroke-width="1.2" marker-end="url(#arrow)"/>`);
      continue;
    }
    let d = `M ${pt(start(first) + along(first), mid(first))}`;
    let at = start(first) + along(first);
    chain.forEach((b, i) => {
      if (i === 0) return;
      const entry = b.layer ? start(b) : b.bandStart;
      const half = (at + entry) / 2;
      d += ` C ${pt(half, mid(chain[i - 1]))}, ${pt(half, mid(b))}, ${pt(entry, mid(b))}`;
      if (!b.layer) {
        d += ` L ${pt(b.bandEnd, mid(b))}`;
        at = b.bandEnd;
      }
    });
    out.push(`<path class="edge" d="${d}" fill="none" stroke="#444" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  for (const b of boxes.values()) {
    out.push(`<g class="layer" id="${escapeXml(b.layer!.name)}">`);
    out.push(
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="4" fill="#f4f6fb" stroke="#333"/>`,
    );
    b.lines.forEach((line, i) => {
      const weight = i === 0 ? ' font-weight="bold"' : '';
      out.push(
        `<text x="${b.x + b.width / 2}" y="${b.y + PAD / 2 + LINE * (i + 0.75)}" text-anchor="middle"${weight}>${escapeXml(line)}</text>`,
      );
    });
    out.push('</g>');
  }
  out.push('</svg>');
  const svg = `${out.join('\n')}\n`;
  if (args.toFile !== undefined) await writeBytes(args.toFile, await imageBytes(args.toFile, svg));
  return svg;
}

import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { KerasTensor, type Node } from '../layers/keras_tensor.js';
import type { InputLayer } from '../layers/input.js';
import { type CallContext, Layer, type ShapeArg, isShapeList, uniqueName } from '../layers/layer.js';
import type { Variable } from '../layers/variable.js';
import { checkNesting } from './nesting.js';
import { type GraphMap, mapGraph } from './graph.js';

/** What `new Model(inputs, outputs)` accepts for either side: one tensor, a list, or a record by name. */
export type SymbolicStructure = KerasTensor | readonly KerasTensor[] | Readonly<Record<string, KerasTensor>>;

/** The kind of structure a model was given on one side; `model.save` writes it back as Keras does. */
export type StructureKind = 'single' | 'list' | 'record';

function structureKind(s: SymbolicStructure): StructureKind {
  return s instanceof KerasTensor ? 'single' : Array.isArray(s) ? 'list' : 'record';
}

/**
 * The tensors of a structure in order. A record's are in sorted key order, as Keras flattens
 * dicts: that order decides the graph walk, so the layer order and the weight layout in files.
 */
export function flattenStructure(s: SymbolicStructure): KerasTensor[] {
  if (s instanceof KerasTensor) return [s];
  if (Array.isArray(s)) return [...(s as readonly KerasTensor[])];
  const record = s as Readonly<Record<string, KerasTensor>>;
  return sortedKeys(record).map((k) => record[k]);
}

function unsortedKeys(s: SymbolicStructure): string[] | null {
  if (s instanceof KerasTensor || Array.isArray(s)) return null;
  const written = Object.keys(s);
  const sorted = sortedKeys(s);
  return written.some((k, i) => k !== sorted[i]) ? written : null;
}

function sortedKeys(record: object): string[] {
  return Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The layers a model holds, for the nesting check; null for a plain layer. */
export function innerLayers(layer: Layer): readonly Layer[] | null {
  return layer instanceof Functional ? layer.layers : null;
}

/**
 * A graph of layers from input tensors to output tensors. It is itself a layer: applying it to new
 * inputs adds one node and reuses every weight (a model used as a layer).
 */
export class Functional extends Layer {
  static override readonly className: string = 'Functional';
  protected override readonly keepsInputDType = true;
  readonly inputs: KerasTensor[];
  readonly outputs: KerasTensor[];
  /** Record keys when inputs/outputs were given by name, else the producing layers' names. */
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** Whether inputs and outputs were given as one tensor, a list, or a record by name. */
  readonly inputKind: StructureKind;
  readonly outputKind: StructureKind;
  /** Record keys as written, for a side given as a record whose keys are not in sorted order. */
  private readonly writtenKeys: { input: string[] | null; output: string[] | null };
  protected graph: GraphMap;

  /**
   * A graph from `inputs` to `outputs`; with neither, a model whose graph comes later (a
   * Sequential's once its input is known) or never (a subclass that computes in its own `call`).
   */
  constructor(
    inputs?: SymbolicStructure,
    outputs?: SymbolicStructure,
    opts: { name?: string; trainable?: boolean } = {},
    namePrefix = 'model',
  ) {
    super({ name: opts.name ?? uniqueName(namePrefix), trainable: opts.trainable });
    if (inputs === undefined || outputs === undefined) {
      if (inputs !== outputs) throw new Error('A model needs both its inputs and its outputs, or neither.');
      // One input and one output until a graph or a first call says otherwise.
      this.inputs = [];
      this.outputs = [];
      this.inputNames = [];
      this.outputNames = [];
      this.inputKind = 'single';
      this.outputKind = 'single';
      this.writtenKeys = { input: null, output: null };
      this.graph = { nodes: [], layers: [], nodesByDepth: new Map() };
      return;
    }
    this.inputs = flattenStructure(inputs);
    this.outputs = flattenStructure(outputs);
    this.inputNames = namesOf(inputs, this.inputs);
    this.outputNames = namesOf(outputs, this.outputs);
    this.inputKind = structureKind(inputs);
    this.outputKind = structureKind(outputs);
    this.writtenKeys = { input: unsortedKeys(inputs), output: unsortedKeys(outputs) };
    if (this.inputs.length === 0) throw new Error('A model needs at least one input.');
    if (this.outputs.length === 0) throw new Error('A model needs at least one output.');
    this.graph = mapGraph(this.inputs, this.outputs);
    checkNesting(this.name, this.graph.layers, innerLayers);
    this.built = true;
  }

  /**
   * For a side given as a record whose keys are not sorted, the keys as written: its tensors are
   * ordered by sorted key (as Keras orders dicts), so positional data there is refused.
   */
  unsortedRecordKeys(side: 'input' | 'output'): string[] | null {
    return this.writtenKeys[side];
  }

  /** Re-reads the graph (Sequential does this as layers are added). */
  protected setGraph(inputs: KerasTensor[], outputs: KerasTensor[]): void {
    (this as { inputs: KerasTensor[] }).inputs = inputs;
    (this as { outputs: KerasTensor[] }).outputs = outputs;
    (this as { inputNames: string[] }).inputNames = inputs.map((t) => t.sourceLayer.name);
    (this as { outputNames: string[] }).outputNames = outputs.map((t) => t.sourceLayer.name);
    this.graph = mapGraph(inputs, outputs);
    this.built = true;
  }

  /**
   * Whether this model computes in its own `call` (a subclass, as Keras's subclassed models) rather
   * than by running a graph of layers.
   */
  get runsOwnCall(): boolean {
    return this.call !== Functional.prototype.call;
  }

  /**
   * Every layer of the model, inputs included, in Keras's order; for a subclassed model, the
   * layers it holds, in the order they were assigned.
   */
  get layers(): Layer[] {
    return this.runsOwnCall ? this.walkTrackedLayers() : this.graph.layers;
  }

  /** The model's own input, as Keras's `model.input`; a model of several inputs has `inputs`. */
  override get input(): KerasTensor {
    if (this.inputs.length !== 1) {
      throw new Error(`Model '${this.name}' has ${this.inputs.length} inputs; use model.inputs for the list.`);
    }
    return this.inputs[0];
  }

  /** The model's own output, as Keras's `model.output`; a model of several outputs has `outputs`. */
  override get output(): KerasTensor {
    if (this.outputs.length !== 1) {
      throw new Error(`Model '${this.name}' has ${this.outputs.length} outputs; use model.outputs for the list.`);
    }
    return this.outputs[0];
  }

  override get trackedLayers(): Layer[] {
    return this.layers;
  }

  /** The nodes of this model, for summary's "Connected to". */
  get nodes(): ReadonlySet<Node> {
    return new Set(this.graph.nodes);
  }

  get nodesByDepth(): ReadonlyMap<number, Node[]> {
    return this.graph.nodesByDepth;
  }

  /** A layer by name, or by its index in `layers` (Keras's `get_layer(name=None, index=None)`). */
  getLayer(nameOrIndex: string | number): Layer {
    if (typeof nameOrIndex === 'number') {
      const byIndex = this.layers[nameOrIndex];
      if (!Number.isInteger(nameOrIndex) || !byIndex) {
        throw new RangeError(
          `Model '${this.name}' has ${this.layers.length} layers; there is no layer at index ${nameOrIndex}.`,
        );
      }
      return byIndex;
    }
    const name = nameOrIndex;
    const layer = this.layers.find((l) => l.name === name);
    if (!layer)
      throw new Error(
        `No layer named '${name}' in model '${this.name}'. Layers: ${this.layers.map((l) => l.name).join(', ')}.`,
      );
    return layer;
  }

  override get weights(): Variable[] {
    if (this.runsOwnCall) return super.weights;
    const seen = new Set<Variable>();
    for (const layer of this.layers) for (const w of layer.weights) seen.add(w);
    return [...seen];
  }

  override get trainableWeights(): Variable[] {
    if (this.runsOwnCall || !this.trainable) return super.trainableWeights;
    const seen = new Set<Variable>();
    for (const layer of this.layers) for (const w of layer.trainableWeights) seen.add(w);
    return [...seen];
  }

  override get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  get inputShapes(): SymbolicShape[] {
    return this.inputs.map((t) => t.shape);
  }

  get inputDTypes(): DType[] {
    return this.inputs.map((t) => t.dtype);
  }

  get outputShapes(): SymbolicShape[] {
    return this.outputs.map((t) => t.shape);
  }

  /** Runs the graph on concrete inputs (in `inputs` order) and returns the outputs in order. */
  runGraph(inputs: readonly Tensor[], ctx: CallContext): Tensor[] {
    const values = new Map<KerasTensor, Tensor>();
    const masks = new Map<KerasTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, inputs[i]));
    if (ctx.masks)
      this.inputs.forEach((t, i) => {
        const m = ctx.masks?.[i];
        if (m) masks.set(t, m);
      });
    for (const node of this.graph.nodes) {
      if (node.isInput || node.outputs.every((o) => values.has(o))) continue;
      const args = node.inputs.map((t) => {
        const v = values.get(t);
        if (!v) throw new Error(`Internal error: no value for ${t.name} when running layer '${node.layer.name}'.`);
        return v;
      });
      // A call given masks uses them in place of the inputs' own, for its outputs' masks too (Keras 3).
      const inMasks = node.masks
        ? node.masks.map((m) => (m ? (values.get(m) ?? null) : null))
        : node.inputs.map((t) => masks.get(t) ?? null);
      const hasMask = inMasks.some((m) => m !== null);
      const call: CallContext = hasMask ? { training: ctx.training, masks: inMasks } : { training: ctx.training };
      // The call's own options, its symbolic tensors (an attention mask) replaced by their values.
      if (node.options) {
        call.options = Object.fromEntries(
          Object.entries(node.options).map(([k, v]) => [k, v instanceof KerasTensor ? values.get(v) : v]),
        );
      }
      const outs = node.layer.invoke(args, call);
      // Every layer is asked: some (Embedding with maskZero) create a mask from unmasked inputs.
      const outMasks = node.layer.computeMask(args, inMasks);
      node.outputs.forEach((o, i) => {
        values.set(o, outs[i]);
        const m = outMasks?.[i];
        if (m) masks.set(o, m);
      });
    }
    return this.outputs.map((o) => values.get(o)!);
  }

  /**
   * Propagates concrete input shapes through every layer's shape rule before anything runs, so a
   * shape problem is reported by the layer where it arises (and no kernel sees a bad shape).
   */
  checkShapes(inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    const shapes = new Map<KerasTensor, SymbolicShape>();
    this.inputs.forEach((t, i) => shapes.set(t, inputShapes[i]));
    for (const node of this.graph.nodes) {
      if (node.isInput) continue;
      const ins = node.inputs.map((t) => shapes.get(t)!);
      const shapeArg = ins.length === 1 ? ins[0] : ins;
      const out = node.layer.computeOutputShape(shapeArg, node.options ?? {});
      const list = isShapeList(out) ? out : [out as SymbolicShape];
      node.outputs.forEach((o, i) => shapes.set(o, list[i]));
    }
    return this.outputs.map((o) => shapes.get(o)!);
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputs.length) {
      throw new Error(`Model '${this.name}' expects ${this.inputs.length} inputs, got ${list.length}.`);
    }
    const outs = this.runGraph(list, ctx);
    return outs.length === 1 ? outs[0] : outs;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    if (this.runsOwnCall) return super.computeOutputShape(inputShape);
    const list = isShapeList(inputShape) ? inputShape : [inputShape as SymbolicShape];
    if (list.length !== this.inputs.length) {
      throw new Error(
        `Model '${this.name}' expects ${this.inputs.length} inputs, got ${list.length}: ${list.map(formatShape).join(', ')}.`,
      );
    }
    list.forEach((s, i) => {
      const expected = this.inputs[i].shape;
      const ok = s.length === expected.length && expected.every((d, k) => d === null || s[k] === null || d === s[k]);
      if (!ok) {
        throw new Error(
          `Model '${this.name}': input ${i} ('${this.inputNames[i]}') expects shape ${formatShape(expected)}, got ${formatShape(s)}.`,
        );
      }
    });
    const outs = this.checkShapes(list);
    return outs.length === 1 ? outs[0] : outs;
  }

  override computeOutputDType(): DType {
    return this.outputs[0]?.dtype ?? 'float32';
  }

  /** Input layers of this model, in input order. */
  get inputLayers(): InputLayer[] {
    return this.inputs.map((t) => t.sourceLayer as InputLayer);
  }
}

function namesOf(structure: SymbolicStructure, flat: KerasTensor[]): string[] {
  if (!(structure instanceof KerasTensor) && !Array.isArray(structure)) return sortedKeys(structure);
  return flat.map((t) => t.sourceLayer.name);
}

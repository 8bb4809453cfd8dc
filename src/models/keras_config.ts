/**
 * A model's Keras 3 `config.json`, both ways: the layers, how each call of each layer was wired
 * (`inbound_nodes`), and the model's inputs and outputs. Layer names are the links, as in Keras,
 * so a file written here loads in Python and one written by Keras loads here.
 */
import { InputLayer } from '../layers/input.js';
import type { KerasTensor, Node } from '../layers/keras_tensor.js';
import type { Layer } from '../layers/layer.js';
import type { CustomObjects } from '../layers/serialization.js';
import {
  type KerasObject,
  dtypePolicy,
  isKerasObject,
  isOperationEntry,
  isTensorEntry,
  layerFromKeras,
  layerToKeras,
  operationFromKeras,
  operationToKeras,
} from '../layers/keras_config.js';
import { Operation } from '../layers/operations.js';
import { type History, buildConfigToKeras, callOptionsToKeras, inputArgsToKeras, readKwargs } from './call_kwargs.js';
import { Functional, type StructureKind } from './functional.js';
import { Model } from './model.js';
import { Sequential } from './sequential.js';

// ---------------------------------------------------------------------------------------------
// Writing

/** The index of each of a layer's nodes among those that belong to `model` (Keras's node reindexing). */
function nodeIndexer(model: Functional): (layer: Layer, originalIndex: number) => number {
  const inModel = model.nodes;
  return (layer, originalIndex) => {
    let k = 0;
    for (let i = 0; i < originalIndex; i++) if (inModel.has(layer.inboundNodes[i])) k++;
    return k;
  };
}

function historyOf(t: KerasTensor, index: (layer: Layer, i: number) => number): History {
  return [t.sourceLayer.name, index(t.sourceLayer, t.nodeIndex), t.tensorIndex];
}

function tensorToKeras(t: KerasTensor, index: (layer: Layer, i: number) => number): KerasObject {
  return {
    class_name: '__keras_tensor__',
    config: { shape: [...t.shape], dtype: t.dtype, keras_history: historyOf(t, index) },
  };
}

function inputLayerToKeras(layer: InputLayer): KerasObject {
  return {
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: {
      batch_shape: [...layer.shape],
      dtype: layer.inputDType,
      sparse: false,
      ragged: false,
      name: layer.name,
      optional: false,
    },
    registered_name: null,
  };
}

/** A layer's entry inside a model: its own config, plus its name and the calls of it in this model. */
function layerEntry(layer: Layer, model: Functional, index: (layer: Layer, i: number) => number): KerasObject {
  const entry = layer instanceof InputLayer ? inputLayerToKeras(layer) : anyLayerToKeras(layer);
  const nodes = layer.inboundNodes.filter((n) => model.nodes.has(n));
  const built = !(layer instanceof InputLayer || layer instanceof Functional || layer instanceof Operation);
  if (built && nodes.length > 0) {
    const shapes = nodes[0].inputs.map((t) => [...t.shape]);
    entry.build_config = buildConfigToKeras(layer, shapes);
  }
  entry.name = layer.name;
  entry.inbound_nodes = layer instanceof InputLayer ? [] : nodes.map((n) => nodeToKeras(n, index));
  return entry;
}

/**
 * One call: its tensors as `args`, and in `kwargs` the layer's own call options and the masks it
 * was given, if any. A call that takes its inputs' own masks writes none, and Keras recomputes
 * those masks when it loads the file.
 */
function nodeToKeras(n: Node, index: (layer: Layer, i: number) => number): { args: unknown[]; kwargs: object } {
  const ts = n.inputs.map((t) => tensorToKeras(t, index));
  const args = n.layer instanceof Operation ? n.layer.callArgs(ts) : inputArgsToKeras(n.layer, ts);
  const kwargs = callOptionsToKeras(n, (t) => tensorToKeras(t, index));
  if (!n.masks) return { args, kwargs };
  const masks = n.masks.map((m) => (m ? tensorToKeras(m, index) : null));
  // `mask: null` would tell Keras to take the input's own mask, so an explicit "none" stays a list.
  return { args, kwargs: { ...kwargs, mask: masks.length === 1 && masks[0] ? masks[0] : masks } };
}

/** A layer's or a nested model's Keras entry (a wrapper may hold either). */
function anyLayerToKeras(layer: Layer): KerasObject {
  if (layer instanceof Operation) return operationToKeras(layer);
  return layer instanceof Functional ? modelToKeras(layer) : layerToKeras(layer, anyLayerToKeras);
}

/** A Functional model other than Sequential, whose model-end node indices Keras offsets by one. */
function isNestedFunctional(layer: Layer): boolean {
  return layer instanceof Functional && !(layer instanceof Sequential);
}

/** The Keras 3 config of a model (Functional or Sequential), as `model.save` writes it into config.json. */
export function modelToKeras(model: Functional): KerasObject {
  if (model instanceof Sequential) return sequentialToKeras(model);
  const index = nodeIndexer(model);
  // In input_layers and output_layers (not in inbound_nodes) Keras counts a nested Functional
  // model's nodes from 1, its own creation node being 0: see endHistory.
  const end = (t: KerasTensor): History => {
    const h = historyOf(t, index);
    return isNestedFunctional(t.sourceLayer) ? [h[0], h[1] + 1, h[2]] : h;
  };
  // The structure the model was given: one tensor, a list, or a record by name (Keras's dict).
  const ends = (
    ts: readonly KerasTensor[],
    kind: StructureKind,
    names: readonly string[],
  ): History | History[] | Record<string, History> =>
    kind === 'single'
      ? end(ts[0])
      : kind === 'list'
        ? ts.map(end)
        : Object.fromEntries(ts.map((t, i) => [names[i], end(t)]));
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: model.name,
      trainable: model.trainable,
      layers: model.layers.map((l) => layerEntry(l, model, index)),
      input_layers: ends(model.inputs, model.inputKind, model.inputNames),
      output_layers: ends(model.outputs, model.outputKind, model.outputNames),
    },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
}

function sequentialToKeras(model: Sequential): KerasObject {
  if (!model.built)
    throw new Error(
      `Sequential '${model.name}' has no input shape yet; build it (give its first layer an inputShape, or fit it) before saving.`,
    );
  const input = model.inputLayer!;
  const shape = input.shape;
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: model.name,
      trainable: model.trainable,
      dtype: dtypePolicy('float32'),
      layers: [inputLayerToKeras(input), ...model.layers.map(anyLayerToKeras)],
      build_input_shape: [...shape],
    },
    registered_name: null,
    build_config: { input_shape: [...shape] },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading

function fail(modelName: string, message: string): never {
  throw new Error(`Cannot load model '${modelName}': ${message}`);
}

function isHistory(v: unknown): v is History {
  return (
    Array.isArray(v) &&
    v.length === 3 &&
    typeof v[0] === 'string' &&
    typeof v[1] === 'number' &&
    typeof v[2] === 'number'
  );
}

/**
 * Every `__keras_tensor__` in a node's args, in call order. Keras nests them in lists for
 * multi-input layers, and in a dict when a model is called by input name: `keyOrder` (the called
 * model's input names) orders such a dict; any other dict is read in sorted key order, as Keras
 * flattens dicts.
 */
function tensorsIn(arg: unknown, keyOrder?: readonly string[], out: History[] = []): History[] {
  if (Array.isArray(arg)) for (const a of arg) tensorsIn(a, keyOrder, out);
  else if (isKerasObject(arg) && arg.class_name === '__keras_tensor__') {
    const h = arg.config.keras_history;
    if (!isHistory(h)) throw new Error(`a tensor has no keras_history: ${JSON.stringify(arg)}`);
    out.push(h);
  } else if (arg && typeof arg === 'object' && !isKerasObject(arg)) {
    const record = arg as Record<string, unknown>;
    const keys = Object.keys(record);
    const ordered =
      keyOrder && keys.every((k) => keyOrder.includes(k)) ? keyOrder.filter((k) => k in record) : [...keys].sort();
    for (const k of ordered) tensorsIn(record[k], undefined, out);
  }
  return out;
}

/** Whether a node's args are one structure of several tensors (a merge layer's list, a model's dict). */
function isListCall(args: unknown[]): boolean {
  return args.length === 1 && typeof args[0] === 'object' && args[0] !== null && !isKerasObject(args[0]);
}

function layerFromEntry(entry: KerasObject): Layer {
  switch (entry.class_name) {
    case 'InputLayer': {
      const c = entry.config;
      const batchShape = (c.batch_shape ?? c.batch_input_shape) as (number | null)[] | undefined;
      if (!batchShape) throw new Error(`InputLayer '${String(c.name)}' has no batch_shape.`);
      const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
      if (dtype !== 'float32' && dtype !== 'int32')
        throw new Error(`InputLayer '${String(c.name)}' has dtype '${dtype}'; Dendrite's inputs are float32 or int32.`);
      if (c.sparse === true || c.ragged === true)
        throw new Error(`InputLayer '${String(c.name)}' is sparse or ragged, which Dendrite does not support.`);
      return new InputLayer({ batchShape, dtype, name: String(c.name) });
    }
    case 'Functional':
    case 'Model':
      return functionalFromKeras(entry.config);
    case 'Sequential':
      return sequentialFromKeras(entry.config);
    default:
      return isOperationEntry(entry)
        ? operationFromKeras(entry)
        : layerFromKeras(entry, layerFromEntry, loadingCustomObjects);
  }
}

/**
 * A call's `mask` kwarg as tensor positions, one per input (null where an input has none); null when
 * the kwarg is null or absent, and the call takes its inputs' own masks. Keras writes one tensor for
 * a layer of one input, a list for several.
 */
function maskHistories(v: unknown): (History | null)[] | null {
  if (v === undefined || v === null) return null;
  return (Array.isArray(v) ? v : [v]).map((m: unknown) => {
    if (m === null) return null;
    const h = isTensorEntry(m) ? tensorsIn(m) : [];
    if (h.length !== 1) throw new Error(`a mask is neither a tensor nor null: ${JSON.stringify(m).slice(0, 200)}`);
    return h[0];
  });
}

function functionalFromKeras(config: Record<string, unknown>): Model {
  const modelName = String(config.name ?? 'model');
  const entries = config.layers;
  if (!Array.isArray(entries)) fail(modelName, 'its config has no layers list');
  const layers = new Map<string, Layer>();
  // Outputs of each call of each layer, in the order the calls are made here (= the file's node order).
  const calls = new Map<string, KerasTensor[][]>();
  const pending: { name: string; nodes: unknown[] }[] = [];
  for (const e of entries as unknown[]) {
    if (!isKerasObject(e)) fail(modelName, `a layer entry is not a Keras object: ${JSON.stringify(e).slice(0, 200)}`);
    const layer = layerFromEntry(e);
    const name = typeof e.name === 'string' ? e.name : layer.name;
    if (layer.name !== name) fail(modelName, `layer entry '${name}' builds a layer named '${layer.name}'`);
    layers.set(name, layer);
    calls.set(name, layer instanceof InputLayer ? [[layer.output]] : []);
    pending.push({ name, nodes: Array.isArray(e.inbound_nodes) ? [...(e.inbound_nodes as unknown[])] : [] });
  }

  const resolve = ([layerName, nodeIndex, tensorIndex]: History): KerasTensor | undefined =>
    calls.get(layerName)?.[nodeIndex]?.[tensorIndex];
  // Keras's order: layers in file order, each layer's calls in order, retried until every input exists.
  let progress = true;
  while (progress && pending.some((p) => p.nodes.length > 0)) {
    progress = false;
    for (const p of pending) {
      while (p.nodes.length > 0) {
        const node = p.nodes[0] as { args?: unknown[]; kwargs?: Record<string, unknown> };
        const args = node.args ?? [];
        const layer = layers.get(p.name)!;
        const histories = tensorsIn(args, layer instanceof Functional ? layer.inputNames : undefined);
        const { mask: maskKwarg, ...kwargs } = node.kwargs ?? {};
        let read: ReturnType<typeof readKwargs>;
        try {
          read = readKwargs(layer, kwargs, args.length, (v) => tensorsIn(v));
        } catch (e) {
          fail(modelName, (e as Error).message);
        }
        const inputs = [...histories, ...read.namedInputs].map(resolve);
        const masks = maskHistories(maskKwarg)?.map((h) => (h ? resolve(h) : null)) ?? null;
        const options = read.options.map((o) => ['tensor' in o ? resolve(o.tensor) : o.value, o] as const);
        const waiting = options.some(([v, o]) => 'tensor' in o && v === undefined);
        if (inputs.some((t) => t === undefined) || masks?.includes(undefined) || waiting) break;
        const ts = inputs as KerasTensor[];
        const given = {
          ...Object.fromEntries(options.map(([v, o]) => [o.key, v])),
          ...(masks ? { mask: masks as (KerasTensor | null)[] } : {}),
        };
        calls.get(p.name)!.push(layer.applyMulti(isListCall(args) ? ts : ts.length === 1 ? ts[0] : ts, given));
        p.nodes.shift();
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.nodes.length > 0);
  if (stuck)
    fail(
      modelName,
      `the inputs of layer '${stuck.name}' never become available: ${JSON.stringify(tensorsIn((stuck.nodes[0] as { args?: unknown[] }).args ?? []))}`,
    );

  const ends = (v: unknown, what: string): KerasTensor | KerasTensor[] | Record<string, KerasTensor> => {
    const one = (h: History): KerasTensor => {
      const layer = layers.get(h[0]);
      const at: History = layer && isNestedFunctional(layer) ? [h[0], h[1] - 1, h[2]] : h;
      return resolve(at) ?? fail(modelName, `its ${what} ${JSON.stringify(h)} names no tensor of the model`);
    };
    if (isHistory(v)) return one(v);
    if (Array.isArray(v))
      return v.map((h) => (isHistory(h) ? one(h) : fail(modelName, `bad ${what} entry ${JSON.stringify(h)}`)));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, h]) => [
          k,
          isHistory(h) ? one(h) : fail(modelName, `bad ${what} entry ${JSON.stringify(h)}`),
        ]),
      );
    return fail(modelName, `its config has no ${what}`);
  };
  return new Model(ends(config.input_layers, 'input_layers'), ends(config.output_layers, 'output_layers'), {
    name: modelName,
    trainable: config.trainable !== false,
  });
}

function sequentialFromKeras(config: Record<string, unknown>): Sequential {
  const modelName = String(config.name ?? 'sequential');
  const entries = config.layers;
  if (!Array.isArray(entries)) fail(modelName, 'its config has no layers list');
  const model = new Sequential([], { name: modelName });
  const list = entries as unknown[];
  let start = 0;
  if (isKerasObject(list[0]) && list[0].class_name === 'InputLayer') {
    model.add(layerFromEntry(list[0]));
    start = 1;
  } else if (Array.isArray(config.build_input_shape)) {
    model.add(
      new InputLayer({ batchShape: config.build_input_shape as (number | null)[], name: `${modelName}_input` }),
    );
  }
  for (const e of list.slice(start)) {
    if (!isKerasObject(e)) fail(modelName, `a layer entry is not a Keras object: ${JSON.stringify(e).slice(0, 200)}`);
    model.add(layerFromEntry(e));
  }
  model.trainable = config.trainable !== false;
  return model;
}

/**
 * The user classes of the load in progress. Loading is synchronous, so one load's classes are
 * set for exactly its duration rather than threaded through every nested model and wrapper.
 */
let loadingCustomObjects: CustomObjects = {};

/** Builds a model (with fresh weights) from a Keras 3 config.json object; `customObjects` names user classes. */
export function modelFromKeras(config: Record<string, unknown>, customObjects: CustomObjects = {}): Model {
  if (!isKerasObject(config)) throw new Error('config.json does not describe a Keras object (no class_name/config).');
  const outer = loadingCustomObjects;
  loadingCustomObjects = customObjects;
  try {
    if (config.class_name === 'Sequential') return sequentialFromKeras(config.config);
    if (config.class_name === 'Functional' || config.class_name === 'Model') return functionalFromKeras(config.config);
  } finally {
    loadingCustomObjects = outer;
  }
  throw new Error(`config.json describes a ${config.class_name}; Dendrite loads Functional and Sequential models.`);
}

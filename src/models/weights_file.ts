/**
 * Where each weight lives in a Keras 3 `model.weights.h5`. Keras walks the model: a layer's own
 * variables go to `<path>/vars/0, 1, ...` (trainable first, then non-trainable), a model's layers
 * to `<path>/layers/<snake_case class name>[_k]` (numbered by class in layer order, not by layer
 * name, so that two builds of one architecture match), a recurrent layer's weights to its `cell`,
 * Bidirectional's to `forward_layer` and `backward_layer`, TimeDistributed's to `layer`. A layer
 * met twice is written once, where it was first met.
 */
import type { Layer } from '../layers/layer.js';
import type { Variable } from '../layers/variable.js';
import { toSnakeCase } from '../layers/options.js';
import { Operation } from '../layers/operations.js';
import { RecurrentLayer } from '../layers/recurrent/base.js';
import { savesSublayers } from '../layers/saved_sublayers.js';
import { Bidirectional, TimeDistributed } from '../layers/wrappers.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { type H5Array, type H5Dataset, type H5Group, type H5Reader, emptyGroup } from '../saving/hdf5.js';
import { Functional } from './functional.js';
import type { Optimizer } from '../training/optimizers.js';

/** One `vars` group: its path, the name Keras records on it, and the variables in it. */
interface VarsSlot {
  path: string[];
  name: string;
  layer: Layer;
  variables: Variable[];
}

function slots(layer: Layer, path: string[], visited: Set<Layer>, out: VarsSlot[]): void {
  if (visited.has(layer)) return;
  visited.add(layer);
  // Sublayers Keras saves under their attribute names, in the order its walk meets them (sorted).
  const named = savesSublayers(layer) ? [...layer.savedSublayers].sort(([a], [b]) => (a < b ? -1 : 1)) : [];
  const theirs = new Set(named.flatMap(([, l]) => l?.weights ?? []));
  const own =
    layer instanceof Functional ||
    layer instanceof RecurrentLayer ||
    layer instanceof Bidirectional ||
    layer instanceof TimeDistributed
      ? []
      : layer.weights.filter((w) => !theirs.has(w));
  out.push({ path: [...path, 'vars'], name: layer.name, layer, variables: own });
  if (layer instanceof Functional) {
    const used = new Map<string, number>();
    for (const child of layer.layers) {
      // Keras saves the layers of a model, not its operation nodes (the ops its masks were made with).
      if (child instanceof Operation) continue;
      const base = toSnakeCase(child.className);
      const k = used.get(base);
      used.set(base, k === undefined ? 0 : k + 1);
      slots(child, [...path, 'layers', k === undefined ? base : `${base}_${k + 1}`], visited, out);
    }
  } else if (layer instanceof RecurrentLayer) {
    out.push({
      path: [...path, 'cell', 'vars'],
      name: `${toSnakeCase(layer.className)}_cell`,
      layer,
      variables: layer.weights,
    });
  } else if (layer instanceof Bidirectional) {
    slots(layer.backwardLayer, [...path, 'backward_layer'], visited, out);
    slots(layer.forwardLayer, [...path, 'forward_layer'], visited, out);
  } else if (layer instanceof TimeDistributed) {
    slots(layer.layer, [...path, 'layer'], visited, out);
  }
  for (const [name, child] of named) {
    if (child) slots(child, [...path, name], visited, out);
    else out.push({ path: [...path, name, 'vars'], name, layer, variables: [] });
  }
}

function weightSlots(model: Functional): VarsSlot[] {
  const out: VarsSlot[] = [];
  slots(model, [], new Set(), out);
  return out;
}

/** The group at `path`, created with any groups above it that are missing. */
function groupAt(root: H5Group, path: readonly string[]): H5Group {
  let g = root;
  for (const key of path) {
    let next = g.groups.get(key);
    if (!next) {
      next = emptyGroup();
      g.groups.set(key, next);
    }
    g = next;
  }
  return g;
}

/**
 * The weights of a model as Keras 3 lays them out in model.weights.h5; with an optimizer, its
 * state too (`optimizer/vars`: iterations, learning rate unless it follows a schedule, slots), as
 * `model.save` writes it.
 */
export function weightsTree(model: Functional, optimizer?: Optimizer): H5Group {
  const root = emptyGroup();
  if (optimizer) {
    const { iterations, learningRate, slots } = optimizer.kerasState(model.trainableWeights);
    const vars = groupAt(root, ['optimizer', 'vars']);
    vars.attrs.name = optimizer.name;
    const stored: H5Array[] = [
      { shape: [], values: Float32Array.of(iterations), exact: Float64Array.of(iterations), int64: true },
    ];
    // A schedule is no variable in Keras: it lives in the compile config, and the file has no rate.
    if (learningRate !== null) stored.push({ shape: [], values: Float32Array.of(learningRate) });
    for (const [v, values] of slots) stored.push({ shape: [...v.shape], values: values.slice() });
    stored.forEach((a, i) => vars.arrays.set(String(i), a));
  }
  for (const slot of weightSlots(model)) {
    const vars = groupAt(root, slot.path);
    vars.attrs.name = slot.name;
    slot.variables.forEach((v, i) =>
      vars.arrays.set(String(i), { shape: [...v.shape], values: (v.value.values as Float32Array).slice() }),
    );
  }
  return root;
}

/**
 * Sets every weight of `model` from a Keras 3 weights file. Reads only the datasets the model's
 * weights need, each after its declared shape and type are checked against the weight it fills,
 * so nothing else in the file is visited and nothing larger than the model is read. Checks
 * everything before assigning anything, so a file that does not fit leaves the model as it was,
 * and says which layer and which shapes disagree.
 */
export function assignWeights(model: Functional, file: H5Reader, what: string): void {
  const found: [Variable, H5Dataset][] = [];
  const problems: string[] = [];
  for (const slot of weightSlots(model)) {
    const where = slot.path.join('/');
    const stored = datasetCount(file, slot.path);
    if (stored !== slot.variables.length) {
      problems.push(
        `layer '${slot.layer.name}' (${slot.layer.className}) has ${slot.variables.length} weights, ${what} has ${stored} at ${where}`,
      );
      continue;
    }
    slot.variables.forEach((v, i) => {
      const dataset = file.dataset([...slot.path, String(i)]);
      if (!dataset) {
        problems.push(`${what} has no ${where}/${i} for ${v.path}`);
        return;
      }
      const same = dataset.shape.length === v.shape.length && dataset.shape.every((d, k) => d === v.shape[k]);
      if (!same) {
        problems.push(
          `${v.path} of layer '${slot.layer.name}' (${slot.layer.className}) has shape ${formatShape(v.shape)}, ${what} has ${formatShape(dataset.shape)} at ${where}/${i}`,
        );
        return;
      }
      if (dataset.unreadable) {
        problems.push(`${what}'s dataset ${where}/${i}, for ${v.path}, ${dataset.unreadable}`);
        return;
      }
      found.push([v, dataset]);
    });
  }
  if (problems.length > 0) {
    throw new Error(
      `The weights in ${what} do not fit model '${model.name}'; nothing was loaded:\n  ${problems.join('\n  ')}`,
    );
  }
  // Every read succeeds before any weight changes: a damaged dataset leaves the model as it was.
  const values = found.map(([v, dataset]): [Variable, Tensor] => [
    v,
    new Tensor(dataset.read().values, v.shape, 'float32'),
  ]);
  for (const [v, t] of values) v.assign(t);
}

/** How many datasets the group at `path` holds (0 when there is no group). */
function datasetCount(file: H5Reader, path: readonly string[]): number {
  return (file.groupKeys(path) ?? []).filter((key) => file.dataset([...path, key]) !== null).length;
}

/**
 * Restores an optimizer's state from `optimizer/vars` of a weights file, if the file has one. No
 * optimizer keeps more than three slots per weight, so a group holding more than that (or more
 * values than three per parameter) does not fit and is not read.
 */
export function assignOptimizerState(model: Functional, optimizer: Optimizer, file: H5Reader, what: string): void {
  const path = ['optimizer', 'vars'];
  const count = datasetCount(file, path);
  if (count === 0) return;
  const datasets = Array.from({ length: count }, (_, i) => file.dataset([...path, String(i)]));
  const vars = model.trainableWeights;
  const values = datasets.reduce((n, d) => n + (d ? d.shape.reduce((a, b) => a * b, 1) : 0), 0);
  const most = 2 + 3 * vars.reduce((n, v) => n + v.value.size, 0);
  let problem: string | null;
  if (datasets.some((d) => d === null)) problem = `optimizer/vars is not numbered 0…${count - 1}`;
  else if (count > 2 + 3 * vars.length || values > most)
    problem =
      `optimizer/vars holds ${count} variables of ${values.toLocaleString('en-US')} values, ` +
      'more than any optimizer keeps for these weights';
  else if (datasets.some((d) => d!.unreadable))
    problem = `a dataset of optimizer/vars ${datasets.find((d) => d!.unreadable)!.unreadable}`;
  else {
    const arrays = datasets.map((d) => d!.read());
    problem = optimizer.setKerasState(
      vars,
      arrays[0].exact?.[0] ?? arrays[0].values[0],
      arrays.slice(1).map((a) => a.values),
    );
  }
  // Keras warns and trains on from a fresh state here (a model frozen after training keeps more
  // slots than its trainable weights need, for one); so does Dendrite.
  if (problem)
    console.warn(
      `dendrite: ${what}: skipping the saved optimizer state of model '${model.name}', which does not fit: ${problem}. Training starts from a fresh optimizer state.`,
    );
}

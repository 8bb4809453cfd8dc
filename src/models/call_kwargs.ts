/**
 * The parts of a saved Keras node beyond its input list: inputs passed as separate arguments or by
 * name (`mha(query, value, key=k)`), and the layer's own call options in `kwargs`
 * (`use_causal_mask: true`, an `attention_mask` tensor). Masks are read where the rest of the node
 * is (keras_config.ts).
 */
import { KerasTensor, type Node } from '../layers/keras_tensor.js';
import type { Layer } from '../layers/layer.js';
import { optionFromKeras, optionToKeras } from '../layers/options.js';

/** `[layer name, node index, tensor index]`: where a tensor comes from. */
export type History = [string, number, number];

/** A call's arguments as Keras writes them: one list of inputs, or each input as its own argument. */
export function inputArgsToKeras(layer: Layer, tensors: readonly unknown[]): unknown[] {
  if (classOf(layer).inputArgs) return [...tensors];
  return tensors.length === 1 ? [...tensors] : [[...tensors]];
}

/**
 * A built layer's `build_config` as Keras writes it: `input_shape` for a layer built from one
 * shape or a list, `shapes_dict` (`query_shape`, `value_shape`, ...) for one whose Keras `build`
 * takes a shape per input argument, which is what Keras's `build_from_config` then calls.
 */
export function buildConfigToKeras(layer: Layer, shapes: readonly unknown[]): Record<string, unknown> {
  const names = classOf(layer).inputArgs;
  if (!names) return { input_shape: shapes.length === 1 ? shapes[0] : shapes };
  return { shapes_dict: Object.fromEntries(shapes.map((s, i) => [`${names[i]}_shape`, s])) };
}

/** The call's own options as Keras kwargs: snake_case names, tensors in Keras's form. */
export function callOptionsToKeras(node: Node, tensor: (t: KerasTensor) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node.options ?? {}))
    out[optionToKeras(k)] = v instanceof KerasTensor ? tensor(v) : v;
  return out;
}

/** A call option read from a file: a plain value, or the tensor it names. */
export type OptionEntry = { key: string; value: unknown } | { key: string; tensor: History };

export interface ReadKwargs {
  /** Inputs Keras passed by name, in the call's argument order, after the positional ones. */
  namedInputs: History[];
  options: OptionEntry[];
}

/**
 * Reads a node's kwargs (without `mask`) for `layer`: inputs given by name, and the options the
 * layer declares in `callOptions`. A recorded `training` gives way to each run's own, as in Keras;
 * a null kwarg is Keras's default; anything else the layer does not take is refused by name.
 */
export function readKwargs(
  layer: Layer,
  kwargs: Readonly<Record<string, unknown>>,
  positionalCount: number,
  tensorsIn: (v: unknown) => History[],
): ReadKwargs {
  const cls = classOf(layer);
  const names = cls.inputArgs ?? [];
  const namedInputs: History[] = [];
  for (const name of names.slice(positionalCount)) {
    const found = name in kwargs ? tensorsIn(kwargs[name]) : [];
    if (found.length !== 1) break;
    namedInputs.push(found[0]);
  }
  const options: OptionEntry[] = [];
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === 'training' || names.includes(k)) continue;
    const key = optionFromKeras(k);
    const tensors = tensorsIn(v);
    if (cls.callOptions.includes(key)) {
      if (tensors.length > 1) throw new Error(`its call passes several tensors for '${k}'`);
      options.push(tensors.length === 1 ? { key, tensor: tensors[0] } : { key, value: v });
    } else if (v !== null) {
      const what = tensors.length > 0 ? 'a tensor' : JSON.stringify(v);
      const known = cls.callOptions.map(optionToKeras).join(', ');
      throw new Error(
        `layer '${layer.name}' (${layer.className}) is called with ${k} = ${what}, which Dendrite does not ` +
          `support${known ? ` (its call options: ${known})` : ''}`,
      );
    }
  }
  return { namedInputs, options };
}

function classOf(layer: Layer): typeof Layer {
  return layer.constructor as typeof Layer;
}

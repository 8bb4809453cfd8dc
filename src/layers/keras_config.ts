/**
 * One layer's entry in a Keras 3 `config.json`, both ways. Dendrite's `getConfig()` uses the
 * camelCase names of its TypeScript options; Keras uses snake_case names, wraps dtypes and
 * initializers in `{ module, class_name, config }` objects, and lists options Dendrite does not
 * have. Loading drops the ones whose value changes nothing (a `null` regularizer, `unroll`, a
 * `channels_last` data format) and refuses any other unknown option by name, through the same
 * checks user code meets.
 */
import type { Layer } from './layer.js';
import { Bidirectional, TimeDistributed } from './wrappers.js';
import { RecurrentLayer } from './recurrent/base.js';
import { type CustomObjects, deserializeLayer, registeredNameOf } from './serialization.js';
import { optionFromKeras, optionToKeras } from './options.js';
import { isActivationId } from './activations.js';
import { isPolicyKey, policyFromKeras, policyToKeras } from './keras_policies.js';
import { Any, type AnyArgs, NotEqual, type Operation } from './operations.js';

/** Keras's serialized form of any object: `{ module, class_name, config, registered_name }`. */
export interface KerasObject {
  module?: string | null;
  class_name: string;
  config: Record<string, unknown>;
  registered_name?: string | null;
  [key: string]: unknown;
}

export function isKerasObject(v: unknown): v is KerasObject {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as KerasObject).class_name === 'string' &&
    typeof (v as KerasObject).config === 'object'
  );
}

/**
 * Keras options that change nothing at the value Keras writes by default, so loading can drop them.
 * Any other value of these is refused: Dendrite cannot honour it.
 */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  sparse: (v) => v === false,
  ragged: (v) => v === false,
  optional: (v) => v === false,
  stateful: (v) => v === false,
  synchronized: (v) => v === false,
  renorm: (v) => v === false,
  renorm_clipping: (v) => v === null,
  rms_scaling: (v) => v === false,
  quantization_config: (v) => v === null,
  lora_rank: (v) => v === null || v === 0,
  lora_alpha: (v) => v === null || typeof v === 'number',
  data_format: (v) => v === 'channels_last' || v === null,
  seed: (v) => v === null,
  // Performance hints in Keras; Dendrite's kernels decide for themselves.
  unroll: () => true,
  implementation: () => true,
  renorm_momentum: () => true,
  // Keras 2's Embedding argument, unused by Keras 3.
  input_length: () => true,
};

/** Whether a Keras option can be dropped: see NEUTRAL, plus initializers and empty regularizers and constraints. */
function droppable(key: string, value: unknown): boolean {
  // Weights come from the file, so how they were first drawn does not matter when loading.
  if (key.endsWith('_initializer')) return true;
  if (key.endsWith('_regularizer') || key.endsWith('_constraint')) return value === null;
  const neutral = NEUTRAL[key];
  return neutral ? neutral(value) : false;
}

/** Keras's dtype field: a string, or a `DTypePolicy` object naming one. */
function dtypeName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isKerasObject(v) && typeof v.config.name === 'string') return v.config.name;
  return undefined;
}

/** Turns a Keras layer config into Dendrite's camelCase options, dropping what changes nothing. */
export function optionsFromKeras(
  className: string,
  layerName: string,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (droppable(key, value)) continue;
    if (key === 'dtype') {
      const name = dtypeName(value);
      if (name === undefined || name === 'float32') continue;
      if (name !== 'int32' && name !== 'bool')
        throw new Error(`Layer '${layerName}' (${className}) has dtype '${name}'; Dendrite computes in float32.`);
      options.dtype = name;
      continue;
    }
    if (isPolicyKey(key) && isKerasObject(value)) {
      options[optionFromKeras(key)] = policyFromKeras(value, key);
      continue;
    }
    if (isPolicyKey(key) || key in NEUTRAL) {
      throw new Error(
        `Layer '${layerName}' (${className}) sets ${key} = ${JSON.stringify(value)}, which Dendrite does not support.`,
      );
    }
    options[optionFromKeras(key)] = value;
  }
  return options;
}

/**
 * Keys Keras writes for its own bookkeeping, at any depth: `shared_object_id` marks objects that
 * were one Python object when saved (Keras gives each direction of a Bidirectional its own
 * initializers, so their ids differ), and says nothing about what a layer computes.
 */
const BOOKKEEPING = new Set(['shared_object_id']);

/**
 * Where two Keras configs first differ, as `[path, a, b]`, or null when they agree. Key order does
 * not matter; bookkeeping keys are skipped at every depth, `ignored` keys at the top level.
 */
function configDifference(
  a: unknown,
  b: unknown,
  ignored: ReadonlySet<string> = new Set(),
  path = '',
): [string, unknown, unknown] | null {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (!isRecord(a) || !isRecord(b) || Array.isArray(a) !== Array.isArray(b)) return a === b ? null : [path, a, b];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of [...keys].sort()) {
    if (BOOKKEEPING.has(key) || ignored.has(key)) continue;
    const found = configDifference(a[key], b[key], undefined, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

/**
 * Why a Bidirectional's stored backward layer is not its forward layer reversed in time, or null
 * when it is. Keras's constructor derives the backward copy that way unless it is given one, and
 * Dendrite always derives it, so the two configs must agree apart from the name and the direction.
 */
function backwardMismatch(forward: KerasObject, backward: KerasObject): string | null {
  if (backward.class_name !== forward.class_name)
    return `it is a ${backward.class_name}, the forward layer a ${forward.class_name}`;
  if (backward.config.go_backwards === forward.config.go_backwards)
    return `go_backwards is ${JSON.stringify(forward.config.go_backwards ?? false)} in both directions`;
  const found = configDifference(forward.config, backward.config, new Set(['name', 'go_backwards']));
  if (!found) return null;
  const [path, f, b] = found;
  return `${path} is ${JSON.stringify(f) ?? 'absent'} forwards, ${JSON.stringify(b) ?? 'absent'} backwards`;
}

/** Builds the layer a wrapper holds; models pass their own, which also knows models. */
export type WrappedFromKeras = (entry: KerasObject) => Layer;
export type WrappedToKeras = (layer: Layer) => KerasObject;

/** Rebuilds a layer (other than InputLayer and models) from its Keras config. */
export function layerFromKeras(
  entry: KerasObject,
  wrapped: WrappedFromKeras = (e) => layerFromKeras(e),
  customObjects: CustomObjects = {},
): Layer {
  const layerName = String(entry.config.name ?? entry.class_name);
  const describe = (e: unknown): Error =>
    new Error(`Cannot load layer '${layerName}' (${entry.class_name}): ${(e as Error).message}`);
  if (entry.class_name === 'Bidirectional' || entry.class_name === 'TimeDistributed') {
    const { layer: inner, backward_layer: backward, merge_mode: mergeMode, ...rest } = entry.config;
    if (!isKerasObject(inner)) throw describe(new Error('its config has no wrapped layer'));
    const options = optionsFromKeras(entry.class_name, layerName, rest);
    try {
      if (entry.class_name === 'TimeDistributed') return new TimeDistributed(wrapped(inner), options);
      // Keras stores the forward copy (named forward_<name>) and the backward one; Dendrite, like
      // Keras's constructor, derives both from the wrapped layer, so the backward copy must be the
      // forward one reversed in time.
      const base = String(inner.config.name ?? '').replace(/^forward_/, '');
      const recurrent = wrapped({ ...inner, config: { ...inner.config, name: base } });
      if (!(recurrent instanceof RecurrentLayer))
        throw new Error(`it wraps ${recurrent.className}, not a recurrent layer`);
      const mismatch = isKerasObject(backward) ? backwardMismatch(inner, backward) : null;
      if (mismatch) {
        throw new Error(
          `its backward layer is not the forward layer reversed in time: ${mismatch}. Dendrite derives the ` +
            `backward layer from the forward one`,
        );
      }
      return new Bidirectional(recurrent, { ...options, mergeMode: mergeMode as 'concat' });
    } catch (e) {
      throw describe(e);
    }
  }
  try {
    // A recurrent layer's zero_output_for_mask is a property Bidirectional sets, not an option.
    const { zero_output_for_mask: zeroOutputForMask, ...config } = entry.config;
    const registered = typeof entry.registered_name === 'string' ? entry.registered_name : null;
    const options = optionsFromKeras(entry.class_name, layerName, config);
    const layer = deserializeLayer(entry.class_name, options, customObjects, registered);
    if (zeroOutputForMask === true) {
      if (!(layer instanceof RecurrentLayer)) throw new Error('zero_output_for_mask is only for recurrent layers');
      layer.zeroOutputForMask = true;
    }
    return layer;
  } catch (e) {
    throw describe(e);
  }
}

/** Keras's `DTypePolicy` object for a dtype name. */
export function dtypePolicy(name: string): KerasObject {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null };
}

/** The Keras 3 `{ module, class_name, config }` entry of a layer (other than InputLayer and models). */
export function layerToKeras(layer: Layer, wrapped: WrappedToKeras = (l) => layerToKeras(l)): KerasObject {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer.getConfig())) {
    if (value === undefined) continue;
    if (key === 'layer') continue; // a wrapper's inner layer, written below as Keras nests it
    if (isPolicyKey(key)) config[optionToKeras(key)] = policyToKeras(value, key, `Layer '${layer.name}'`);
    else config[optionToKeras(key)] = key === 'dtype' ? dtypePolicy(String(value ?? 'float32')) : value;
  }
  for (const key of ['activation', 'recurrent_activation']) {
    const name = config[key];
    if (name !== undefined && (typeof name !== 'string' || !isActivationId(name))) {
      throw new Error(
        `Layer '${layer.name}' uses a custom activation function (${String(name)}), which a .keras file cannot ` +
          `hold; use a named activation.`,
      );
    }
  }
  if (layer instanceof Bidirectional) {
    config.layer = wrapped(layer.forwardLayer);
    config.backward_layer = wrapped(layer.backwardLayer);
  } else if (layer instanceof TimeDistributed) config.layer = wrapped(layer.layer);
  const registered = registeredNameOf(layer);
  return {
    module: registered === null ? 'keras.layers' : null,
    class_name: layer.className,
    config,
    registered_name: registered,
  };
}

/** Whether a config entry is a Keras operation (`keras.src.ops.*`) rather than a layer. */
export function isOperationEntry(entry: KerasObject): boolean {
  return typeof entry.module === 'string' && entry.module.startsWith('keras.src.ops');
}

/** Whether a value in a node's arguments is Keras's serialized symbolic tensor. */
export function isTensorEntry(v: unknown): boolean {
  return isKerasObject(v) && v.class_name === '__keras_tensor__';
}

/**
 * The plain values an operation's calls pass beside their tensors (the `0` of `not_equal(x, 0)`),
 * which Keras writes into its nodes, not its config; every call must pass the same.
 */
function operationConstants(entry: KerasObject, name: string): unknown[] {
  const nodes = Array.isArray(entry.inbound_nodes) ? (entry.inbound_nodes as { args?: unknown[] }[]) : [];
  const each = nodes.map((n) => (n.args ?? []).filter((a) => !isTensorEntry(a)));
  if (each.some((c) => JSON.stringify(c) !== JSON.stringify(each[0])))
    throw new Error(`Operation '${name}' is called with different constants: ${JSON.stringify(each)}.`);
  return each[0] ?? [];
}

/** Rebuilds an operation node's op from its entry, inbound nodes included. */
export function operationFromKeras(entry: KerasObject): Operation {
  const name = String(entry.config.name ?? entry.class_name);
  const describe = (why: string): Error =>
    new Error(`Cannot load operation '${name}' (${entry.class_name}, ${String(entry.module)}): ${why}`);
  try {
    switch (entry.class_name) {
      case 'NotEqual': {
        const constants = operationConstants(entry, name);
        if (constants.length !== 1 || typeof constants[0] !== 'number') {
          throw new Error(
            `Dendrite loads not_equal when it compares a tensor with a number, the mask Keras's layers make; its ` +
              `call passes ${JSON.stringify(constants)} beside its tensors`,
          );
        }
        // The config goes through the constructor's checks, so an option Dendrite lacks is refused.
        return new NotEqual(constants[0], { ...entry.config, name });
      }
      case 'Any':
        return new Any({ ...entry.config, name } as AnyArgs);
      default:
        throw new Error(
          'Dendrite does not run this Keras operation; it runs NotEqual and Any, the operations Keras 3 saves for masks',
        );
    }
  } catch (e) {
    throw describe((e as Error).message);
  }
}

/** The Keras 3 entry of an operation, as Keras writes one: registered under its class name. */
export function operationToKeras(op: Operation): KerasObject {
  const config = Object.fromEntries(Object.entries(op.getConfig()).map(([k, v]) => [optionToKeras(k), v]));
  return { module: op.kerasModule, class_name: op.className, config, registered_name: op.className };
}

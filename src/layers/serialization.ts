/**
 * Which class a saved layer names, as Keras's serialization registry: every layer exported from
 * the `layers` namespace by its Keras name, and user classes registered with
 * `registerSerializable` (written to files as `package>Name`, Keras's `registered_name`) or passed
 * per call as `customObjects`.
 */
import { Layer } from './layer.js';
import * as builtins from './index.js';
import { kerasClassName } from './naming.js';
import { describeValue } from './options.js';

/** A layer class that can be rebuilt from its config. */
export type LayerClass = (new (...args: never[]) => Layer) & Pick<typeof Layer, 'fromConfig' | 'className'>;

/** User classes by name, as `loadModel(source, { customObjects })` takes them. */
export type CustomObjects = Readonly<Record<string, LayerClass>>;

const registered = new Map<string, LayerClass>();
const registeredNames = new WeakMap<LayerClass, string>();
let builtinClasses: Map<string, LayerClass> | undefined;

function isLayerClass(value: unknown): value is LayerClass {
  return typeof value === 'function' && value.prototype instanceof Layer;
}

/**
 * The built-in classes by Keras name, read from the namespace the first time one is needed, so
 * that exporting a layer is all it takes to make it loadable.
 */
function builtinsByName(): Map<string, LayerClass> {
  if (!builtinClasses) {
    const exported: unknown[] = Object.values(builtins);
    const classes = exported
      .filter(isLayerClass)
      .filter((cls) => (cls as unknown) !== Layer && Object.hasOwn(cls, 'className'));
    builtinClasses = new Map(classes.map((cls) => [cls.className, cls]));
  }
  return builtinClasses;
}

/**
 * Makes a user's layer class loadable from files by name, as Keras's
 * `register_keras_serializable(package, name)`: saved files write `registered_name: 'package>Name'`.
 */
export function registerSerializable(cls: LayerClass, opts: { package?: string; name?: string } = {}): void {
  if (!isLayerClass(cls)) {
    throw new TypeError(`registerSerializable expects a Layer subclass, got ${describeValue(cls)}.`);
  }
  for (const key of Object.keys(opts)) {
    if (key !== 'package' && key !== 'name') {
      throw new TypeError(`registerSerializable got an unexpected option '${key}'. Valid options: package, name.`);
    }
  }
  const name = `${opts.package ?? 'Custom'}>${opts.name ?? kerasClassName(cls)}`;
  const existing = registered.get(name);
  if (existing && existing !== cls)
    throw new Error(`registerSerializable: '${name}' is already registered to another class.`);
  registered.set(name, cls);
  registeredNames.set(cls, name);
}

/**
 * The name a layer's class is saved under, Keras's `registered_name`: null for a built-in,
 * `package>Name` for a registered class, and the class name for any other (which then loads only
 * with `customObjects`).
 */
export function registeredNameOf(layer: Layer): string | null {
  const cls = layer.constructor as LayerClass;
  if (builtinsByName().get(layer.className) === cls) return null;
  return registeredNames.get(cls) ?? layer.className;
}

/**
 * The class to rebuild a saved layer with: the call's `customObjects` first (by class or
 * registered name), then registered classes, then built-ins.
 */
export function layerClassFor(
  className: string,
  registeredName: string | null = null,
  customObjects: CustomObjects = {},
): LayerClass {
  const found =
    (registeredName !== null ? customObjects[registeredName] : undefined) ??
    customObjects[className] ??
    (registeredName !== null ? registered.get(registeredName) : undefined) ??
    builtinsByName().get(className);
  if (found) return found;
  const which =
    registeredName && registeredName !== className
      ? `'${className}' (registered as '${registeredName}')`
      : `'${className}'`;
  throw new Error(
    `Unknown layer class ${which}. Register a custom class with registerSerializable(${className}, { package, name }) ` +
      `or pass it in customObjects. Built-in classes: ${[...builtinsByName().keys()].sort().join(', ')}.`,
  );
}

/** Rebuilds a layer from its class name and `getConfig()` (Keras's `layer.from_config`). Weights are not part of a config. */
export function deserializeLayer(
  className: string,
  config: Readonly<Record<string, unknown>>,
  customObjects: CustomObjects = {},
  registeredName: string | null = null,
): Layer {
  return layerClassFor(className, registeredName, customObjects).fromConfig(config);
}

/** Keras's `{ className, config }` form of a layer. */
export function serializeLayer(layer: Layer): { className: string; config: Record<string, unknown> } {
  return { className: layer.className, config: layer.getConfig() };
}

/**
 * A whole model as a Keras config, in memory: `model.getConfig()`, `Model.fromConfig`,
 * `model.toJSON()`, `modelFromJSON` and `cloneModel`, as Keras's get_config, from_config, to_json,
 * model_from_json and clone_model. The config is exactly what a `.keras` file's config.json holds.
 */
import type { Layer } from '../layers/layer.js';
import type { CustomObjects, LayerClass } from '../layers/serialization.js';
import { describeValue } from '../layers/options.js';
import { parseJsonObject } from '../saving/archive.js';
import type { Functional } from './functional.js';
import { modelFromKeras, modelToKeras } from './keras_config.js';
import type { Model } from './model.js';
import { installModelConfigCodec } from './config_codec.js';

// The Model class reaches these through an installed codec: keras_config.ts imports the model
// classes, so they cannot import it back.
installModelConfigCodec({
  toConfig: (model) => modelToKeras(model).config,
  fromConfig: (className, config, customObjects) =>
    modelFromKeras({ module: 'keras', class_name: className, config, registered_name: null }, customObjects),
});

/** The model as Keras's `to_json`: its architecture (no weights) as JSON text. */
export function modelToJSON(model: Functional): string {
  return JSON.stringify(modelToKeras(model));
}

/** Rebuilds a model from `toJSON()` text (or Keras's `to_json`), with fresh weights. */
export function modelFromJSON(json: string, args: { customObjects?: CustomObjects } = {}): Model {
  if (typeof json !== 'string') throw new TypeError(`modelFromJSON expects JSON text, got ${describeValue(json)}.`);
  const parsed = parseJsonObject(json, 'modelFromJSON', 'the JSON');
  return modelFromKeras(parsed, args.customObjects ?? {});
}

/**
 * A new model with the same architecture and freshly initialized weights, as Keras's
 * `clone_model`. Layer classes of the model itself are used, so custom layers need no registration.
 */
export function cloneModel(model: Functional): Model {
  const own: Record<string, LayerClass> = {};
  const seen = new Set<Layer>();
  const collect = (layers: readonly Layer[]): void => {
    for (const l of layers) {
      if (seen.has(l)) continue;
      seen.add(l);
      own[l.className] = l.constructor as LayerClass;
      collect(l.trackedLayers);
    }
  };
  collect(model.layers);
  return modelFromKeras(modelToKeras(model), own);
}

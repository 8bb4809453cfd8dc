/**
 * How models read and write Keras configs. model_config.ts installs it: it depends on the model
 * classes (through keras_config.ts), so the classes cannot import it directly.
 */
import type { CustomObjects } from '../layers/serialization.js';
import type { Functional } from './functional.js';
import type { Model } from './model.js';

export interface ModelConfigCodec {
  toConfig(model: Functional): Record<string, unknown>;
  fromConfig(className: string, config: Record<string, unknown>, customObjects?: CustomObjects): Model;
}
let configCodec: ModelConfigCodec | undefined;
export function installModelConfigCodec(codec: ModelConfigCodec): void {
  configCodec = codec;
}
export function requireCodec(): ModelConfigCodec {
  if (!configCodec) throw new Error('Model configs need the dendrite package entry point (it installs the reader).');
  return configCodec;
}

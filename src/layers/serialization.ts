import type { Layer } from './layer.js';
import * as core from './core.js';
import * as reshaping from './reshaping.js';
import * as conv from './conv.js';
import * as separable from './separable_conv.js';
import * as transpose from './conv_transpose.js';
import * as pooling from './pooling.js';
import * as spatial from './spatial_reshaping.js';
import * as merge from './merge.js';
import * as dot from './dot.js';
import * as normalization from './normalization.js';
import { Embedding } from './embedding.js';
import { Masking } from './masking.js';
import { LSTM } from './recurrent/lstm.js';
import { GRU } from './recurrent/gru.js';
import { SimpleRNN } from './recurrent/simple_rnn.js';

/** A layer constructor: its required arguments in Keras's order, then one options object. */
type LayerClass = new (...args: never[]) => Layer;

/**
 * How to rebuild each layer from `getConfig()`: its class and the config keys that are its
 * positional arguments. Every other key goes into the options object, so a config round-trips
 * through the same validation as user code (unknown keys are still TypeErrors).
 */
const registry: Record<string, { ctor: LayerClass; positional: readonly string[] }> = {};
function register(className: string, ctor: LayerClass, positional: readonly string[] = []): void {
  registry[className] = { ctor, positional };
}

register('Dense', core.Dense, ['units']);
register('Activation', core.Activation, ['activation']);
register('Dropout', core.Dropout, ['rate']);
register('Flatten', reshaping.Flatten);
register('Reshape', reshaping.Reshape, ['targetShape']);
register('Permute', reshaping.Permute, ['dims']);
register('RepeatVector', reshaping.RepeatVector, ['n']);
register('Conv1D', conv.Conv1D, ['filters', 'kernelSize']);
register('Conv2D', conv.Conv2D, ['filters', 'kernelSize']);
register('SeparableConv1D', separable.SeparableConv1D, ['filters', 'kernelSize']);
register('SeparableConv2D', separable.SeparableConv2D, ['filters', 'kernelSize']);
register('DepthwiseConv1D', separable.DepthwiseConv1D, ['kernelSize']);
register('DepthwiseConv2D', separable.DepthwiseConv2D, ['kernelSize']);
register('Conv1DTranspose', transpose.Conv1DTranspose, ['filters', 'kernelSize']);
register('Conv2DTranspose', transpose.Conv2DTranspose, ['filters', 'kernelSize']);
register('MaxPooling1D', pooling.MaxPooling1D, ['poolSize']);
register('MaxPooling2D', pooling.MaxPooling2D, ['poolSize']);
register('AveragePooling1D', pooling.AveragePooling1D, ['poolSize']);
register('AveragePooling2D', pooling.AveragePooling2D, ['poolSize']);
register('GlobalMaxPooling1D', pooling.GlobalMaxPooling1D);
register('GlobalMaxPooling2D', pooling.GlobalMaxPooling2D);
register('GlobalAveragePooling1D', pooling.GlobalAveragePooling1D);
register('GlobalAveragePooling2D', pooling.GlobalAveragePooling2D);
register('ZeroPadding1D', spatial.ZeroPadding1D, ['padding']);
register('ZeroPadding2D', spatial.ZeroPadding2D, ['padding']);
register('Cropping1D', spatial.Cropping1D, ['cropping']);
register('Cropping2D', spatial.Cropping2D, ['cropping']);
register('UpSampling1D', spatial.UpSampling1D, ['size']);
register('UpSampling2D', spatial.UpSampling2D, ['size']);
register('Add', merge.Add);
register('Subtract', merge.Subtract);
register('Multiply', merge.Multiply);
register('Average', merge.Average);
register('Maximum', merge.Maximum);
register('Minimum', merge.Minimum);
register('Concatenate', merge.Concatenate);
register('Dot', dot.Dot, ['axes']);
register('BatchNormalization', normalization.BatchNormalization);
register('LayerNormalization', normalization.LayerNormalization);
register('Embedding', Embedding, ['inputDim', 'outputDim']);
register('Masking', Masking);
register('LSTM', LSTM, ['units']);
register('GRU', GRU, ['units']);
register('SimpleRNN', SimpleRNN, ['units']);

/** Rebuilds a layer from its class name and `getConfig()` (Keras's `layer.from_config`). Weights are not part of a config. */
export function deserializeLayer(className: string, config: Readonly<Record<string, unknown>>): Layer {
  const entry = registry[className];
  if (!entry) throw new Error(`Unknown layer class '${className}'. Known: ${Object.keys(registry).sort().join(', ')}.`);
  const options: Record<string, unknown> = { ...config };
  const positional = entry.positional.map((k) => {
    if (!(k in options)) throw new Error(`${className} config lacks '${k}'.`);
    const v = options[k];
    delete options[k];
    return v;
  });
  return new entry.ctor(...(positional as never[]), options as never);
}

/** Keras's `{ className, config }` form of a layer. */
export function serializeLayer(layer: Layer): { className: string; config: Record<string, unknown> } {
  return { className: layer.className, config: layer.getConfig() };
}

import { Input } from '../layers/input.js';
import type { KerasTensor } from '../layers/keras_tensor.js';
import { Activation, Dense } from '../layers/core.js';
import { Conv2D } from '../layers/conv.js';
import { SeparableConv2D } from '../layers/separable_conv.js';
import { BatchNormalization } from '../layers/normalization.js';
import { GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../layers/pooling.js';
import { add } from '../layers/merge.js';
import { checkOptions } from '../layers/options.js';
import type { ActivationId } from '../layers/activations.js';
import { Model } from '../models/model.js';

export interface XceptionArgs {
  /** `null` for random initialisation. Pretrained ImageNet weights cannot be downloaded here (see below). */
  weights: null | 'imagenet' | string;
  includeTop?: boolean;
  inputTensor?: KerasTensor;
  /** One image's shape; with includeTop false, height and width may be null (at least 71 when known). */
  inputShape?: readonly (number | null)[];
  pooling?: 'avg' | 'max' | null;
  classes?: number;
  classifierActivation?: ActivationId | null;
  name?: string;
}

/**
 * Keras 3's Xception (Chollet, 2017), layer for layer: the same layer names, order and
 * parameter count (22,910,480 with the top; 20,861,480 without).
 */
export function Xception(args: XceptionArgs): Model<KerasTensor> {
  checkOptions('Xception', args, [
    'weights',
    'includeTop',
    'inputTensor',
    'inputShape',
    'pooling',
    'classes',
    'classifierActivation',
    'name',
  ]);
  const { weights, includeTop = true, pooling = null, classes = 1000, classifierActivation = 'softmax' } = args;
  if (weights === 'imagenet') {
    throw new Error(
      "Xception: weights 'imagenet' cannot be downloaded here (no access to the Keras weight store). " +
        'Build with weights: null, or pass the path of a local Keras weights file once Dendrite can read ' +
        '.weights.h5 files (not supported yet).',
    );
  }
  if (weights !== null) {
    throw new Error(
      `Xception: loading weights from '${weights}' needs Keras .weights.h5 support, which Dendrite does not have yet. Use weights: null.`,
    );
  }
  const inputShape = args.inputShape ?? (includeTop ? [299, 299, 3] : [null, null, 3]);
  for (const d of inputShape.slice(0, 2)) {
    if (d !== null && d < 71)
      throw new Error(`Xception: input height and width must be at least 71, got ${JSON.stringify(inputShape)}.`);
  }
  const input = args.inputTensor ?? Input({ shape: inputShape });

  const convBn = (x: KerasTensor, filters: number, kernel: number, name: string, strides = 1): KerasTensor => {
    const y = new Conv2D(filters, kernel, { strides, useBias: false, name }).apply(x);
    return new BatchNormalization({ name: `${name}_bn` }).apply(y);
  };
  const sepBn = (x: KerasTensor, filters: number, name: string): KerasTensor => {
    const y = new SeparableConv2D(filters, 3, { padding: 'same', useBias: false, name }).apply(x);
    return new BatchNormalization({ name: `${name}_bn` }).apply(y);
  };
  const relu = (x: KerasTensor, name: string): KerasTensor => new Activation('relu', { name }).apply(x);
  /** The strided 1×1 projection that matches a downsampling block's shortcut to its output. */
  const projection = (x: KerasTensor, filters: number): KerasTensor =>
    new BatchNormalization().apply(new Conv2D(filters, 1, { strides: 2, padding: 'same', useBias: false }).apply(x));
  const pool = (x: KerasTensor, name: string): KerasTensor =>
    new MaxPooling2D(3, { strides: 2, padding: 'same', name }).apply(x);

  // Entry flow.
  let x = relu(convBn(input, 32, 3, 'block1_conv1', 2), 'block1_conv1_act');
  x = relu(convBn(x, 64, 3, 'block1_conv2'), 'block1_conv2_act');

  let residual = projection(x, 128);
  x = sepBn(x, 128, 'block2_sepconv1');
  x = relu(x, 'block2_sepconv2_act');
  x = sepBn(x, 128, 'block2_sepconv2');
  x = add([pool(x, 'block2_pool'), residual]);

  for (const [block, filters] of [
    [3, 256],
    [4, 728],
  ] as const) {
    residual = projection(x, filters);
    x = relu(x, `block${block}_sepconv1_act`);
    x = sepBn(x, filters, `block${block}_sepconv1`);
    x = relu(x, `block${block}_sepconv2_act`);
    x = sepBn(x, filters, `block${block}_sepconv2`);
    x = add([pool(x, `block${block}_pool`), residual]);
  }

  // Middle flow: eight identical residual blocks.
  for (let block = 5; block <= 12; block++) {
    residual = x;
    for (let k = 1; k <= 3; k++) {
      x = relu(x, `block${block}_sepconv${k}_act`);
      x = sepBn(x, 728, `block${block}_sepconv${k}`);
    }
    x = add([x, residual]);
  }

  // Exit flow.
  residual = projection(x, 1024);
  x = relu(x, 'block13_sepconv1_act');
  x = sepBn(x, 728, 'block13_sepconv1');
  x = relu(x, 'block13_sepconv2_act');
  x = sepBn(x, 1024, 'block13_sepconv2');
  x = add([pool(x, 'block13_pool'), residual]);

  x = relu(sepBn(x, 1536, 'block14_sepconv1'), 'block14_sepconv1_act');
  x = relu(sepBn(x, 2048, 'block14_sepconv2'), 'block14_sepconv2_act');

  if (includeTop) {
    x = new GlobalAveragePooling2D({ name: 'avg_pool' }).apply(x);
    x = new Dense(classes, { activation: classifierActivation ?? 'linear', name: 'predictions' }).apply(x);
  } else if (pooling === 'avg') {
    x = new GlobalAveragePooling2D().apply(x);
  } else if (pooling === 'max') {
    x = new GlobalMaxPooling2D().apply(x);
  }
  return new Model(input, x, { name: args.name ?? 'xception' });
}

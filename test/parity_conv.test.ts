import { test } from 'node:test';
import { Input, Model, layers } from '../src/index.js';
import assert from 'node:assert/strict';
import { fixtureArray, maxRelativeError } from './helpers/fixtures.js';
import { checkParity, fixtureData } from './helpers/parity.js';

// Tolerances from the fixtures' README: 1e-4 relative after convolution stacks.
const CONV = { value: 1e-4, grad: 1e-4, weight: 1e-5 };

test('Inception module matches Keras 3: predictions, loss, gradients and one RMSprop step', async () => {
  const image = Input({ shape: [12, 12, 8], name: 'image' });
  // Layers are created in the fixture's weight order (Keras orders a functional model's weights by graph traversal).
  const c4 = new layers.Conv2D(8, 1, { activation: 'relu', name: 'conv2d_4' }).apply(image);
  const c1 = new layers.Conv2D(8, 1, { activation: 'relu', name: 'conv2d_1' }).apply(image);
  const pool = new layers.AveragePooling2D(3, { strides: 2, padding: 'same', name: 'average_pooling2d' }).apply(image);
  const c5 = new layers.Conv2D(8, 3, { activation: 'relu', padding: 'same', name: 'conv2d_5' }).apply(c4);
  const branchA = new layers.Conv2D(8, 1, { activation: 'relu', strides: 2, name: 'conv2d' }).apply(image);
  const branchB = new layers.Conv2D(8, 3, { activation: 'relu', strides: 2, padding: 'same', name: 'conv2d_2' }).apply(
    c1,
  );
  const branchC = new layers.Conv2D(8, 3, { activation: 'relu', padding: 'same', name: 'conv2d_3' }).apply(pool);
  const branchD = new layers.Conv2D(8, 3, { activation: 'relu', strides: 2, padding: 'same', name: 'conv2d_6' }).apply(
    c5,
  );
  const joined = layers.concatenate([branchA, branchB, branchC, branchD], { axis: -1, name: 'concatenate_1' });
  const pooled = new layers.GlobalAveragePooling2D().apply(joined);
  const out = new layers.Dense(5, { activation: 'softmax', name: 'dense_5' }).apply(pooled);
  await checkParity('inception', new Model(image, out, { name: 'inception' }), CONV);
});

test('residual connection matches Keras 3', async () => {
  const image = Input({ shape: [32, 32, 3], name: 'image' });
  let y = new layers.Conv2D(3, 5, { activation: 'relu', name: 'conv2d_7' }).apply(image);
  y = new layers.Conv2D(3, 5, { activation: 'relu', name: 'conv2d_8' }).apply(y);
  y = new layers.Conv2D(3, 3, { activation: 'relu', name: 'conv2d_9' }).apply(y);
  y = new layers.MaxPooling2D(2, { strides: 2, name: 'max_pooling2d' }).apply(y);
  const residual = new layers.Conv2D(3, 1, { strides: 3, name: 'conv2d_10' }).apply(image);
  const sum = layers.add([y, residual], { name: 'add' });
  const flat = new layers.Flatten().apply(sum);
  const out = new layers.Dense(1, { name: 'dense_6' }).apply(flat);
  await checkParity('residual', new Model(image, out, { name: 'residual' }), CONV);
});

test('dual camera (a model with SeparableConv2D and BatchNormalization used as a layer) matches Keras 3', async () => {
  const input = Input({ shape: [16, 16, 3] });
  let x = new layers.Conv2D(8, 3, { strides: 2, useBias: false, name: 'conv2d_11' }).apply(input);
  x = new layers.BatchNormalization({ name: 'batch_normalization' }).apply(x);
  const act = new layers.Activation('relu', { name: 'activation' }).apply(x);
  let y = new layers.SeparableConv2D(16, 3, { padding: 'same', useBias: false, name: 'separable_conv2d' }).apply(act);
  y = new layers.BatchNormalization({ name: 'batch_normalization_2' }).apply(y);
  y = new layers.Activation('relu', { name: 'activation_1' }).apply(y);
  y = new layers.SeparableConv2D(16, 3, { padding: 'same', useBias: false, name: 'separable_conv2d_1' }).apply(y);
  y = new layers.BatchNormalization({ name: 'batch_normalization_3' }).apply(y);
  const shortcut = new layers.Conv2D(16, 1, { strides: 2, padding: 'same', useBias: false, name: 'conv2d_12' }).apply(
    act,
  );
  y = new layers.MaxPooling2D(3, { strides: 2, padding: 'same', name: 'max_pooling2d_1' }).apply(y);
  const s = new layers.BatchNormalization({ name: 'batch_normalization_1' }).apply(shortcut);
  const block = new Model(input, layers.add([y, s], { name: 'add_1' }), { name: 'mini_xception' });

  const left = Input({ shape: [16, 16, 3], name: 'left_camera' });
  const right = Input({ shape: [16, 16, 3], name: 'right_camera' });
  const joined = layers.concatenate([block.apply(left), block.apply(right)], { axis: -1, name: 'concatenate_3' });
  const pooled = new layers.GlobalAveragePooling2D().apply(joined);
  const out = new layers.Dense(3, { activation: 'softmax', name: 'dense_8' }).apply(pooled);
  await checkParity('dual_camera', new Model([left, right], out, { name: 'dual_camera' }), CONV);
});

function socialModel() {
  const posts = Input({ shape: [null], dtype: 'int32', name: 'posts' });
  let h = new layers.Embedding(500, 8, { name: 'embedding_2' }).apply(posts);
  h = new layers.Conv1D(8, 5, { activation: 'relu', name: 'conv1d' }).apply(h);
  h = new layers.MaxPooling1D(5).apply(h);
  h = new layers.Conv1D(12, 5, { activation: 'relu', name: 'conv1d_1' }).apply(h);
  h = new layers.Conv1D(12, 5, { activation: 'relu', name: 'conv1d_2' }).apply(h);
  h = new layers.MaxPooling1D(5).apply(h);
  h = new layers.Conv1D(12, 5, { activation: 'relu', name: 'conv1d_3' }).apply(h);
  h = new layers.Conv1D(12, 5, { activation: 'relu', name: 'conv1d_4' }).apply(h);
  h = new layers.GlobalMaxPooling1D().apply(h);
  h = new layers.Dense(16, { activation: 'relu', name: 'dense_4' }).apply(h);
  const age = new layers.Dense(1, { name: 'age' }).apply(h);
  const income = new layers.Dense(10, { activation: 'softmax', name: 'income' }).apply(h);
  const gender = new layers.Dense(1, { activation: 'sigmoid', name: 'gender' }).apply(h);
  return new Model(posts, [age, income, gender], { name: 'social' });
}

test("the notebook's multi-output social model (Embedding, Conv1D/MaxPooling1D stack, three heads) predicts as Keras 3", () => {
  const model = socialModel();
  const { manifest, xs } = fixtureData('social');
  model.setWeights(manifest.weights.map((w) => fixtureArray('social', w.file)));
  const preds = model.predict(xs[0]);
  manifest.predictions.forEach((p, i) => {
    const err = maxRelativeError(preds[i], fixtureArray('social', p.file));
    assert.ok(err <= CONV.value, `prediction ${p.output}: relative error ${err}`);
  });
});

test('the social model matches Keras 3: loss by head with loss weights, gradients, one RMSprop step', async () => {
  await checkParity('social', socialModel(), CONV);
});

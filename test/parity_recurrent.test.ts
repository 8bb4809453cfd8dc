import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Tensor, layers, losses, ops } from '../src/index.js';
import { fixtureArray, maxAbsError, maxRelativeError } from './helpers/fixtures.js';
import { checkParity, fixtureData } from './helpers/parity.js';

function qaModel() {
  const textInput = Input({ shape: [20], dtype: 'int32', name: 'text' });
  const encodedText = new layers.LSTM(16).apply(new layers.Embedding(300, 16).apply(textInput));
  const questionInput = Input({ shape: [20], dtype: 'int32', name: 'question' });
  const encodedQuestion = new layers.LSTM(8).apply(new layers.Embedding(200, 8).apply(questionInput));
  const concatenated = layers.concatenate([encodedText, encodedQuestion], { axis: -1 });
  const answer = new layers.Dense(25, { activation: 'softmax' }).apply(concatenated);
  return new Model([textInput, questionInput], answer);
}

test('QA model (two Embedding + LSTM branches) matches Keras 3: predictions, loss, gradients, and RMSprop with TF sparse semantics', () => {
  const { manifest: m, xs, ys } = fixtureData('qa');
  const model = qaModel();
  assert.deepEqual(
    model.weights.map((w) => w.shape),
    m.weights.map((w) => w.shape),
  );
  model.setWeights(m.weights.map((w) => fixtureArray('qa', w.file)));
  const pred = model.predict(xs, { batchSize: 16 });
  assert.ok(maxRelativeError(pred, fixtureArray('qa', 'pred0.npy')) <= 1e-5);
  const ws = model.trainableWeights.map((w) => w.value);
  const { value: loss, grads } = ops.valueAndGrads(
    () => ops.mean(losses.getLoss('categorical_crossentropy')(ys[0], model.forward(xs, true)[0])),
    ws,
  );
  assert.ok(Math.abs(loss.values[0] - m.train_step.loss_before) / m.train_step.loss_before <= 1e-5);
  m.train_step.gradients.forEach((g, i) => {
    const err = maxRelativeError(grads[i], fixtureArray('qa', g.file));
    assert.ok(err <= 1e-4, `gradient of ${g.path}: relative error ${err}`);
  });
  // One RMSprop step as Keras 3 on TensorFlow takes it (lr 0.01, rho 0.9, eps 1e-7): an embedding's
  // gradient arrives as IndexedSlices, so its velocity gets Σ g² over lookups, not (Σ g)².
  const lr = 0.01;
  m.train_step.weights_after.forEach((w, i) => {
    const g = grads[i].values;
    const sq = ops.sparseGradientSquares(grads[i])?.values;
    if (i < 2) assert.ok(sq, `embedding gradient ${w.path} carries its sparse squares`);
    const before = ws[i].values;
    const after = new Float32Array(before.length);
    for (let j = 0; j < after.length; j++)
      after[j] = before[j] - (lr * g[j]) / Math.sqrt(0.1 * (sq ? sq[j] : g[j] * g[j]) + 1e-7);
    const err = maxAbsError(new Tensor(after, ws[i].shape, 'float32'), fixtureArray('qa', w.file));
    assert.ok(err <= 1e-5, `${w.path} after one step: max abs error ${err}`);
  });
});

test('QA model: full parity through trainOnBatch', async () => {
  await checkParity('qa', qaModel());
});

test('Siamese LSTM (one layer on two variable-length inputs) matches Keras 3, gradients summed over both branches', async () => {
  const lstm = new layers.LSTM(8);
  const left = Input({ shape: [null, 12], name: 'left' });
  const right = Input({ shape: [null, 12], name: 'right' });
  const merged = layers.concatenate([lstm.apply(left), lstm.apply(right)], { axis: -1 });
  const out = new layers.Dense(1, { activation: 'sigmoid' }).apply(merged);
  await checkParity('siamese', new Model([left, right], out));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers, random } from '../src/index.js';

/** The notebook's multi-output model, with a small vocabulary so the test stays light. */
function socialModel(): Model<KerasTensors> {
  const posts = Input({ shape: [null], dtype: 'int32', name: 'posts' });
  let x = new layers.Embedding(100, 16).apply(posts);
  x = new layers.Conv1D(8, 5, { activation: 'relu' }).apply(x);
  x = new layers.MaxPooling1D(5).apply(x);
  x = new layers.Conv1D(8, 5, { activation: 'relu' }).apply(x);
  x = new layers.Conv1D(8, 5, { activation: 'relu' }).apply(x);
  x = new layers.MaxPooling1D(5).apply(x);
  x = new layers.Conv1D(8, 5, { activation: 'relu' }).apply(x);
  x = new layers.Conv1D(8, 5, { activation: 'relu', name: 'last_conv' }).apply(x);
  x = new layers.GlobalMaxPooling1D().apply(x);
  x = new layers.Dense(8, { activation: 'relu' }).apply(x);
  const age = new layers.Dense(1, { name: 'age' }).apply(x);
  const income = new layers.Dense(10, { activation: 'softmax', name: 'income' }).apply(x);
  const gender = new layers.Dense(1, { activation: 'sigmoid', name: 'gender' }).apply(x);
  return new Model(posts, [age, income, gender]);
}
type KerasTensors = ReturnType<typeof Input>[];

test("the notebook's too-short posts fail before training, naming the layer, the length and the least length (269)", async () => {
  const model = socialModel();
  model.compile({
    optimizer: 'rmsprop',
    loss: { age: 'mse', income: 'categorical_crossentropy', gender: 'binary_crossentropy' },
    lossWeights: { age: 0.25, income: 1, gender: 10 },
  });
  const before = model.getWeights().map((w) => Array.from(w.dataSync()));
  const posts = random.randint(1, 100, [10, 200]);
  const targets = {
    age: random.randint(20, 75, [10]),
    income: random.randint(0, 2, [10, 10]),
    gender: random.randint(0, 2, [10]),
  };
  await assert.rejects(model.fit(posts, targets, { epochs: 1, batchSize: 128, verbose: 0 }), (e: Error) => {
    assert.match(e.message, /Conv1D layer 'last_conv' cannot fit its window of 5 .* input of length 2/);
    assert.match(e.message, /'posts' has length 200/);
    assert.match(e.message, /least input length that works is 269/);
    assert.doesNotMatch(e.message, /negative/);
    return true;
  });
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.dataSync())),
    before,
  );
  // 269 is enough, 268 is not.
  assert.deepEqual(
    model.predict(random.randint(1, 100, [2, 269])).map((t) => t.shape),
    [
      [2, 1],
      [2, 10],
      [2, 1],
    ],
  );
  assert.throws(() => model.predict(random.randint(1, 100, [2, 268])), /least input length that works is 269/);
});

test("the notebook's AveragePooling2D(3, { strides: 2, activation: 'relu' }) is a TypeError naming the option", () => {
  const bad = { strides: 2, activation: 'relu' } as unknown as layers.Pooling2DArgs;
  assert.throws(
    () => new layers.AveragePooling2D(3, bad),
    (e: unknown) =>
      e instanceof TypeError && /AveragePooling2D got an unexpected option 'activation'/.test((e as Error).message),
  );
});

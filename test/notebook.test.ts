// Every model of the Keras functional API notebook, built as the notebook builds it, with the
// parameter counts its summaries print, and a few training steps on small random data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, applications, layers, random, setSeed, type Layer } from '../src/index.js';

function summaryLines(model: Model): string[] {
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  return lines;
}

function paramsOf(model: Model, className: string): number[] {
  return model.layers.filter((l: Layer) => l.className === className).map((l) => l.countParams());
}

test('multi-input QA model: the notebook summary rows, fit with a list and with a record by input name', async () => {
  setSeed(10);
  const textInput = Input({ shape: [200], dtype: 'int32', name: 'text' });
  const encodedText = new layers.LSTM(32).apply(new layers.Embedding(10000, 64).apply(textInput));
  const questionInput = Input({ shape: [200], dtype: 'int32', name: 'question' });
  const encodedQuestion = new layers.LSTM(16).apply(new layers.Embedding(10000, 32).apply(questionInput));
  const concatenated = layers.concatenate([encodedText, encodedQuestion], { axis: -1 });
  const answer = new layers.Dense(500, { activation: 'softmax' }).apply(concatenated);
  const model = new Model([textInput, questionInput], answer);
  model.compile({ optimizer: 'rmsprop', loss: 'categorical_crossentropy', metrics: ['acc'] });
  const lines = summaryLines(model);
  assert.ok(lines.some((l) => /^text \(InputLayer\)\s+\(None, 200\)\s+0\s*$/.test(l)));
  assert.ok(lines.some((l) => /^embedding_\d+ \(Embedding\)\s+\(None, 200, 64\)\s+640000\s+text\[0\]\[0\]/.test(l)));
  assert.ok(
    lines.some((l) => /^embedding_\d+ \(Embedding\)\s+\(None, 200, 32\)\s+320000\s+question\[0\]\[0\]/.test(l)),
  );
  assert.deepEqual(paramsOf(model, 'LSTM'), [12416, 3136]);
  const text = random.randint(1, 10000, [16, 200]);
  const question = random.randint(1, 10000, [16, 200]);
  const answers = random.randint(0, 2, [16, 500]).cast('float32');
  const h1 = await model.fit([text, question], answers, { epochs: 1, batchSize: 8, verbose: 0 });
  const h2 = await model.fit({ text, question }, answers, { epochs: 1, batchSize: 8, verbose: 0 });
  assert.ok(Number.isFinite(h1.history.loss[0]) && Number.isFinite(h2.history.acc[0]));
  await assert.rejects(
    model.fit({ text, questions: question }, answers, { verbose: 0 }),
    /key 'questions' names no input.*text, question/,
  );
  await assert.rejects(
    model.fit([random.randint(1, 10001, [16, 200]).cast('float32'), question], answers, { verbose: 0 }),
    /Embedding.*10000/,
  );
});

test('multi-output model: heads named, per-head losses and loss weights', async () => {
  setSeed(11);
  const posts = Input({ shape: [null], dtype: 'int32', name: 'posts' });
  let x = new layers.Embedding(50000, 256).apply(posts);
  x = new layers.Conv1D(128, 5, { activation: 'relu' }).apply(x);
  x = new layers.MaxPooling1D(5).apply(x);
  x = new layers.Conv1D(256, 5, { activation: 'relu' }).apply(x);
  x = new layers.Conv1D(256, 5, { activation: 'relu' }).apply(x);
  x = new layers.MaxPooling1D(5).apply(x);
  x = new layers.Conv1D(256, 5, { activation: 'relu' }).apply(x);
  x = new layers.Conv1D(256, 5, { activation: 'relu' }).apply(x);
  x = new layers.GlobalMaxPooling1D().apply(x);
  x = new layers.Dense(128, { activation: 'relu' }).apply(x);
  const age = new layers.Dense(1, { name: 'age' }).apply(x);
  const income = new layers.Dense(10, { activation: 'softmax', name: 'income' }).apply(x);
  const gender = new layers.Dense(1, { activation: 'sigmoid', name: 'gender' }).apply(x);
  const model = new Model(posts, [age, income, gender]);
  model.compile({
    optimizer: 'rmsprop',
    loss: { age: 'mse', income: 'categorical_crossentropy', gender: 'binary_crossentropy' },
    lossWeights: { age: 0.25, income: 1, gender: 10 },
  });
  const lines = summaryLines(model);
  assert.ok(lines.some((l) => /^posts \(InputLayer\)\s+\(None, None\)\s+0/.test(l)));
  assert.ok(
    lines.some((l) => /^embedding_\d+ \(Embedding\)\s+\(None, None, 256\)\s+12800000\s+posts\[0\]\[0\]/.test(l)),
  );
  assert.deepEqual(paramsOf(model, 'Conv1D'), [163968, 164096, 327936, 327936, 327936]);
  assert.deepEqual(model.outputNames, ['age', 'income', 'gender']);
  const h = await model.fit(
    random.randint(1, 50000, [4, 269]),
    {
      age: random.randint(20, 75, [4]),
      income: random.randint(0, 2, [4, 10]),
      gender: random.randint(0, 2, [4]),
    },
    { epochs: 1, batchSize: 4, verbose: 0 },
  );
  assert.deepEqual(Object.keys(h.history).sort(), ['age_loss', 'gender_loss', 'income_loss', 'loss']);
  const l = h.history;
  assert.ok(Math.abs(l.loss[0] - (0.25 * l.age_loss[0] + l.income_loss[0] + 10 * l.gender_loss[0])) < 1e-3 * l.loss[0]);
});

test('Inception module: four branches concatenated on channels', () => {
  const img = Input({ shape: [32, 32, 64] });
  const a = new layers.Conv2D(128, 1, { activation: 'relu', strides: 2 }).apply(img);
  let b = new layers.Conv2D(128, 1, { activation: 'relu' }).apply(img);
  b = new layers.Conv2D(128, 3, { activation: 'relu', strides: 2, padding: 'same' }).apply(b);
  let c = new layers.AveragePooling2D(3, { strides: 2, padding: 'same' }).apply(img);
  c = new layers.Conv2D(128, 3, { activation: 'relu', padding: 'same' }).apply(c);
  let d = new layers.Conv2D(128, 1, { activation: 'relu' }).apply(img);
  d = new layers.Conv2D(128, 3, { activation: 'relu', padding: 'same' }).apply(d);
  d = new layers.Conv2D(128, 3, { activation: 'relu', strides: 2, padding: 'same' }).apply(d);
  const out = layers.concatenate([a, b, c, d], { axis: -1 });
  assert.deepEqual(out.shape, [null, 16, 16, 512]);
  // As the notebook wrote the strided branches, without padding their sizes disagree: a clear error.
  const valid = new layers.Conv2D(128, 3, { activation: 'relu', strides: 2 }).apply(
    new layers.Conv2D(128, 1).apply(img),
  );
  assert.throws(() => layers.concatenate([a, valid], { axis: -1 }), /\(None, 16, 16, 128\).*\(None, 15, 15, 128\)/);
  const model = new Model(img, out);
  assert.deepEqual(model.predict(random.uniform([1, 32, 32, 64])).shape, [1, 16, 16, 512]);
});

test('residual connections: the notebook parameter counts, shapes and a training step', async () => {
  const x = Input({ shape: [32, 32, 3] });
  let y = new layers.Conv2D(3, 5, { activation: 'relu', padding: 'same' }).apply(x);
  y = new layers.Conv2D(3, 5, { activation: 'relu', padding: 'same' }).apply(y);
  y = new layers.Conv2D(3, 5, { activation: 'relu', padding: 'same' }).apply(y);
  const same = new Model(x, layers.add([y, x]));
  assert.deepEqual(paramsOf(same, 'Conv2D'), [228, 228, 228]);

  const x2 = Input({ shape: [32, 32, 3] });
  let z = new layers.Conv2D(3, 5, { activation: 'relu' }).apply(x2);
  z = new layers.Conv2D(3, 5, { activation: 'relu' }).apply(z);
  z = new layers.Conv2D(3, 3, { activation: 'relu' }).apply(z);
  z = new layers.MaxPooling2D(2, { strides: 2 }).apply(z);
  const residual = new layers.Conv2D(3, 1, { strides: 3 }).apply(x2);
  assert.deepEqual(z.shape, [null, 11, 11, 3]);
  assert.deepEqual(residual.shape, [null, 11, 11, 3]);
  const model = new Model(x2, layers.add([z, residual]));
  assert.deepEqual(paramsOf(model, 'Conv2D'), [228, 228, 84, 12]);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const h = await model.fit(random.uniform([8, 32, 32, 3]), random.uniform([8, 11, 11, 3]), {
    epochs: 2,
    batchSize: 4,
    verbose: 0,
  });
  assert.equal(h.history.loss.length, 2);
});

test('Siamese LSTM: one set of weights, summary lists the layer once with both calls', async () => {
  setSeed(12);
  const lstm = new layers.LSTM(32);
  const left = Input({ shape: [null, 128] });
  const right = Input({ shape: [null, 128] });
  const merged = layers.concatenate([lstm.apply(left), lstm.apply(right)], { axis: -1 });
  const model = new Model([left, right], new layers.Dense(1, { activation: 'sigmoid' }).apply(merged));
  assert.equal(model.countParams(), 20608 + 65);
  const lines = summaryLines(model);
  const row = lines.findIndex((l) => l.startsWith(`${lstm.name} (LSTM)`));
  assert.match(lines[row], /\(None, 32\)\s+20608\s+input_\d+\[0\]\[0\]/);
  assert.match(lines[row + 1], /^\s+input_\d+\[0\]\[0\]\s*$/);
  assert.ok(lines.some((l) => new RegExp(`^\\s+${lstm.name}\\[1\\]\\[0\\]`).test(l)));
  model.compile({ optimizer: 'rmsprop', loss: 'binary_crossentropy' });
  const before = lstm.getWeights().map((w) => Array.from(w.dataSync()));
  await model.fit([random.normal([8, 5, 128]), random.normal([8, 7, 128])], random.randint(0, 2, [8, 1]), {
    epochs: 1,
    verbose: 0,
  });
  const after = lstm.getWeights().map((w) => Array.from(w.dataSync()));
  assert.notDeepEqual(after, before);
  assert.equal(model.weights.length, 5); // LSTM kernel, recurrent_kernel, bias; Dense kernel, bias
});

test('a model as a layer: the Xception base shared by two camera inputs', () => {
  const base = applications.Xception({ weights: null, includeTop: false });
  const left = Input({ shape: [250, 250, 3] });
  const right = Input({ shape: [250, 250, 3] });
  const lf = base.apply(left);
  const rf = base.apply(right);
  assert.deepEqual(lf.shape, [null, 8, 8, 2048]);
  const merged = layers.concatenate([lf, rf], { axis: -1 });
  const model = new Model([left, right], merged);
  assert.deepEqual(merged.shape, [null, 8, 8, 4096]);
  assert.equal(model.countParams(), 20_861_480);
  assert.equal(model.layers.length, 4);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Input, Model, type Tensor, layers, loadModel, losses, ops, random, setSeed, tensor } from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-losses-'));

interface LossRow {
  class_name: string;
  config: Record<string, unknown>;
  y_true: string;
  y_pred: string;
  value: number;
  value_weighted: number;
}
const TABLES = JSON.parse(readFileSync(join(FIXTURES, 'tables.json'), 'utf8')) as {
  arrays: Record<string, number[] | number[][]>;
  losses: LossRow[];
};
const array = (name: string): Tensor => tensor(TABLES.arrays[name]);

/** The loss classes Dendrite has, built from a Keras config through the constructor users call. */
const BUILD: Record<string, (c: Record<string, unknown>) => losses.Loss> = {
  MeanSquaredError: () => new losses.MeanSquaredError(),
  MeanAbsoluteError: () => new losses.MeanAbsoluteError(),
  Huber: (c) => new losses.Huber({ delta: c.delta as number }),
  BinaryCrossentropy: (c) =>
    new losses.BinaryCrossentropy({
      fromLogits: c.from_logits as boolean | undefined,
      labelSmoothing: c.label_smoothing as number | undefined,
    }),
  CategoricalCrossentropy: (c) =>
    new losses.CategoricalCrossentropy({
      fromLogits: c.from_logits as boolean | undefined,
      labelSmoothing: c.label_smoothing as number | undefined,
    }),
  SparseCategoricalCrossentropy: (c) =>
    new losses.SparseCategoricalCrossentropy({ fromLogits: c.from_logits as boolean | undefined }),
  CosineSimilarity: (c) => new losses.CosineSimilarity({ axis: c.axis as number }),
};

test("each loss class gives Keras's value (tables.json), plain and with sample weights", () => {
  const rows = TABLES.losses.filter((r) => r.class_name in BUILD);
  assert.equal(rows.length, 11);
  const sw = array('sample_weight');
  for (const row of rows) {
    const loss = BUILD[row.class_name](row.config);
    const fn = loss.asLossFn();
    const values = fn(array(row.y_true), array(row.y_pred));
    const plain = ops.mean(values).values[0];
    const weighted = ops.mean(ops.mul(values, sw.reshape([sw.shape[0], ...values.shape.slice(1).map(() => 1)])))
      .values[0];
    const what = `${row.class_name} ${JSON.stringify(row.config)}`;
    assert.ok(Math.abs(plain - row.value) <= 1e-5 * Math.abs(row.value), `${what}: ${plain}, Keras ${row.value}`);
    assert.ok(
      Math.abs(weighted - row.value_weighted) <= 1e-5 * Math.abs(row.value_weighted),
      `${what} weighted: ${weighted}, Keras ${row.value_weighted}`,
    );
  }
  // reduction 'sum' adds up what the default averages.
  const sum = new losses.MeanSquaredError({ reduction: 'sum' }).asLossFn()(array('y_real'), array('p_real'));
  const mean = new losses.MeanSquaredError().asLossFn()(array('y_real'), array('p_real'));
  assert.ok(Math.abs(ops.mean(sum).values[0] - ops.sum(mean).values[0]) < 1e-4);
});

test('loss options are checked: what is wrong and what is expected', () => {
  const none = { reduction: 'none' } as unknown as losses.LossArgs;
  assert.throws(
    () => new losses.MeanSquaredError(none),
    /reduction must be one of sum_over_batch_size, mean, sum, got the string "none"/,
  );
  assert.throws(
    () => new losses.CategoricalCrossentropy({ axis: 1 }),
    /over the last axis \(axis -1\) only, got axis number 1/,
  );
  assert.throws(
    () => new losses.BinaryCrossentropy({ labelSmoothing: 2 }),
    /labelSmoothing must be a number in \[0, 1\]/,
  );
  assert.throws(() => new losses.Huber({ delta: 0 }), /Huber: delta must be a positive number/);
  const ignore = { ignoreClass: 3 } as unknown as losses.SparseCategoricalCrossentropyArgs;
  assert.throws(() => new losses.SparseCategoricalCrossentropy(ignore), /ignoreClass is not supported/);
  const typo = { from_logits: true } as unknown as losses.CrossentropyArgs;
  assert.throws(() => new losses.CategoricalCrossentropy(typo), /got an unexpected option 'from_logits'/);
});

function classifier(): Model {
  setSeed(91);
  const input = Input({ shape: [5] });
  const h = new layers.Dense(8, { activation: 'relu' }).apply(input);
  const logits = new layers.Dense(3, { name: 'logits' }).apply(h);
  const score = new layers.Dense(1, { name: 'score' }).apply(h);
  return new Model(input, [logits, score]);
}

test("a model compiled with loss objects saves them as Keras's compile_config writes them and reloads compiled", async () => {
  const model = classifier();
  model.compile({
    optimizer: 'adam',
    loss: {
      logits: new losses.SparseCategoricalCrossentropy({ fromLogits: true }),
      score: new losses.Huber({ delta: 2, name: 'my_huber' }),
    },
  });
  const x = random.uniform([8, 5]);
  const y = { logits: tensor([0, 1, 2, 0, 1, 2, 0, 1]), score: random.uniform([8, 1]) };
  await model.trainOnBatch(x, y);
  const path = join(dir, 'objects.keras');
  await model.save(path);
  const text = strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json']);
  assert.ok(
    text.includes(
      '"loss": {"logits": {"module": "keras.losses", "class_name": "SparseCategoricalCrossentropy", "config": {"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": true, "ignore_class": null, "axis": -1}, "registered_name": null}, "score": {"module": "keras.losses", "class_name": "Huber", "config": {"name": "my_huber", "reduction": "sum_over_batch_size", "delta": 2.0}, "registered_name": null}}',
    ),
    text.slice(text.indexOf('"loss"'), text.indexOf('"loss"') + 600),
  );
  const again = await loadModel(path);
  assert.equal(again.optimizer?.name, 'Adam');
  assert.equal(again.optimizer?.iterations, 1);
  // The same losses: the same loss values, and training goes on in step.
  assert.deepEqual(await again.testOnBatch(x, y), await model.testOnBatch(x, y));
  await model.trainOnBatch(x, y);
  await again.trainOnBatch(x, y);
  again.weights.forEach((w, i) => assert.deepEqual(w.value.values, model.weights[i].value.values, w.path));
});

test('compile_config losses as Keras writes them load: classes, serialized functions, names; unknown ones are named', async () => {
  const model = classifier();
  model.compile({ optimizer: 'sgd', loss: ['sparse_categorical_crossentropy', 'mse'] });
  await model.save(join(dir, 'named.keras'));
  const archive = unzipSync(new Uint8Array(readFileSync(join(dir, 'named.keras'))));
  const config = JSON.parse(strFromU8(archive['config.json'])) as { compile_config: Record<string, unknown> };
  const withLoss = (loss: unknown): Uint8Array =>
    zipSync({
      ...archive,
      'config.json': strToU8(JSON.stringify({ ...config, compile_config: { ...config.compile_config, loss } })),
    });
  const cce = {
    module: 'keras.losses',
    class_name: 'CategoricalCrossentropy',
    config: { name: 'cce', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0.1, axis: -1 },
    registered_name: null,
  };
  const fn = { module: 'keras.losses', class_name: 'function', config: 'mean_squared_error', registered_name: null };
  const loaded = await loadModel(withLoss([cce, fn]));
  assert.ok(loaded.optimizer, 'compiled');
  const x = random.uniform([2, 5]);
  const y = [
    tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]),
    random.uniform([2, 1]),
  ];
  const [total, first, second] = (await loaded.testOnBatch(x, y)) as number[];
  const preds = loaded.predict(x) as Tensor[];
  const want = ops.mean(
    new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).call(y[0], preds[0]),
  );
  assert.ok(Math.abs(first - want.values[0]) < 1e-6, `${first} vs ${want.values[0]}`);
  assert.ok(Math.abs(total - first - second) < 1e-5);

  const logCosh = { module: 'keras.losses', class_name: 'LogCosh', config: {}, registered_name: null };
  await assert.rejects(
    loadModel(withLoss([logCosh, 'mse'])),
    /cannot restore the compile settings .*the loss LogCosh is not one Dendrite has \(MeanSquaredError, .*\)\. Load it with \{ compile: false \}/,
  );
});

test('a model compiled with a plain loss function is saved without compile settings and loads uncompiled', async () => {
  const model = classifier();
  model.compile({ optimizer: 'sgd', loss: [(a: Tensor, b: Tensor) => losses.meanSquaredError(a, b), 'mse'] });
  await model.save(join(dir, 'function.keras'));
  const config = JSON.parse(
    strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'function.keras'))))['config.json']),
  ) as { compile_config: unknown };
  assert.deepEqual(config.compile_config, {});
  assert.equal((await loadModel(join(dir, 'function.keras'))).optimizer, undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Input, Model, type Tensor, layers, loadModel, losses, ops, random, setSeed, tensor } from '../src/index.js';
import { FIXTURES } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-losses-'));

const TABLES = JSON.parse(readFileSync(join(FIXTURES, 'tables.json'), 'utf8')) as {
  arrays: Record<string, number[] | number[][]>;
};
const array = (name: string): Tensor => tensor(TABLES.arrays[name]);

test("reductions as Keras's: sum, sum over the batch, mean over the weights, none", () => {
  const [yTrue, yPred, sw] = [array('y_real'), array('p_real'), array('sample_weight')];
  const perSample = losses.meanSquaredError(yTrue, yPred);
  const reduce = (reduction: losses.Reduction, w?: Tensor) =>
    new losses.MeanSquaredError({ reduction }).apply(yTrue, yPred, w).values;
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(b), `${a} vs ${b}`);
  close(reduce('sum')[0], ops.sum(perSample).values[0]);
  close(reduce('sum_over_batch_size')[0], ops.mean(perSample).values[0]);
  close(reduce('mean')[0], ops.mean(perSample).values[0]);
  const weighted = ops.sum(ops.mul(perSample, sw)).values[0];
  close(reduce('sum', sw)[0], weighted);
  close(reduce('sum_over_batch_size', sw)[0], weighted / 6);
  close(reduce('mean_with_sample_weight', sw)[0], weighted / ops.sum(sw).values[0]);
  assert.deepEqual([...reduce('none')], [...perSample.values]);
  // Dice over the whole batch is one number; weights scale it by their mean, as in Keras.
  const dice = new losses.Dice();
  close(
    dice.apply(array('y_binary'), array('p_binary'), sw).values[0],
    dice.apply(array('y_binary'), array('p_binary')).values[0] * ops.mean(sw).values[0],
  );
});

test('loss options are checked: what is wrong and what is expected', () => {
  const bogus = { reduction: 'average' } as unknown as losses.LossArgs;
  assert.throws(
    () => new losses.MeanSquaredError(bogus),
    /reduction must be one of sum_over_batch_size, mean, sum, mean_with_sample_weight, none, got the string "average"/,
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
      '"loss": {"logits": {"module": "keras.losses", "class_name": "SparseCategoricalCrossentropy", "config": ' +
        '{"name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": true, ' +
        '"ignore_class": null, "axis": -1}, "registered_name": null}, "score": {"module": "keras.losses", ' +
        '"class_name": "Huber", "config": {"name": "my_huber", "reduction": "sum_over_batch_size", "delta": 2.0}, ' +
        '"registered_name": null}}',
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

  const circle = { module: 'keras.losses', class_name: 'Circle', config: {}, registered_name: null };
  await assert.rejects(
    loadModel(withLoss([circle, 'mse'])),
    /cannot restore the compile settings .*the loss Circle is not one Dendrite has \(MeanSquaredError, .*\)\. Load it with \{ compile: false \}/,
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

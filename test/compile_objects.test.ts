// compile with Keras's metric and loss objects: names checked at compile time, objects saved in
// a .keras file's compile_config as Keras writes them, and restored on load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import {
  Input,
  Model,
  type Tensor,
  layers,
  loadModel,
  losses,
  metrics,
  random,
  setSeed,
  tensor,
} from '../src/index.js';
import type { MetricId } from '../src/api/metrics.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-compile-objects-'));

function classifier(): Model {
  setSeed(17);
  const input = Input({ shape: [5] });
  const h = new layers.Dense(8, { activation: 'relu' }).apply(input);
  const probs = new layers.Dense(3, { activation: 'softmax', name: 'probs' }).apply(h);
  const score = new layers.Dense(1, { activation: 'sigmoid', name: 'score' }).apply(h);
  return new Model(input, [probs, score]);
}

const x = (): Tensor => random.uniform([12, 5]);
const y = () => ({
  probs: tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2].map((c) => [0, 1, 2].map((k) => (k === c ? 1 : 0)))),
  score: tensor([1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1].map((v) => [v])),
});

test('unknown metric and loss names are refused by compile, before any training step', async () => {
  const model = classifier();
  const before = model.getWeights().map((w) => [...w.values]);
  const typo = ['acuracy'] as unknown as MetricId[];
  assert.throws(
    () => model.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: typo }),
    /compile: unknown metric 'acuracy'\. Known: acc, accuracy, auc, binary_accuracy/,
  );
  const badLoss = 'mean_squared_eror' as unknown as losses.LossId;
  assert.throws(
    () => model.compile({ optimizer: 'sgd', loss: badLoss }),
    /compile: the loss of output 'probs': Unknown loss 'mean_squared_eror'\. Known: mean_squared_error/,
  );
  assert.throws(
    () => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: { score: ['f1_score'] as unknown as MetricId[] } }),
    /the metric 'f1_score' reports one score per class by default.*F1Score\(\{ average: 'macro' \}\)/,
  );
  assert.throws(
    () =>
      model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [new metrics.Precision({ thresholds: [0.2, 0.8] })] }),
    /reports 2 numbers \(one per threshold\); a log holds one number per metric/,
  );
  const auc = new metrics.AUC();
  assert.throws(
    () => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [auc] }),
    /the metric object 'auc(_\d+)?' \(AUC\) is given more than once/,
  );
  assert.throws(
    () => model.compile({ optimizer: 'sgd', loss: new losses.MeanSquaredError({ reduction: 'none' }) }),
    /has reduction 'none'; training needs one number per output/,
  );
  assert.deepEqual(
    model.getWeights().map((w) => [...w.values]),
    before,
  );
  // Keras's names, class names and aliases all compile and train.
  model.compile({
    optimizer: 'sgd',
    loss: { probs: 'CategoricalFocalCrossentropy', score: 'bce' },
    metrics: {
      probs: ['top_k_categorical_accuracy', 'AUC', 'kl_divergence'],
      score: ['mape', 'BinaryAccuracy', 'r2_score'],
    },
  });
  const history = await model.fit(x(), y(), { epochs: 1, batchSize: 6, verbose: 0 });
  assert.deepEqual(Object.keys(history.history).sort(), [
    'loss',
    'probs_AUC',
    'probs_kl_divergence',
    'probs_loss',
    'probs_top_k_categorical_accuracy',
    'score_BinaryAccuracy',
    'score_loss',
    'score_mape',
    'score_r2_score',
  ]);
});

test('metric and loss objects are saved in compile_config as Keras writes them, weighted metrics too, and restored', async () => {
  const model = classifier();
  model.compile({
    optimizer: 'adam',
    loss: {
      probs: new losses.CategoricalFocalCrossentropy({ gamma: 1.5 }),
      score: new losses.BinaryFocalCrossentropy(),
    },
    metrics: {
      probs: [new metrics.TopKCategoricalAccuracy({ k: 2 }), new metrics.F1Score({ average: 'macro', name: 'f1' })],
      score: ['accuracy', new metrics.AUC({ curve: 'PR', name: 'pr_auc' })],
    },
    weightedMetrics: { score: [new metrics.Precision({ thresholds: 0.3, name: 'p30' })] },
  });
  const [xs, ys] = [x(), y()];
  const sampleWeight = [1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2];
  await model.fit(xs, ys, { epochs: 1, batchSize: 4, verbose: 0, sampleWeight });
  const path = join(dir, 'objects.keras');
  await model.save(path);
  const archive = unzipSync(new Uint8Array(readFileSync(path)));
  const text = strFromU8(archive['config.json']);
  for (const part of [
    '"probs": [{"module": "keras.metrics", "class_name": "TopKCategoricalAccuracy", "config": {"name": ' +
      '"top_k_categorical_accuracy", "dtype": "float32", "k": 2}, "registered_name": null}, {"module": ' +
      '"keras.metrics", "class_name": "F1Score", "config": {"name": "f1", "dtype": "float32", "average": "macro", ' +
      '"threshold": null}, "registered_name": null}]',
    '"score": ["accuracy", {"module": "keras.metrics", "class_name": "AUC", "config": {"name": "pr_auc", ' +
      '"dtype": "float32", "num_thresholds": 200, "curve": "PR", "summation_method": "interpolation", ' +
      '"multi_label": false, "num_labels": null, "label_weights": null, "from_logits": false}, "registered_name": ' +
      'null}]',
    '"weighted_metrics": {"score": [{"module": "keras.metrics", "class_name": "Precision", "config": {"name": ' +
      '"p30", "dtype": "float32", "thresholds": 0.3, "top_k": null, "class_id": null}, "registered_name": null}]}',
    '"class_name": "CategoricalFocalCrossentropy", "config": {"name": "categorical_focal_crossentropy", ' +
      '"reduction": "sum_over_batch_size", "from_logits": false, "label_smoothing": 0.0, "axis": -1, "alpha": ' +
      '0.25, "gamma": 1.5}',
  ])
    assert.ok(text.includes(part), `${part}\n--- not in ---\n${text.slice(text.indexOf('"compile_config"'))}`);

  const again = await loadModel(path);
  const want = await model.evaluate(xs, ys, { returnDict: true, verbose: 0, sampleWeight });
  const got = await again.evaluate(xs, ys, { returnDict: true, verbose: 0, sampleWeight });
  assert.deepEqual(Object.keys(got), Object.keys(want));
  for (const key of Object.keys(want))
    assert.ok(Math.abs(got[key] - want[key]) < 1e-6, `${key}: ${got[key]} vs ${want[key]}`);
  assert.ok('score_p30' in got && 'probs_f1' in got && 'score_pr_auc' in got, Object.keys(got).join());

  // A metric object Keras wrote that Dendrite lacks, or a serialized metric function, as Keras writes them.
  const config = JSON.parse(text) as { compile_config: Record<string, unknown> };
  const withMetrics = (m: unknown): Uint8Array =>
    zipSync({
      ...archive,
      'config.json': strToU8(JSON.stringify({ ...config, compile_config: { ...config.compile_config, metrics: m } })),
    });
  const fn = {
    module: 'keras.metrics',
    class_name: 'function',
    config: 'mean_squared_error',
    registered_name: 'mean_squared_error',
  };
  const loaded = await loadModel(withMetrics({ probs: [fn], score: [] }));
  assert.ok('probs_mean_squared_error' in (await loaded.evaluate(xs, ys, { returnDict: true, verbose: 0 })));
  const pearson = { module: 'keras.metrics', class_name: 'PearsonCorrelation', config: {}, registered_name: null };
  await assert.rejects(
    loadModel(withMetrics([pearson])),
    /the metric PearsonCorrelation is not one Dendrite has \(AUC, /,
  );
});

test("a model compiled with a user's metric subclass is saved without compile settings, as with functions", async () => {
  class Last extends metrics.MeanMetricWrapper {
    constructor() {
      super((_t, p) => p, { name: 'last' });
    }
  }
  const model = classifier();
  model.compile({ optimizer: 'sgd', loss: 'mse', metrics: { score: [new Last()] } });
  await model.save(join(dir, 'custom.keras'));
  const config = JSON.parse(
    strFromU8(unzipSync(new Uint8Array(readFileSync(join(dir, 'custom.keras'))))['config.json']),
  );
  assert.deepEqual(config.compile_config, {});
});

test('the new losses are differentiable: gradients match finite differences', () => {
  const probs = (seed: number): Tensor => randTensor([3, 4], seed, 0.05, 0.95);
  const targets = tensor([
    [0, 1, 0, 0],
    [1, 0, 0, 0],
    [0, 0, 0, 1],
  ]);
  const plusMinus = tensor([
    [1, -1, 1, -1],
    [-1, 1, 1, -1],
    [1, 1, -1, -1],
  ]);
  const checks: [string, (p: Tensor) => Tensor, Tensor][] = [
    ['mape', (p) => losses.meanAbsolutePercentageError(randTensor([3, 4], 5, 0.5, 2), p), probs(1)],
    ['msle', (p) => losses.meanSquaredLogarithmicError(randTensor([3, 4], 6, 0, 2), p), probs(2)],
    ['log_cosh', (p) => losses.logCosh(randTensor([3, 4], 7), p), randTensor([3, 4], 3)],
    ['binary_focal', (p) => losses.binaryFocalCrossentropy(targets, p, { applyClassBalancing: true }), probs(4)],
    [
      'categorical_focal',
      (p) => losses.categoricalFocalCrossentropy(targets, p, { fromLogits: true }),
      randTensor([3, 4], 8),
    ],
    ['kl_divergence', (p) => losses.klDivergence(targets, p), probs(9)],
    ['poisson', (p) => losses.poisson(randTensor([3, 4], 10, 0, 3), p), probs(11)],
    ['squared_hinge', (p) => losses.squaredHinge(plusMinus, p), randTensor([3, 4], 12)],
    ['categorical_hinge', (p) => losses.categoricalHinge(targets, p), randTensor([3, 4], 13)],
    ['dice', (p) => losses.dice(targets, p, { axis: -1 }), probs(14)],
    ['tversky', (p) => losses.tversky(targets, p, { alpha: 0.3, beta: 0.7 }), probs(15)],
  ];
  for (const [name, f, input] of checks) {
    try {
      checkGradients(([p]) => f(p), [input]);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, type Tensor, layers, metrics, ops, tensor } from '../src/index.js';
import { createMetric } from '../src/training/metrics.js';
import { metricValue } from '../src/training/metrics/base.js';

test('acc resolves by shapes as Keras 3 does', () => {
  const binary = createMetric('acc', [null, 1], [null, 1]);
  assert.ok(binary instanceof metrics.BinaryAccuracy);
  binary.updateState(tensor([[1], [0], [1]]), tensor([[0.9], [0.2], [0.3]]));
  assert.ok(Math.abs(metricValue(binary) - 2 / 3) < 1e-6);

  const categorical = createMetric('accuracy', [null, 3], [null, 3]);
  assert.ok(categorical instanceof metrics.CategoricalAccuracy);
  categorical.updateState(
    tensor([
      [0, 1, 0],
      [1, 0, 0],
    ]),
    tensor([
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
    ]),
  );
  assert.equal(metricValue(categorical), 0.5);
  assert.equal(categorical.name, 'accuracy');

  const sparse = createMetric('acc', [null], [null, 3]);
  assert.ok(sparse instanceof metrics.SparseCategoricalAccuracy);
  sparse.updateState(
    tensor([1, 0]),
    tensor([
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
    ]),
  );
  assert.equal(metricValue(sparse), 0.5);
});

test('sample weights weight each sample; resetState starts over', () => {
  const m = new metrics.MeanAbsoluteError();
  m.updateState(tensor([[0], [0]]), tensor([[1], [3]]), [3, 1]);
  assert.equal(m.result(), (3 * 1 + 1 * 3) / 4);
  m.resetState();
  m.updateState([[0]], [[2]]);
  assert.equal(m.result(), 2);
  const mean = new metrics.Mean();
  mean.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
  assert.equal(mean.result(), 2);
  const sum = new metrics.Sum();
  sum.updateState([1, 3, 5, 7], [1, 1, 0, 0]);
  assert.equal(sum.result(), 4);
});

test('AUC: 1 for a perfect ranking, 0.5 for a constant score; the PR curve and given thresholds too', () => {
  const perfect = new metrics.AUC();
  perfect.updateState([[0], [0], [1], [1]], [[0.1], [0.3], [0.6], [0.9]]);
  assert.ok(Math.abs(perfect.result() - 1) < 1e-6);
  const flat = new metrics.AUC({ name: 'flat' });
  flat.updateState([[0], [1], [0], [1]], [[0.5], [0.5], [0.5], [0.5]]);
  assert.ok(Math.abs(flat.result() - 0.5) < 1e-6);
  // Thresholds of its own: counted at each, not bucketed, with the same curve.
  const given = new metrics.AUC({ thresholds: [0.2, 0.4, 0.8] });
  given.updateState([[0], [0], [1], [1]], [[0.1], [0.3], [0.6], [0.9]]);
  assert.ok(Math.abs(given.result() - 1) < 1e-6);
  assert.deepEqual(given.getConfig().thresholds, [0.2, 0.4, 0.8]);
  const logits = new metrics.AUC({ fromLogits: true, curve: 'PR' });
  logits.updateState([[0], [0], [1], [1]], [[-3], [-1], [1], [3]]);
  assert.ok(Math.abs(logits.result() - 1) < 1e-6);
});

test('results have the types their options imply: one number, or one per threshold or class', () => {
  const precision: number = new metrics.Precision().result();
  assert.equal(precision, 0);
  const recalls = new metrics.Recall({ thresholds: [0.3, 0.6] });
  recalls.updateState([1, 1, 0], [0.4, 0.9, 0.8]);
  const perThreshold: number[] = recalls.result();
  assert.deepEqual(perThreshold, [1, 0.5]);
  const f1 = new metrics.F1Score();
  f1.updateState(
    [
      [1, 0],
      [0, 1],
    ],
    [
      [0.9, 0.1],
      [0.3, 0.7],
    ],
  );
  const perClass: number[] = f1.result();
  assert.equal(perClass.length, 2);
  const macro: number = new metrics.F1Score({ average: 'macro' }).result();
  assert.equal(macro, 0);
  const r2: number[] = new metrics.R2Score({ classAggregation: null }).result();
  assert.deepEqual(r2, []);
});

test("default names are Keras's: fixed ones, or the class's snake_case name numbered when taken", () => {
  assert.equal(new metrics.BinaryAccuracy().name, 'binary_accuracy');
  assert.equal(new metrics.LogCoshError().name, 'logcosh');
  const first = new metrics.SpecificityAtSensitivity(0.5).name;
  const second = new metrics.SpecificityAtSensitivity(0.5).name;
  assert.match(first, /^specificity_at_sensitivity(_\d+)?$/);
  assert.notEqual(first, second);
  assert.equal(new metrics.MeanIoU(3, { name: 'miou' }).name, 'miou');
});

test('constructors refuse unknown options and bad values, naming the class and what it takes', () => {
  const typo = { treshold: 0.5 } as unknown as metrics.BinaryAccuracyArgs;
  assert.throws(() => new metrics.BinaryAccuracy(typo), /BinaryAccuracy got an unexpected option 'treshold'/);
  assert.throws(
    () => new metrics.Precision({ thresholds: 1.5 }),
    /thresholds must be a number or a list of numbers in \[0, 1\]/,
  );
  assert.throws(() => new metrics.AUC({ numThresholds: 1 }), /numThresholds must be a whole number > 1/);
  assert.throws(() => new metrics.TopKCategoricalAccuracy({ k: 0 }), /k must be a whole number ≥ 1/);
  assert.throws(() => new metrics.FBetaScore({ beta: 0 }), /beta must be a number > 0/);
  assert.throws(() => new metrics.MeanIoU(0), /numClasses must be a whole number ≥ 1/);
  assert.throws(() => new metrics.IoU(3, [3]), /targetClassIds must be class indices in \[0, 3\)/);
  assert.throws(() => new metrics.SensitivityAtSpecificity(2), /specificity must be a number in \[0, 1\]/);
  const f1Beta = { beta: 2 } as unknown as metrics.F1ScoreArgs;
  assert.throws(() => new metrics.F1Score(f1Beta), /F1Score got an unexpected option 'beta'/);
});

/** Keras's documentation example of a metric subclass, in TypeScript. */
class BinaryTruePositives extends metrics.Metric {
  static override readonly className = 'BinaryTruePositives';
  private readonly truePositives = this.addVariable({ name: 'true_positives' });
  constructor(args: metrics.MetricArgs = {}) {
    super({ name: 'binary_true_positives', ...args });
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    let values = ops.mul(
      ops.compare('greater', yTrue, 0.5).cast('float32'),
      ops.compare('greater', yPred, 0.5).cast('float32'),
    );
    if (sampleWeight)
      values = ops.mul(values, sampleWeight.reshape([sampleWeight.size, ...values.shape.slice(1).map(() => 1)]));
    this.truePositives.assign(ops.add(this.truePositives.value, ops.sum(values)));
  }
  result(): Tensor {
    return this.truePositives.value;
  }
}

test("a user's Metric subclass keeps its state in variables, and compile logs it weighted or not", async () => {
  const m = new BinaryTruePositives();
  m.updateState(tensor([[1], [1], [0]]), tensor([[0.9], [0.2], [0.8]]));
  m.updateState(tensor([[1]]), tensor([[0.7]]), tensor([3]));
  assert.equal(m.result().values[0], 4);
  assert.equal(m.variables.length, 1);
  m.resetState();
  assert.equal(m.result().values[0], 0);

  const x = Input({ shape: [1] });
  const model = new Model(x, new layers.Dense(1, { activation: 'sigmoid' }).apply(x));
  model.setWeights([tensor([[1]]), tensor([0])]);
  model.compile({
    optimizer: 'sgd',
    loss: 'binary_crossentropy',
    metrics: [new BinaryTruePositives(), 'precision', new metrics.AUC({ name: 'roc' })],
    weightedMetrics: [new BinaryTruePositives({ name: 'tp' })],
  });
  // Predictions [1, 0, 1, 1] against targets [1, 1, 0, 1]: samples 0 and 3 are true positives.
  const logs = await model.evaluate(tensor([[2], [-2], [2], [2]]), tensor([[1], [1], [0], [1]]), {
    sampleWeight: [1, 1, 1, 5],
    returnDict: true,
    verbose: 0,
  });
  assert.equal(logs.binary_true_positives, 2);
  assert.equal(logs.tp, 6);
  assert.ok(Math.abs(logs.precision - 2 / 3) < 1e-6);
  assert.deepEqual(Object.keys(logs), ['loss', 'binary_true_positives', 'precision', 'roc', 'tp']);
  // A second evaluation starts from a fresh state.
  const again = await model.evaluate(tensor([[2], [-2], [2], [2]]), tensor([[1], [1], [0], [1]]), {
    returnDict: true,
    verbose: 0,
  });
  assert.equal(again.binary_true_positives, 2);
});

test('metrics ignore sample weights; weightedMetrics use them, named weighted_ on a clash, as Keras 3', async () => {
  const x = Input({ shape: [1] });
  const model = new Model(x, new layers.Dense(1, { activation: 'sigmoid' }).apply(x));
  model.setWeights([tensor([[1]]), tensor([0])]);
  model.compile({
    optimizer: 'sgd',
    loss: 'binary_crossentropy',
    metrics: ['accuracy'],
    weightedMetrics: ['accuracy'],
  });
  // Predictions [1, 0, 1, 1] against targets [1, 1, 0, 1]: samples 0 and 3 are right.
  const logs = await model.evaluate(tensor([[2], [-2], [2], [2]]), tensor([[1], [1], [0], [1]]), {
    sampleWeight: [1, 1, 1, 5],
    returnDict: true,
    verbose: 0,
  });
  assert.equal(logs.accuracy, 0.5);
  assert.equal(logs.weighted_accuracy, 0.75);
  assert.deepEqual(Object.keys(logs), ['loss', 'accuracy', 'weighted_accuracy']);
});

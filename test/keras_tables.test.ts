// Every loss and stateful metric of tables.json (Keras 3.15.1) against Dendrite, to 1e-6 relative.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tensor, losses, metrics, ops, tensor } from '../src/index.js';
import { lossFromKeras, metricFromKeras } from '../src/training/keras_objects.js';
import { FIXTURES } from './helpers/fixtures.js';

interface LossRow {
  class_name: string;
  config: Record<string, unknown>;
  y_true: string;
  y_pred: string;
  value: number;
  value_weighted: number;
}
interface MetricRow {
  class_name: string;
  config: Record<string, unknown>;
  y_true: string;
  y_pred: string;
  protocol: string;
  after_first: number;
  value: number;
}
const TABLES = JSON.parse(readFileSync(join(FIXTURES, 'tables.json'), 'utf8')) as {
  arrays: Record<string, number[] | number[][]>;
  losses: LossRow[];
  metrics: MetricRow[];
};
const array = (name: string): Tensor => tensor(TABLES.arrays[name]);
const rows = (name: string, from: number, to: number): Tensor => ops.rowRange(array(name), from, to);
const TOLERANCE = 1e-6;

function relativeError(got: number, want: number): number {
  if (got === want) return 0;
  return Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
}

/** The Keras loss functions by class name, with the class's options as the function takes them. */
const FUNCTIONS: Record<string, (t: Tensor, p: Tensor, c: Record<string, unknown>) => Tensor> = {
  MeanSquaredError: (t, p) => losses.meanSquaredError(t, p),
  MeanAbsoluteError: (t, p) => losses.meanAbsoluteError(t, p),
  MeanAbsolutePercentageError: (t, p) => losses.meanAbsolutePercentageError(t, p),
  MeanSquaredLogarithmicError: (t, p) => losses.meanSquaredLogarithmicError(t, p),
  Huber: (t, p, c) => losses.huber(t, p, { delta: c.delta as number }),
  LogCosh: (t, p) => losses.logCosh(t, p),
  BinaryCrossentropy: (t, p, c) =>
    losses.binaryCrossentropy(t, p, {
      fromLogits: c.from_logits as boolean | undefined,
      labelSmoothing: c.label_smoothing as number | undefined,
    }),
  BinaryFocalCrossentropy: (t, p, c) => losses.binaryFocalCrossentropy(t, p, { gamma: c.gamma as number }),
  CategoricalCrossentropy: (t, p, c) =>
    losses.categoricalCrossentropy(t, p, {
      fromLogits: c.from_logits as boolean | undefined,
      labelSmoothing: c.label_smoothing as number | undefined,
    }),
  CategoricalFocalCrossentropy: (t, p) => losses.categoricalFocalCrossentropy(t, p),
  SparseCategoricalCrossentropy: (t, p, c) =>
    losses.sparseCategoricalCrossentropy(t, p, { fromLogits: c.from_logits as boolean | undefined }),
  KLDivergence: (t, p) => losses.klDivergence(t, p),
  Poisson: (t, p) => losses.poisson(t, p),
  CosineSimilarity: (t, p) => losses.cosineSimilarity(t, p),
  Hinge: (t, p) => losses.hinge(t, p),
  SquaredHinge: (t, p) => losses.squaredHinge(t, p),
  CategoricalHinge: (t, p) => losses.categoricalHinge(t, p),
  Tversky: (t, p, c) => losses.tversky(t, p, { alpha: c.alpha as number, beta: c.beta as number }),
  Dice: (t, p) => losses.dice(t, p),
};

test("every loss of tables.json, as a class and as a function, gives Keras's value and weighted value", (t) => {
  assert.equal(TABLES.losses.length, 23);
  const sw = array('sample_weight');
  let worst = 0;
  for (const row of TABLES.losses) {
    const what = `${row.class_name} ${JSON.stringify(row.config)}`;
    const loss = lossFromKeras({ class_name: row.class_name, config: row.config });
    assert.ok(loss instanceof losses.Loss, what);
    const [yTrue, yPred] = [array(row.y_true), array(row.y_pred)];
    const fromFunction = ops.mean(FUNCTIONS[row.class_name](yTrue, yPred, row.config)).values[0];
    const checks: [string, number, number][] = [
      ['value', loss.apply(yTrue, yPred).values[0], row.value],
      ['weighted', loss.apply(yTrue, yPred, sw).values[0], row.value_weighted],
      ['function', fromFunction, row.value],
    ];
    for (const [kind, got, want] of checks) {
      const err = relativeError(got, want);
      worst = Math.max(worst, err);
      assert.ok(err <= TOLERANCE, `${what} ${kind}: ${got}, Keras ${want} (relative error ${err})`);
    }
  }
  t.diagnostic(`losses: ${TABLES.losses.length} rows, worst relative error ${worst.toExponential(2)}`);
});

test("every stateful metric of tables.json gives Keras's result after each of two updates", (t) => {
  assert.equal(TABLES.metrics.length, 20);
  let worst = 0;
  for (const row of TABLES.metrics) {
    const what = `${row.class_name} ${JSON.stringify(row.config)}`;
    assert.match(row.protocol, /update\(rows 0-2\).*update\(rows 3-5, sample_weight\[3:\]\)/);
    const metric = metricFromKeras({ class_name: row.class_name, config: row.config });
    assert.ok(metric instanceof metrics.Metric, what);
    metric.updateState(rows(row.y_true, 0, 3), rows(row.y_pred, 0, 3));
    const first = metric.result();
    metric.updateState(rows(row.y_true, 3, 6), rows(row.y_pred, 3, 6), rows('sample_weight', 3, 6));
    const second = metric.result();
    for (const [kind, got, want] of [
      ['after_first', first, row.after_first],
      ['value', second, row.value],
    ] as const) {
      assert.equal(typeof got, 'number', `${what} ${kind}: ${String(got)}`);
      const err = relativeError(got as number, want);
      worst = Math.max(worst, err);
      assert.ok(err <= TOLERANCE, `${what} ${kind}: ${String(got)}, Keras ${want} (relative error ${err})`);
    }
    metric.resetState();
    metric.updateState(rows(row.y_true, 0, 3), rows(row.y_pred, 0, 3));
    assert.equal(metric.result(), first, `${what}: resetState starts over`);
  }
  t.diagnostic(`metrics: ${TABLES.metrics.length} rows, worst relative error ${worst.toExponential(2)}`);
});

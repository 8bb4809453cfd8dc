/**
 * Metrics by Keras's identifiers, as `compile({ metrics })` and `metrics.get` take them: the
 * snake_case of Keras's metric class names (`top_k_categorical_accuracy`, `auc`), the class names
 * themselves (`AUC`), Keras's aliases (`mse`, `mae`, `mape`, `msle`, `bce`), and `acc` /
 * `accuracy`, which compile resolves by the shapes of targets and predictions as Keras does.
 */
import { Metric } from './metrics/base.js';
import * as accuracy from './metrics/accuracy.js';
import { AUC } from './metrics/auc.js';
import * as confusion from './metrics/confusion.js';
import { F1Score, FBetaScore } from './metrics/fscore.js';
import * as iou from './metrics/iou.js';
import * as point from './metrics/operating_point.js';
import * as probabilistic from './metrics/probabilistic.js';
import { Mean, Sum } from './metrics/reduction.js';
import * as regression from './metrics/regression.js';

/** The metric classes a name given to compile can mean: those whose options all have defaults. */
const BY_NAME = {
  AUC,
  BinaryAccuracy: accuracy.BinaryAccuracy,
  CategoricalAccuracy: accuracy.CategoricalAccuracy,
  SparseCategoricalAccuracy: accuracy.SparseCategoricalAccuracy,
  TopKCategoricalAccuracy: accuracy.TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy: accuracy.SparseTopKCategoricalAccuracy,
  TruePositives: confusion.TruePositives,
  FalsePositives: confusion.FalsePositives,
  TrueNegatives: confusion.TrueNegatives,
  FalseNegatives: confusion.FalseNegatives,
  Precision: confusion.Precision,
  Recall: confusion.Recall,
  Hinge: probabilistic.Hinge,
  SquaredHinge: probabilistic.SquaredHinge,
  CategoricalHinge: probabilistic.CategoricalHinge,
  KLDivergence: probabilistic.KLDivergence,
  Poisson: probabilistic.Poisson,
  BinaryCrossentropy: probabilistic.BinaryCrossentropy,
  CategoricalCrossentropy: probabilistic.CategoricalCrossentropy,
  SparseCategoricalCrossentropy: probabilistic.SparseCategoricalCrossentropy,
  MeanSquaredError: regression.MeanSquaredError,
  RootMeanSquaredError: regression.RootMeanSquaredError,
  MeanAbsoluteError: regression.MeanAbsoluteError,
  MeanAbsolutePercentageError: regression.MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError: regression.MeanSquaredLogarithmicError,
  CosineSimilarity: regression.CosineSimilarity,
  LogCoshError: regression.LogCoshError,
  R2Score: regression.R2Score,
} as const satisfies Record<string, new (args?: { name?: string }) => Metric>;

/** The same classes by Keras's snake_case of their names (`to_snake_case`), which compile takes. */
const BY_SNAKE_NAME = {
  auc: AUC,
  binary_accuracy: accuracy.BinaryAccuracy,
  categorical_accuracy: accuracy.CategoricalAccuracy,
  sparse_categorical_accuracy: accuracy.SparseCategoricalAccuracy,
  top_k_categorical_accuracy: accuracy.TopKCategoricalAccuracy,
  sparse_top_k_categorical_accuracy: accuracy.SparseTopKCategoricalAccuracy,
  true_positives: confusion.TruePositives,
  false_positives: confusion.FalsePositives,
  true_negatives: confusion.TrueNegatives,
  false_negatives: confusion.FalseNegatives,
  precision: confusion.Precision,
  recall: confusion.Recall,
  hinge: probabilistic.Hinge,
  squared_hinge: probabilistic.SquaredHinge,
  categorical_hinge: probabilistic.CategoricalHinge,
  kl_divergence: probabilistic.KLDivergence,
  poisson: probabilistic.Poisson,
  binary_crossentropy: probabilistic.BinaryCrossentropy,
  bce: probabilistic.BinaryCrossentropy,
  BCE: probabilistic.BinaryCrossentropy,
  categorical_crossentropy: probabilistic.CategoricalCrossentropy,
  sparse_categorical_crossentropy: probabilistic.SparseCategoricalCrossentropy,
  mean_squared_error: regression.MeanSquaredError,
  mse: regression.MeanSquaredError,
  MSE: regression.MeanSquaredError,
  root_mean_squared_error: regression.RootMeanSquaredError,
  mean_absolute_error: regression.MeanAbsoluteError,
  mae: regression.MeanAbsoluteError,
  MAE: regression.MeanAbsoluteError,
  mean_absolute_percentage_error: regression.MeanAbsolutePercentageError,
  mape: regression.MeanAbsolutePercentageError,
  MAPE: regression.MeanAbsolutePercentageError,
  mean_squared_logarithmic_error: regression.MeanSquaredLogarithmicError,
  msle: regression.MeanSquaredLogarithmicError,
  MSLE: regression.MeanSquaredLogarithmicError,
  cosine_similarity: regression.CosineSimilarity,
  log_cosh_error: regression.LogCoshError,
  r2_score: regression.R2Score,
} as const satisfies Record<string, new (args?: { name?: string }) => Metric>;

/** Names compile resolves by shapes: binary, categorical or sparse categorical accuracy. */
const ACCURACY_IDS = ['acc', 'accuracy', 'Accuracy', 'ACC'] as const;

/** Every name `compile` takes for a metric. */
export type MetricId = keyof typeof BY_NAME | keyof typeof BY_SNAKE_NAME | (typeof ACCURACY_IDS)[number];

/** Keras metrics whose default result has one number per class: compile cannot log them by name. */
const PER_CLASS: Readonly<Record<string, string>> = {
  f1_score: "new metrics.F1Score({ average: 'macro' })",
  F1Score: "new metrics.F1Score({ average: 'macro' })",
  fbeta_score: "new metrics.FBetaScore({ average: 'macro' })",
  f_beta_score: "new metrics.FBetaScore({ average: 'macro' })",
  FBetaScore: "new metrics.FBetaScore({ average: 'macro' })",
};

const METRIC_IDS: readonly string[] = [...Object.keys(BY_NAME), ...Object.keys(BY_SNAKE_NAME), ...ACCURACY_IDS];

export function isMetricId(id: unknown): id is MetricId {
  return typeof id === 'string' && METRIC_IDS.includes(id);
}

/** Throws, saying what compile takes, unless `id` names a metric compile can log. */
export function checkMetricId(id: unknown, where: string): asserts id is MetricId {
  if (isMetricId(id)) return;
  const perClass = typeof id === 'string' && Object.hasOwn(PER_CLASS, id) ? PER_CLASS[id] : null;
  if (perClass)
    throw new Error(
      `${where}: the metric '${String(id)}' reports one score per class by default, and a log holds one number ` +
        `per metric; use ${perClass}.`,
    );
  throw new Error(
    `${where}: unknown metric ${typeof id === 'string' ? `'${id}'` : String(id)}. Known: ${[...ACCURACY_IDS.slice(0, 2), ...Object.keys(BY_SNAKE_NAME)].join(', ')}, or a class name (${Object.keys(BY_NAME).join(', ')}), or a metrics.Metric object.`,
  );
}

/**
 * Throws unless `metric` can be logged by fit: one number per result. Known before any data for
 * the built-in classes (several thresholds, per-class F-scores and R² give several numbers).
 */
export function checkLoggable(metric: Metric, where: string): void {
  let count = 1;
  if (
    metric instanceof confusion.TruePositives ||
    metric instanceof confusion.FalsePositives ||
    metric instanceof confusion.TrueNegatives ||
    metric instanceof confusion.FalseNegatives ||
    metric instanceof confusion.Precision ||
    metric instanceof confusion.Recall
  )
    count = metric.thresholds.length;
  if (
    (metric instanceof FBetaScore && metric.average === null) ||
    (metric instanceof regression.R2Score && metric.classAggregation === null)
  )
    count = Number.POSITIVE_INFINITY;
  if (metric instanceof Mean || metric instanceof Sum)
    throw new Error(
      `${where}: ${metric.className} averages values given to it, not targets and predictions; wrap a function ` +
        `of (yTrue, yPred) in new metrics.MeanMetricWrapper(fn) instead.`,
    );
  if (count > 1)
    throw new Error(
      `${where}: the metric '${metric.name}' (${metric.className}) reports ` +
        `${Number.isFinite(count) ? count : 'several'} numbers (one per ` +
        `${Number.isFinite(count) ? 'threshold' : 'class'}); a log holds one number per metric.`,
    );
}

/** A metric object for an identifier, as Keras's `metrics.get`: `accuracy` is the class Accuracy here. */
export function get(identifier: MetricId | Metric): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'string' && (ACCURACY_IDS as readonly string[]).includes(identifier))
    return new accuracy.Accuracy();
  checkMetricId(identifier, 'metrics.get');
  return create(identifier, identifier);
}

type Named = new (args: { name: string }) => Metric;

function create(id: string, name: string): Metric {
  const byName: Readonly<Record<string, Named>> = BY_NAME;
  const bySnakeName: Readonly<Record<string, Named>> = BY_SNAKE_NAME;
  const Cls = Object.hasOwn(byName, id) ? byName[id] : bySnakeName[id];
  return new Cls({ name });
}

/**
 * The metric compile runs for an identifier, named as written. `acc` / `accuracy` resolve by
 * shapes as Keras 3 does: binary when predictions have one column, sparse when targets have one
 * fewer axis (or one column against many), categorical otherwise. A metric object is used as it
 * is, from a fresh state.
 */
export function createMetric(
  id: MetricId | Metric,
  yTrueShape: readonly (number | null)[] | null,
  yPredShape: readonly (number | null)[],
): Metric {
  if (id instanceof Metric) {
    id.resetState();
    return id;
  }
  if ((ACCURACY_IDS as readonly string[]).includes(id)) {
    const last = yPredShape[yPredShape.length - 1];
    const tRank = yTrueShape?.length ?? yPredShape.length;
    const tLast = yTrueShape?.[yTrueShape.length - 1];
    if (last === 1) return new accuracy.BinaryAccuracy({ name: id });
    if (tRank < yPredShape.length || (tLast === 1 && last !== 1))
      return new accuracy.SparseCategoricalAccuracy({ name: id });
    return new accuracy.CategoricalAccuracy({ name: id });
  }
  checkMetricId(id, 'compile');
  return create(id, id);
}

type Factory = (config: Record<string, unknown>) => Metric;

/** Every Keras metric class Dendrite has, by class name. */
const CLASSES: Readonly<Record<string, abstract new (...args: never[]) => Metric>> = {
  ...BY_NAME,
  Accuracy: accuracy.Accuracy,
  F1Score,
  FBetaScore,
  Mean,
  Sum,
  IoU: iou.IoU,
  MeanIoU: iou.MeanIoU,
  BinaryIoU: iou.BinaryIoU,
  OneHotIoU: iou.OneHotIoU,
  OneHotMeanIoU: iou.OneHotMeanIoU,
  SensitivityAtSpecificity: point.SensitivityAtSpecificity,
  SpecificityAtSensitivity: point.SpecificityAtSensitivity,
  PrecisionAtRecall: point.PrecisionAtRecall,
  RecallAtPrecision: point.RecallAtPrecision,
};

/** The classes whose required arguments come first, positionally, as in Keras. */
const POSITIONAL: Readonly<Record<string, Factory>> = {
  IoU: ({ numClasses, targetClassIds, ...c }) => new iou.IoU(numClasses as number, targetClassIds as number[], c),
  MeanIoU: ({ numClasses, ...c }) => new iou.MeanIoU(numClasses as number, c),
  OneHotIoU: ({ numClasses, targetClassIds, ...c }) =>
    new iou.OneHotIoU(numClasses as number, targetClassIds as number[], c),
  OneHotMeanIoU: ({ numClasses, ...c }) => new iou.OneHotMeanIoU(numClasses as number, c),
  SensitivityAtSpecificity: ({ specificity, ...c }) => new point.SensitivityAtSpecificity(specificity as number, c),
  SpecificityAtSensitivity: ({ sensitivity, ...c }) => new point.SpecificityAtSensitivity(sensitivity as number, c),
  PrecisionAtRecall: ({ recall, ...c }) => new point.PrecisionAtRecall(recall as number, c),
  RecallAtPrecision: ({ precision, ...c }) => new point.RecallAtPrecision(precision as number, c),
};

export const METRIC_CLASS_NAMES: readonly string[] = Object.keys(CLASSES);

/** Rebuilds a metric from its class name and config (camelCase options); the class checks the options. */
export function metricFromConfig(className: string, config: Record<string, unknown>): Metric | null {
  if (!Object.hasOwn(CLASSES, className)) return null;
  if (Object.hasOwn(POSITIONAL, className)) return POSITIONAL[className](config);
  const Cls = CLASSES[className] as unknown as new (args: Record<string, unknown>) => Metric;
  return new Cls(config);
}

/** Whether a metric is one of Keras's own classes here (not a user's subclass), so that a file can name it. */
export function isKerasMetric(metric: Metric): boolean {
  return Object.hasOwn(CLASSES, metric.className) && CLASSES[metric.className] === metric.constructor;
}

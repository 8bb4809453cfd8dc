// The `metrics` namespace of the public API: Keras's metric classes, its accuracy functions, and `get`.
export {
  Metric,
  type MetricArgs,
  type MetricResult,
  type AddVariableArgs,
} from '../training/metrics/base.js';
export { Mean, Sum, MeanMetricWrapper, type MetricFn } from '../training/metrics/reduction.js';
export {
  Accuracy,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy,
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  sparseCategoricalAccuracy,
  topKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  type BinaryAccuracyArgs,
  type TopKArgs,
} from '../training/metrics/accuracy.js';
export {
  TruePositives,
  FalsePositives,
  TrueNegatives,
  FalseNegatives,
  Precision,
  Recall,
  type ThresholdArgs,
  type PrecisionRecallArgs,
  type ThresholdResult,
} from '../training/metrics/confusion.js';
export { AUC, type AUCArgs, type AucCurve, type AucSummation } from '../training/metrics/auc.js';
export {
  SensitivityAtSpecificity,
  SpecificityAtSensitivity,
  PrecisionAtRecall,
  RecallAtPrecision,
  type OperatingPointArgs,
} from '../training/metrics/operating_point.js';
export {
  FBetaScore,
  F1Score,
  type FBetaScoreArgs,
  type F1ScoreArgs,
  type FScoreAverage,
  type FScoreResult,
} from '../training/metrics/fscore.js';
export {
  IoU,
  BinaryIoU,
  MeanIoU,
  OneHotIoU,
  OneHotMeanIoU,
  type IoUArgs,
  type BinaryIoUArgs,
  type OneHotIoUArgs,
} from '../training/metrics/iou.js';
export {
  MeanSquaredError,
  RootMeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  CosineSimilarity,
  LogCoshError,
  R2Score,
  type R2ScoreArgs,
  type R2Aggregation,
  type R2Result,
} from '../training/metrics/regression.js';
export {
  KLDivergence,
  Poisson,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  type BinaryCrossentropyMetricArgs,
  type CategoricalCrossentropyMetricArgs,
  type SparseCategoricalCrossentropyMetricArgs,
} from '../training/metrics/probabilistic.js';
export { get, type MetricId } from '../training/metrics.js';

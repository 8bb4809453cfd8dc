// The `losses` namespace of the public API: Keras's loss functions and loss classes.
export type { LossFn } from '../training/losses.js';
export {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  huber,
  logCosh,
  cosineSimilarity,
  type HuberOptions,
  type CosineSimilarityOptions,
} from '../training/losses.js';
export {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  sparseCategoricalCrossentropy,
  klDivergence,
  poisson,
  type CrossentropyOptions,
  type FocalOptions,
  type BinaryFocalOptions,
  type SparseCrossentropyOptions,
} from '../training/losses_probabilistic.js';
export { hinge, squaredHinge, categoricalHinge } from '../training/losses_hinge.js';
export {
  dice,
  tversky,
  type DiceOptions,
  type TverskyOptions,
  type OverlapAxis,
} from '../training/losses_segmentation.js';
export { getLoss, getLoss as get, type LossId } from '../training/loss_registry.js';
export {
  Loss,
  MeanSquaredError,
  MeanAbsoluteError,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Huber,
  LogCosh,
  CosineSimilarity,
  type Reduction,
  type LossArgs,
  type HuberArgs,
  type CosineSimilarityArgs,
} from '../training/loss_classes.js';
export {
  BinaryCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalCrossentropy,
  CategoricalFocalCrossentropy,
  SparseCategoricalCrossentropy,
  KLDivergence,
  Poisson,
  type CrossentropyArgs,
  type FocalCrossentropyArgs,
  type BinaryFocalCrossentropyArgs,
  type SparseCategoricalCrossentropyArgs,
} from '../training/loss_classes_probabilistic.js';
export {
  Hinge,
  SquaredHinge,
  CategoricalHinge,
  Dice,
  Tversky,
  type DiceArgs,
  type TverskyArgs,
} from '../training/loss_classes_margin.js';

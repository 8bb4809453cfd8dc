// The `losses` namespace of the public API: the loss functions, and Keras's loss classes.
export {
  type LossFn,
  type LossId,
  getLoss,
  meanSquaredError,
  meanAbsoluteError,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  huber,
  cosineSimilarity,
} from '../training/losses.js';
export {
  Loss,
  MeanSquaredError,
  MeanAbsoluteError,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  Huber,
  CosineSimilarity,
  type Reduction,
  type LossArgs,
  type CrossentropyArgs,
  type SparseCategoricalCrossentropyArgs,
  type HuberArgs,
  type CosineSimilarityArgs,
} from '../training/loss_classes.js';

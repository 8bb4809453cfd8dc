/**
 * Losses by Keras's identifiers, as `compile({ loss })` and `losses.get` take them: the snake_case
 * names of Keras's loss functions (`mean_squared_error`), its short aliases (`mse`, `bce`, `kld`),
 * and its class names (`MeanSquaredError`), which mean the class with its defaults.
 */
import { Loss, type Reduction } from './loss_classes.js';
import * as regression from './loss_classes.js';
import * as margin from './loss_classes_margin.js';
import * as probabilistic from './loss_classes_probabilistic.js';
import {
  type LossFn,
  cosineSimilarity,
  huber,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
} from './losses.js';
import { categoricalHinge, hinge, squaredHinge } from './losses_hinge.js';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  klDivergence,
  poisson,
  sparseCategoricalCrossentropy,
} from './losses_probabilistic.js';
import { dice, tversky } from './losses_segmentation.js';

/** Keras's loss functions by their Python names, with their default options. */
const FUNCTIONS = {
  mean_squared_error: meanSquaredError,
  mean_absolute_error: meanAbsoluteError,
  mean_absolute_percentage_error: meanAbsolutePercentageError,
  mean_squared_logarithmic_error: meanSquaredLogarithmicError,
  huber: (a, b) => huber(a, b),
  log_cosh: logCosh,
  cosine_similarity: (a, b) => cosineSimilarity(a, b),
  binary_crossentropy: (a, b) => binaryCrossentropy(a, b),
  binary_focal_crossentropy: (a, b) => binaryFocalCrossentropy(a, b),
  categorical_crossentropy: (a, b) => categoricalCrossentropy(a, b),
  categorical_focal_crossentropy: (a, b) => categoricalFocalCrossentropy(a, b),
  sparse_categorical_crossentropy: (a, b) => sparseCategoricalCrossentropy(a, b),
  kl_divergence: klDivergence,
  poisson,
  hinge,
  squared_hinge: squaredHinge,
  categorical_hinge: categoricalHinge,
  dice: (a, b) => dice(a, b),
  tversky: (a, b) => tversky(a, b),
} as const satisfies Record<string, LossFn>;

/** Keras's short names for some of them (`keras.losses.get('mse')`). */
const ALIASES = {
  mse: 'mean_squared_error',
  MSE: 'mean_squared_error',
  mae: 'mean_absolute_error',
  MAE: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  MAPE: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  MSLE: 'mean_squared_logarithmic_error',
  bce: 'binary_crossentropy',
  BCE: 'binary_crossentropy',
  kld: 'kl_divergence',
  KLD: 'kl_divergence',
} as const satisfies Record<string, keyof typeof FUNCTIONS>;

/** A class built from its options object, which the class itself checks. */
export type LossClass = new (args: never) => Loss;

/** Keras's loss classes by class name, for configs and for class names given as identifiers. */
export const LOSS_CLASSES = {
  MeanSquaredError: regression.MeanSquaredError,
  MeanAbsoluteError: regression.MeanAbsoluteError,
  MeanAbsolutePercentageError: regression.MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError: regression.MeanSquaredLogarithmicError,
  Huber: regression.Huber,
  LogCosh: regression.LogCosh,
  CosineSimilarity: regression.CosineSimilarity,
  BinaryCrossentropy: probabilistic.BinaryCrossentropy,
  BinaryFocalCrossentropy: probabilistic.BinaryFocalCrossentropy,
  CategoricalCrossentropy: probabilistic.CategoricalCrossentropy,
  CategoricalFocalCrossentropy: probabilistic.CategoricalFocalCrossentropy,
  SparseCategoricalCrossentropy: probabilistic.SparseCategoricalCrossentropy,
  KLDivergence: probabilistic.KLDivergence,
  Poisson: probabilistic.Poisson,
  Hinge: margin.Hinge,
  SquaredHinge: margin.SquaredHinge,
  CategoricalHinge: margin.CategoricalHinge,
  Dice: margin.Dice,
  Tversky: margin.Tversky,
} as const satisfies Record<string, new () => Loss>;

/** A Keras loss function's name (`mean_squared_error`), which Keras may also save as a serialized function. */
export type LossFunctionName = keyof typeof FUNCTIONS;
/** Every name `compile` takes for a loss, as Keras's `losses.get` does. */
export type LossId = LossFunctionName | keyof typeof ALIASES | keyof typeof LOSS_CLASSES;

export const LOSS_FUNCTION_NAMES: readonly LossFunctionName[] = Object.keys(FUNCTIONS) as LossFunctionName[];
const LOSS_IDS: readonly string[] = [...LOSS_FUNCTION_NAMES, ...Object.keys(ALIASES), ...Object.keys(LOSS_CLASSES)];

export function isLossId(id: unknown): id is LossId {
  return typeof id === 'string' && LOSS_IDS.includes(id);
}

function unknownLoss(id: unknown): Error {
  return new Error(
    `Unknown loss ${typeof id === 'string' ? `'${id}'` : String(id)}. Known: ${[...LOSS_FUNCTION_NAMES, ...Object.keys(ALIASES)].join(', ')}, or a class name (${Object.keys(LOSS_CLASSES).join(', ')}).`,
  );
}

/** The per-sample loss function an identifier names; a function is returned as it is. */
export function getLoss(id: LossId | LossFn): LossFn {
  if (typeof id === 'function') return id;
  if (!isLossId(id)) throw unknownLoss(id);
  if (Object.hasOwn(FUNCTIONS, id)) return FUNCTIONS[id as LossFunctionName];
  if (Object.hasOwn(ALIASES, id)) return FUNCTIONS[ALIASES[id as keyof typeof ALIASES]];
  const loss = new LOSS_CLASSES[id as keyof typeof LOSS_CLASSES]();
  return (yTrue, yPred) => loss.call(yTrue, yPred);
}

/** What compile runs for a loss: its per-sample values, and how they reduce to the output's loss. */
export interface ResolvedLoss {
  fn: LossFn;
  reduction: Exclude<Reduction, 'none'>;
}

/** Resolves a loss given to compile; unknown names and the `none` reduction are refused here. */
export function resolveLoss(spec: LossId | LossFn | Loss, output: string): ResolvedLoss {
  if (!(spec instanceof Loss)) {
    if (typeof spec !== 'function' && !isLossId(spec))
      throw new Error(`compile: the loss of output '${output}': ${unknownLoss(spec).message}`);
    return { fn: getLoss(spec), reduction: 'sum_over_batch_size' };
  }
  const { reduction } = spec;
  if (reduction === 'none' || reduction === null)
    throw new Error(
      `compile: the loss ${spec.className} of output '${output}' has reduction 'none'; training needs one number ` +
        `per output. Use 'sum_over_batch_size' (the default), 'sum' or 'mean_with_sample_weight'.`,
    );
  return { fn: (yTrue, yPred) => spec.call(yTrue, yPred), reduction };
}

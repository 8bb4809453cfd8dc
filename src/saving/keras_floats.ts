/**
 * Which numbers in a Keras config are Python floats: the fields each Keras class types as float
 * (its defaults are floats, and some check the type, as SGD's `momentum` does). Dendrite writes
 * these with a decimal point (`0.0`) and every other whole number as an int, as Keras does; a
 * field typed float that Keras would have written as an int reads back the same.
 */
import type { JsonPlace } from './python_json.js';

const OPTIMIZER = ['learning_rate', 'weight_decay', 'clipnorm', 'global_clipnorm', 'clipvalue', 'ema_momentum'];
const ADAM = [...OPTIMIZER, 'beta_1', 'beta_2', 'epsilon'];
const RNN = ['dropout', 'recurrent_dropout'];
const CROSSENTROPY = ['label_smoothing'];
const FOCAL = [...CROSSENTROPY, 'alpha', 'gamma'];
const THRESHOLDS = ['thresholds'];

const FLOAT_FIELDS: Record<string, readonly string[]> = {
  // Optimizers.
  SGD: [...OPTIMIZER, 'momentum'],
  RMSprop: [...OPTIMIZER, 'rho', 'momentum', 'epsilon'],
  Adam: ADAM,
  AdamW: ADAM,
  Adamax: ADAM,
  Nadam: ADAM,
  Adagrad: [...OPTIMIZER, 'initial_accumulator_value', 'epsilon'],
  Adadelta: [...OPTIMIZER, 'rho', 'epsilon'],
  // Learning-rate schedules (step counts and boundaries stay ints).
  ExponentialDecay: ['initial_learning_rate', 'decay_rate'],
  PiecewiseConstantDecay: ['values'],
  PolynomialDecay: ['initial_learning_rate', 'end_learning_rate', 'power'],
  InverseTimeDecay: ['initial_learning_rate', 'decay_rate'],
  CosineDecay: ['initial_learning_rate', 'alpha', 'warmup_target'],
  CosineDecayRestarts: ['initial_learning_rate', 't_mul', 'm_mul', 'alpha'],
  // Losses (and the metrics of the same names).
  BinaryCrossentropy: CROSSENTROPY,
  CategoricalCrossentropy: CROSSENTROPY,
  BinaryFocalCrossentropy: FOCAL,
  CategoricalFocalCrossentropy: FOCAL,
  Huber: ['delta'],
  Tversky: ['alpha', 'beta'],
  // Metrics (FBetaScore checks that beta and threshold are floats).
  FBetaScore: ['beta', 'threshold'],
  F1Score: ['threshold'],
  BinaryAccuracy: ['threshold'],
  BinaryIoU: ['threshold'],
  TruePositives: THRESHOLDS,
  FalsePositives: THRESHOLDS,
  TrueNegatives: THRESHOLDS,
  FalseNegatives: THRESHOLDS,
  Precision: THRESHOLDS,
  Recall: THRESHOLDS,
  AUC: [...THRESHOLDS, 'label_weights'],
  SensitivityAtSpecificity: ['specificity'],
  SpecificityAtSensitivity: ['sensitivity'],
  PrecisionAtRecall: ['recall'],
  RecallAtPrecision: ['precision'],
  // Layers.
  Dropout: ['rate'],
  BatchNormalization: ['momentum', 'epsilon', 'renorm_momentum'],
  LayerNormalization: ['epsilon'],
  LSTM: RNN,
  GRU: RNN,
  SimpleRNN: RNN,
  LSTMCell: RNN,
  GRUCell: RNN,
  SimpleRNNCell: RNN,
  Masking: ['mask_value'],
  GroupNormalization: ['epsilon'],
  ReLU: ['max_value', 'negative_slope', 'threshold'],
  LeakyReLU: ['negative_slope'],
  ELU: ['alpha'],
  GaussianNoise: ['stddev'],
  GaussianDropout: ['rate'],
  AlphaDropout: ['rate'],
  SpatialDropout1D: ['rate'],
  SpatialDropout2D: ['rate'],
  ActivityRegularization: ['l1', 'l2'],
  Attention: ['dropout'],
  AdditiveAttention: ['dropout'],
  MultiHeadAttention: ['dropout'],
  // Initializers, regularizers and constraints.
  RandomNormal: ['mean', 'stddev'],
  TruncatedNormal: ['mean', 'stddev'],
  RandomUniform: ['minval', 'maxval'],
  Constant: ['value'],
  VarianceScaling: ['scale'],
  Orthogonal: ['gain'],
  Identity: ['gain'],
  L1: ['l1'],
  L2: ['l2'],
  L1L2: ['l1', 'l2'],
  OrthogonalRegularizer: ['factor'],
  MaxNorm: ['max_value'],
  MinMaxNorm: ['min_value', 'max_value', 'rate'],
};

/** Whether a call argument is a symbolic tensor of a float dtype (`{"class_name": "__keras_tensor__", ...}`). */
function isFloatTensor(arg: unknown): boolean {
  const t = arg as { class_name?: unknown; config?: { dtype?: unknown } } | null;
  return (
    t?.class_name === '__keras_tensor__' && typeof t.config?.dtype === 'string' && t.config.dtype.startsWith('float')
  );
}

/** Whether the number at `place` in a config.json is a float in Keras's own files. */
export function isKerasFloat(place: JsonPlace): boolean {
  if (place.className !== null && place.field !== null)
    return FLOAT_FIELDS[place.className]?.includes(place.field) ?? false;
  // The value a NotEqual op compares with: Masking's float mask_value for a float tensor, an
  // Embedding's int 0 for an int one.
  if (place.owner === 'NotEqual' && place.path[place.path.length - 1] === 'args')
    return place.list?.some(isFloatTensor) ?? false;
  // compile_config's loss weights, in a list or a record by output name.
  const at = place.path.indexOf('loss_weights');
  return at > 0 && place.path[at - 1] === 'compile_config';
}

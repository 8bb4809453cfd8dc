// The `layers` namespace of the public API: one export line per layer family.
export { Layer, clearSession, type LayerArgs, type CallContext, type ShapeArg } from './layer.js';
export { InputLayer, Input, type InputArgs } from './input.js';
export { Dense, Activation, Dropout, type DenseArgs, type DropoutArgs } from './core.js';
export { Flatten, Reshape, Permute, RepeatVector } from './reshaping.js';
export { Conv1D, Conv2D, type Conv1DArgs, type Conv2DArgs } from './conv.js';
export {
  SeparableConv1D,
  SeparableConv2D,
  DepthwiseConv1D,
  DepthwiseConv2D,
  type SeparableConv1DArgs,
  type SeparableConv2DArgs,
  type DepthwiseConv1DArgs,
  type DepthwiseConv2DArgs,
} from './separable_conv.js';
export {
  Conv1DTranspose,
  Conv2DTranspose,
  type Conv1DTransposeArgs,
  type Conv2DTransposeArgs,
} from './conv_transpose.js';
export {
  MaxPooling1D,
  MaxPooling2D,
  AveragePooling1D,
  AveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  type Pooling1DArgs,
  type Pooling2DArgs,
  type GlobalPoolingArgs,
} from './pooling.js';
export {
  ZeroPadding1D,
  ZeroPadding2D,
  Cropping1D,
  Cropping2D,
  UpSampling1D,
  UpSampling2D,
  type Margins1D,
  type Margins2D,
} from './spatial_reshaping.js';
export {
  Add,
  Subtract,
  Multiply,
  Average,
  Maximum,
  Minimum,
  Concatenate,
  add,
  subtract,
  multiply,
  average,
  maximum,
  minimum,
  concatenate,
  dot,
  type MergeArgs,
  type ConcatenateArgs,
  type DotFunctionArgs,
} from './merge.js';
export { Dot, type DotArgs, type DotAxes } from './dot.js';
export {
  BatchNormalization,
  LayerNormalization,
  type BatchNormalizationArgs,
  type LayerNormalizationArgs,
} from './normalization.js';
export {
  type LengthInverse,
  hasLengthInverse,
  minInputLengthThrough,
  leastWorkingLength,
  WindowTooLargeError,
} from './length_inverse.js';
export { Embedding, type EmbeddingArgs } from './embedding.js';
export { Masking, type MaskingArgs } from './masking.js';
export { LSTM, type LSTMArgs } from './recurrent/lstm.js';
export { GRU, type GRUArgs } from './recurrent/gru.js';
export { SimpleRNN, type SimpleRNNArgs } from './recurrent/simple_rnn.js';
export { RecurrentLayer, type RecurrentArgs, type RecurrentActivationId } from './recurrent/base.js';
export { Bidirectional, TimeDistributed, type BidirectionalArgs, type MergeMode } from './wrappers.js';
export { deserializeLayer, serializeLayer, layerClassFor } from './serialization.js';
export { GroupNormalization, type GroupNormalizationArgs } from './group_normalization.js';
export { UnitNormalization, type UnitNormalizationArgs } from './unit_normalization.js';
export { Lambda, type LambdaArgs, type LambdaFn } from './lambda.js';
export { ReLU, type ReLUArgs } from './relu.js';
export { LeakyReLU, type LeakyReLUArgs } from './leaky_relu.js';
export { PReLU, type PReLUArgs } from './prelu.js';
export { ELU, type ELUArgs } from './elu.js';
export { Softmax, type SoftmaxArgs } from './softmax.js';
export { Identity, type IdentityArgs } from './identity.js';
export { GaussianNoise, type GaussianNoiseArgs } from './gaussian_noise.js';
export { GaussianDropout, type GaussianDropoutArgs } from './gaussian_dropout.js';
export { AlphaDropout, type AlphaDropoutArgs } from './alpha_dropout.js';
export { SpatialDropout1D, type SpatialDropout1DArgs } from './spatial_dropout1d.js';
export { SpatialDropout2D, type SpatialDropout2DArgs } from './spatial_dropout2d.js';
export { ActivityRegularization, type ActivityRegularizationArgs } from './activity_regularization.js';
export { EinsumDense, type EinsumDenseArgs } from './einsum_dense.js';
export {
  MultiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionCallArgs,
} from './attention/multi_head_attention.js';
export { Attention, type AttentionArgs } from './attention/attention.js';
export { AdditiveAttention, type AdditiveAttentionArgs } from './attention/additive_attention.js';
export type { DenseAttention, DenseAttentionCallArgs } from './attention/dense_attention.js';
export { GroupedQueryAttention, type GroupedQueryAttentionArgs } from './attention/grouped_query_attention.js';

import { installTensorMethods } from '../tensor/tensor.js';
import { add, cast } from './arithmetic.js';
import { reshape } from './shape_ops.js';
import { installGradientAdder } from './tape.js';

installTensorMethods({ cast, reshape });
installGradientAdder(add);

export * from './arithmetic.js';
export * from './reduce.js';
export * from './shape_ops.js';
export * from './matmul.js';
export * from './nn.js';
export * from './conv.js';
export { valueAndGrads, noGrad, isRecording } from './tape.js';
export { BufferPool, withBufferPool } from './create.js';
export * from './spatial.js';
export * from './recurrent.js';
export { embeddingLookup, sparseGradientSquares } from './embedding.js';
export { einsum } from './einsum.js';
export { maskedSoftmax, type MaskedSoftmaxOptions } from './masked_softmax.js';

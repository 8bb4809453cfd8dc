// The argument kinds of every native kernel binding, in order, as src/backend/native/addon.ts
// declares them: what fuzz_kernels.ts draws arguments from.

export type Kind =
  | 'f32'
  | 'f32?'
  | 'i32'
  | 'i32?'
  | 'u8?'
  | 'typed'
  | 'size'
  | 'num'
  | 'bool'
  | `code${number}`
  | 'geom16'
  | 'geom12'
  | 'shapes'
  | 'spec'
  | 'dims7';

const F = 'f32' as const;
/** Argument kinds of every kernel binding, in order (src/backend/native/addon.ts). */
export const SIGNATURES: Readonly<Record<string, readonly Kind[]>> = {
  matmul: [F, F, F, 'size', 'size', 'size', 'bool', 'bool', 'f32?', 'code4', 'bool'],
  unary: ['code29', F, 'typed', 'num'],
  unaryGrad: ['code29', F, F, F, F, 'num'],
  binary: ['code13', F, F, 'typed', 'shapes'],
  reduceSum: [F, 'size', 'size', 'size', F],
  reduceMax: [F, 'size', 'size', 'size', F, 'i32?'],
  transpose: ['typed', 'typed', 'spec'],
  copyBlock: ['typed', 'size', 'size', 'typed', 'size', 'size'],
  sliceBlock: ['typed', 'size', 'size', 'size', 'size', 'typed'],
  cast: ['typed', 'typed'],
  sumSquares: [F],
  allFinite: [F],
  softmax: [F, F, 'size', 'size'],
  softmaxGrad: [F, F, F, 'size', 'size'],
  softmaxCrossEntropy: [F, F, 'size', 'size', F, F],
  gather: [F, 'size', 'i32', F],
  scatterAdd: [F, 'size', 'i32', F],
  conv2d: [F, F, 'f32?', F, 'geom16', 'code4'],
  conv2dBackpropInput: [F, F, F, 'geom16'],
  conv2dBackpropFilter: [F, F, F, 'geom16'],
  depthwiseConv2d: [F, F, F, 'geom16'],
  depthwiseConv2dBackpropInput: [F, F, F, 'geom16'],
  depthwiseConv2dBackpropFilter: [F, F, F, 'geom16'],
  maxPool2d: [F, F, 'i32', 'geom12'],
  maxPool2dGrad: [F, 'i32', F],
  avgPool2d: [F, F, 'geom12'],
  avgPool2dGrad: [F, F, 'geom12'],
  sgdUpdate: [F, F, 'f32?', 'num', 'num', 'bool'],
  rmspropUpdate: [F, F, F, 'f32?', 'num', 'num', 'num', 'num', 'f32?'],
  adamUpdate: [F, F, F, F, 'f32?', 'num', 'num', 'num', 'num', 'num', 'num', 'f32?'],
  adagradUpdate: [F, F, F, 'num', 'num', 'f32?'],
  lstmGatesForward: [F, F, F, F, F, 'u8?', 'size', 'size', 'code5', 'code5'],
  lstmGatesBackward: [F, F, F, F, 'f32?', F, F, F, F, 'u8?', 'size', 'size', 'code5', 'code5'],
  gruGatesForward: [F, F, F, F, 'u8?', 'size', 'size', 'code5', 'code5'],
  gruGatesBackward: [F, F, F, F, 'f32?', F, F, F, 'u8?', 'size', 'size', 'code5', 'code5'],
  gruResetForward: [F, F, F, F, 'size', 'size', 'code5'],
  gruCandidateForward: [F, F, F, F, 'u8?', 'size', 'size', 'code5'],
  gruCandidateBackward: [F, F, F, 'f32?', F, F, F, 'u8?', 'size', 'size', 'code5', 'code5'],
  gruResetBackward: [F, F, F, F, F, 'u8?', 'size', 'size', 'code5'],
  rnnStepForward: [F, F, F, 'u8?', 'size', 'size', 'code5'],
  rnnStepBackward: [F, F, 'f32?', F, F, 'u8?', 'size', 'size', 'code5'],
  lstmSequenceForward: [F, F, F, 'f32?', 'u8?', 'f32?', F, F, F, 'dims7'],
  lstmSequenceBackward: [F, F, F, 'f32?', 'u8?', 'f32?', F, F, F, 'dims7', 'f32?', F, F, F, F, F, 'f32?'],
  gruSequenceForward: [F, F, F, 'f32?', 'u8?', 'f32?', F, F, F, 'dims7'],
  gruSequenceBackward: [F, F, F, 'f32?', 'u8?', 'f32?', F, F, F, 'dims7', 'f32?', F, F, F, F, 'f32?'],
};

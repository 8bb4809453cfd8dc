import type { Backend } from '../backend.js';
import { matmul } from './matmul.js';
import { binary, unary, unaryGrad } from './elementwise.js';
import { allFinite, cast, copyBlock, reduceMax, reduceSum, sliceBlock, sumSquares, transpose } from './reduce.js';
import { softmax, softmaxCrossEntropy, softmaxGrad } from './softmax.js';
import { gather, scatterAdd } from './embedding.js';
import {
  conv2d,
  conv2dBackpropFilter,
  conv2dBackpropInput,
  depthwiseConv2d,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from './conv.js';
import { avgPool2d, avgPool2dGrad, maxPool2d, maxPool2dGrad } from './pool.js';
import { adagradUpdate, adamUpdate, rmspropUpdate, sgdUpdate } from './optimizers.js';
import {
  gruCandidateBackward,
  gruCandidateForward,
  gruGatesBackward,
  gruGatesForward,
  gruResetBackward,
  gruResetForward,
  lstmGatesBackward,
  lstmGatesForward,
  rnnStepBackward,
  rnnStepForward,
} from './recurrent.js';
import { gruSequenceBackward, gruSequenceForward, lstmSequenceBackward, lstmSequenceForward } from './recurrent_seq.js';

/** The pure TypeScript reference backend: runs everywhere (browsers included) and is the oracle for native kernels. */
export const jsBackend: Backend = {
  name: 'js',
  matmul,
  unary,
  unaryGrad,
  binary,
  reduceSum,
  reduceMax,
  transpose,
  copyBlock,
  sliceBlock,
  cast,
  softmax,
  softmaxGrad,
  softmaxCrossEntropy,
  gather,
  scatterAdd,
  conv2d,
  conv2dBackpropInput,
  conv2dBackpropFilter,
  depthwiseConv2d,
  depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  maxPool2d,
  maxPool2dGrad,
  avgPool2d,
  avgPool2dGrad,
  sumSquares,
  allFinite,
  sgdUpdate,
  rmspropUpdate,
  adamUpdate,
  adagradUpdate,
  lstmSequenceForward,
  lstmSequenceBackward,
  gruSequenceForward,
  gruSequenceBackward,
  lstmGatesForward,
  lstmGatesBackward,
  gruGatesForward,
  gruGatesBackward,
  gruResetForward,
  gruCandidateForward,
  gruCandidateBackward,
  gruResetBackward,
  rnnStepForward,
  rnnStepBackward,
};

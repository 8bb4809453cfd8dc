// Dendrite's public API: the Keras functional API in TypeScript. Only public names live here.
import './ops/index.js';
import { initBackend } from './backend/native/loader.js';

// The native backend when its addon loads (DENDRITE_BACKEND=js|native forces one), else TypeScript.
initBackend();

export { Tensor, tensor, scalar, zeros, ones, fill, type NestedArray, type TensorLike } from './tensor/tensor.js';
export type { DType, TypedArray } from './tensor/dtype.js';
export type { Shape, SymbolicShape } from './tensor/shape.js';
export { setSeed } from './tensor/random.js';
export * as random from './api/random.js';
export * as ops from './ops/index.js';
export { valueAndGrads, noGrad } from './ops/index.js';

// The backend's name, not its kernels: raw kernels write into caller-owned buffers and are not a
// public API (docs/design.md, "The raw backend is not public").
export { backend } from './backend/registry.js';
export { nativeInfo } from './backend/native/loader.js';

export * as layers from './layers/index.js';
export * as applications from './applications/index.js';
export * as utils from './utils/index.js';
export { Input, InputLayer } from './layers/input.js';
export {
  Layer,
  clearSession,
  type LayerArgs,
  type AddWeightArgs,
  type ShapeArg,
  type CallContext,
  type CallOptions,
} from './layers/layer.js';
export { CallOptionsLayer } from './layers/call_options_layer.js';
export { registerSerializable, type CustomObjects, type LayerClass } from './layers/serialization.js';
export { KerasTensor, Node } from './layers/keras_tensor.js';
export { Variable } from './layers/variable.js';
export * as initializers from './layers/initializers.js';
export * as regularizers from './layers/regularizers.js';
export * as constraints from './layers/constraints.js';

export { Model, type ConcreteOutputs, type PredictArgs } from './models/model.js';
export { Sequential } from './models/sequential.js';
export { modelFromJSON, cloneModel, modelToJSON } from './models/model_config.js';
export { loadModel, type LoadModelArgs, type FileSource } from './models/persistence.js';
export { plotModel, type PlotModelArgs } from './models/plot.js';
export type { SymbolicStructure } from './models/functional.js';
export type { SummaryArgs } from './models/summary.js';

export * as losses from './api/losses.js';
export * as metrics from './api/metrics.js';
export * as optimizers from './api/optimizers.js';
export * as callbacks from './api/callbacks.js';
export {
  Callback,
  History,
  EarlyStopping,
  LambdaCallback,
  TerminateOnNaN,
  ReduceLROnPlateau,
  type Logs,
} from './training/callbacks.js';
export { CSVLogger } from './node/csv_logger.js';
export { ModelCheckpoint, type ModelCheckpointArgs } from './node/model_checkpoint.js';
export type { CompileArgs } from './training/compile_config.js';
export type { FitArgs, EvaluateArgs, StepData } from './training/trainer.js';
export type { Data, ArrayLike } from './training/data.js';
export { Dataset, Sequence, type Element, type BatchArgs, type ShuffleArgs } from './data/index.js';
export type { StreamFitArgs, StreamEvaluateArgs, StreamPredictArgs } from './training/stream_loops.js';
export type { StreamBatch, PredictBatch, BatchSource } from './training/streams.js';

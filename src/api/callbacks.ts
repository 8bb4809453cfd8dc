// The `callbacks` namespace of the public API.
export {
  Callback,
  History,
  EarlyStopping,
  LambdaCallback,
  TerminateOnNaN,
  ReduceLROnPlateau,
} from '../training/callbacks.js';
export { CSVLogger } from '../node/csv_logger.js';
export { ModelCheckpoint, type ModelCheckpointArgs } from '../node/model_checkpoint.js';

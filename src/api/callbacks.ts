// The `callbacks` namespace of the public API.
export {
  Callback,
  History,
  EarlyStopping,
  LambdaCallback,
  TerminateOnNaN,
  ReduceLROnPlateau,
} from '../training/callbacks.js';
export {
  LearningRateScheduler,
  type EpochSchedule,
  type LearningRateSchedulerArgs,
} from '../training/learning_rate_scheduler.js';
export { CSVLogger } from '../node/csv_logger.js';
export { ModelCheckpoint, type ModelCheckpointArgs } from '../node/model_checkpoint.js';

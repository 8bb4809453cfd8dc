// The `optimizers` namespace of the public API.
export {
  Optimizer,
  SGD,
  RMSprop,
  Adam,
  AdamW,
  Adagrad,
  Adamax,
  Adadelta,
  Lion,
  getOptimizer,
} from '../training/optimizers.js';
export type {
  OptimizerArgs,
  SGDArgs,
  RMSpropArgs,
  AdamArgs,
  AdamWArgs,
  AdagradArgs,
  AdamaxArgs,
  AdadeltaArgs,
  LionArgs,
  OptimizerId,
} from '../training/optimizers.js';
export * as schedules from '../training/schedules.js';

/** The types of the trainer's contract with models and of fit's and evaluate's options. */
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../layers/variable.js';
import { optionNames } from '../layers/options.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import type { Data, Slot } from './data.js';
import type { BatchSource, StreamBatch } from './streams.js';

/** What the trainer needs of a model; `models/` implements it, so training never imports models. */
export interface TrainableModel extends CallbackModel {
  readonly name: string;
  inputSlots(): Slot[];
  outputSlots(): Slot[];
  readonly trainableWeights: Variable[];
  readonly nonTrainableWeights: Variable[];
  /** Runs the model on a batch; the losses its layers add during the run are in `losses` after. */
  forward(inputs: readonly Tensor[], training: boolean): Tensor[];
  /** Losses from the latest run (`addLoss`, activity regularizers) and weight penalties, computed on reading. */
  readonly losses: Tensor[];
  /** The model's own training step (Keras's overridden `train_step`), when it has one. */
  readonly ownTrainStep: ((data: StepData) => Logs) | null;
  /** The model's own test step (Keras's overridden `test_step`), when it has one. */
  readonly ownTestStep: ((data: StepData) => Logs) | null;
  /** Checks whole datasets against the model (shapes through every layer, embedding indices) before any step. */
  validateInputs(inputs: readonly Tensor[]): void;
  /** A side given as a record with unsorted keys: its keys as written (data must then come by name). */
  unsortedRecordKeys(side: 'input' | 'output'): string[] | null;
}

/**
 * One batch as a model's own `trainStep` or `testStep` receives it: the inputs and targets in the
 * model's order, and the per-sample weights (with class weights folded in) or null.
 */
export interface StepData {
  x: Tensor[];
  y: Tensor[];
  sampleWeight: Float32Array | null;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  shuffle?: boolean;
  validationSplit?: number;
  /** `[x, y]`, `[x, y, sampleWeight]`, or a Dataset, Sequence or generator of such batches. */
  validationData?: readonly [Data, Data] | readonly [Data, Data, Data] | BatchSource<StreamBatch>;
  /** Batches per validation when validationData is a stream (all of it when omitted). */
  validationSteps?: number;
  callbacks?: readonly Callback[];
  initialEpoch?: number;
  sampleWeight?: Tensor | Float32Array | readonly number[];
  classWeight?: Readonly<Record<number, number>>;
}

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  sampleWeight?: Tensor | Float32Array | readonly number[];
  callbacks?: readonly Callback[];
}

export const FIT_OPTIONS = optionNames<FitArgs>({
  epochs: true,
  batchSize: true,
  verbose: true,
  shuffle: true,
  validationSplit: true,
  validationData: true,
  validationSteps: true,
  callbacks: true,
  initialEpoch: true,
  sampleWeight: true,
  classWeight: true,
});

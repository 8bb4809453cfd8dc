/** The option types of Model's methods, the lists that check them, and small shared helpers. */
import type { KerasTensor } from '../layers/keras_tensor.js';
import { optionNames } from '../layers/options.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Logs } from '../training/callbacks.js';
import type { EvaluateArgs, FitArgs } from '../training/trainer.js';
import type { SummaryArgs } from './summary.js';

/** The concrete counterpart of a model's symbolic outputs: `predict` returns this. */
export type ConcreteOutputs<S> = S extends KerasTensor
  ? Tensor
  : S extends readonly KerasTensor[]
    ? Tensor[]
    : { [K in keyof S]: Tensor };

export interface PredictArgs {
  batchSize?: number;
  verbose?: 0 | 1 | 2;
}

export interface BatchArgs {
  sampleWeight?: FitArgs['sampleWeight'];
}

export interface EvaluateDictArgs extends EvaluateArgs {
  returnDict: true;
}

export interface ModelArgs {
  name?: string;
  trainable?: boolean;
}

export const MODEL_OPTIONS = optionNames<ModelArgs>({ name: true, trainable: true });
export const EVALUATE_OPTIONS = optionNames<EvaluateArgs & { returnDict?: boolean }>({
  batchSize: true,
  verbose: true,
  sampleWeight: true,
  callbacks: true,
  returnDict: true,
});
export const PREDICT_OPTIONS = optionNames<PredictArgs>({ batchSize: true, verbose: true });
export const BATCH_OPTIONS = optionNames<BatchArgs & { returnDict?: boolean }>({
  sampleWeight: true,
  returnDict: true,
});
export const SUMMARY_OPTIONS = optionNames<SummaryArgs>({ printFn: true, lineLength: true, positions: true });

/** Refuses arguments past the last one a method takes, which JavaScript would silently drop. */
export function noExtraArguments(method: string, extra: readonly unknown[], takes: string): void {
  if (extra.length > 0 && extra.some((a) => a !== undefined)) {
    throw new TypeError(`${method} takes ${takes}; it got ${extra.length} more argument(s), which it does not accept.`);
  }
}

/** Keras's return shape for evaluate: the loss alone, or `[loss, ...]` when more was logged. */
export function flattenLogs(logs: Logs): number | number[] {
  const values = Object.values(logs);
  return values.length === 1 ? values[0] : values;
}

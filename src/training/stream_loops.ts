/**
 * fit, evaluate and predict over streams of batches, with Keras's rules: an epoch ends at the end
 * of the data or after `stepsPerEpoch` batches; data without end needs `stepsPerEpoch`; when the data
 * runs out before `stepsPerEpoch`, the epoch ends early with a warning and the next one starts a new pass.
 */
import * as ops from '../ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';
import { flag, verbosity, wholeNumber } from './arg_checks.js';
import type { Batch } from './batching.js';
import { type Callback, History, type Logs } from './callbacks.js';
import { type Data, sampleCount } from './data.js';
import { ProgressBar, emit } from './progress.js';
import { type BatchSource, BatchReader, type StreamBatch, isBatchSource, unpackBatch } from './streams.js';
import type { TrainableModel, Trainer } from './trainer.js';

export interface StreamFitArgs {
  epochs?: number;
  verbose?: 0 | 1 | 2;
  /** Shuffles a Sequence's batch order each epoch (true by default, as Keras); datasets and generators keep their order. */
  shuffle?: boolean;
  /** Batches per epoch; required for data without end. The data is then read on across epochs. */
  stepsPerEpoch?: number;
  validationData?: readonly [Data, Data] | readonly [Data, Data, Data] | BatchSource<StreamBatch>;
  /** Batches per validation (all of the validation data when omitted). */
  validationSteps?: number;
  callbacks?: readonly Callback[];
  initialEpoch?: number;
  classWeight?: Readonly<Record<number, number>>;
}

export interface StreamEvaluateArgs {
  verbose?: 0 | 1 | 2;
  /** Batches to evaluate (all of the data when omitted); required for data without end. */
  steps?: number;
  callbacks?: readonly Callback[];
}

export interface StreamPredictArgs {
  verbose?: 0 | 1 | 2;
  /** Batches to predict (all of the data when omitted); required for data without end. */
  steps?: number;
}

export const STREAM_FIT_OPTIONS = optionNames<StreamFitArgs>({
  epochs: true,
  verbose: true,
  shuffle: true,
  stepsPerEpoch: true,
  validationData: true,
  validationSteps: true,
  callbacks: true,
  initialEpoch: true,
  classWeight: true,
});

/** fit's options for a stream, checked in full before any batch is read. */
export interface StreamFitPlan {
  epochs: number;
  verbose: 0 | 1 | 2;
  shuffle: boolean;
  stepsPerEpoch: number | undefined;
  validationSteps: number | undefined;
  callbacks: readonly Callback[];
  initialEpoch: number;
  classWeight: Readonly<Record<number, number>> | undefined;
  validation: BatchReader<unknown> | readonly [Data, Data] | readonly [Data, Data, Data] | null;
}

/** Options that arrays take but a stream does not, with Keras's reason. */
function refuseArrayOptions(where: string, args: object): void {
  const why: Record<string, string> = {
    batchSize: 'the data comes in batches already (batch the Dataset instead)',
    validationSplit: 'a stream cannot be split (pass validationData)',
    sampleWeight: 'give per-sample weights as the third entry of each batch, [x, y, sampleWeight]',
  };
  for (const key of Object.keys(args)) {
    if (why[key])
      throw new TypeError(`${where}: ${key} is not accepted with a dataset, a Sequence or a generator: ${why[key]}.`);
  }
}

/** Data without end (a `repeat()`ed dataset) needs a step count, or the loop would never end. */
export function requireEnd(where: string, reader: BatchReader<unknown>, steps: number | undefined, name: string): void {
  if (reader.length === Number.POSITIVE_INFINITY && steps === undefined) {
    throw new Error(
      `${where}: the dataset has no end (its cardinality is Infinity, from repeat()), so ${name} is required: the number of batches to read.`,
    );
  }
}

export function planStreamFit(args: StreamFitArgs, reader: BatchReader<unknown>): StreamFitPlan {
  if (typeof args !== 'object' || args === null)
    throw new TypeError(`fit: options must be an object, got ${describeValue(args)}.`);
  refuseArrayOptions('fit', args);
  checkOptions('fit', args, STREAM_FIT_OPTIONS);
  const stepsPerEpoch =
    args.stepsPerEpoch === undefined ? undefined : wholeNumber('fit', 'stepsPerEpoch', args.stepsPerEpoch, 1);
  requireEnd('fit', reader, stepsPerEpoch, 'stepsPerEpoch');
  if (args.callbacks !== undefined && !Array.isArray(args.callbacks)) {
    throw new TypeError(`fit: callbacks must be a list of callbacks, got ${describeValue(args.callbacks)}.`);
  }
  const validationSteps =
    args.validationSteps === undefined ? undefined : wholeNumber('fit', 'validationSteps', args.validationSteps, 1);
  const vd = args.validationData;
  let validation: StreamFitPlan['validation'] = null;
  if (vd !== undefined) {
    if (isBatchSource(vd)) {
      validation = new BatchReader(vd, 'fit validationData');
      requireEnd('fit validationData', validation, validationSteps, 'validationSteps');
    } else if (Array.isArray(vd) && (vd.length === 2 || vd.length === 3)) validation = vd;
    else {
      throw new TypeError(
        `fit: validationData must be [x, y], [x, y, sampleWeight], a Dataset, a Sequence or a generator, got ${describeValue(vd)}.`,
      );
    }
  }
  return {
    epochs: wholeNumber('fit', 'epochs', args.epochs, 1, 0),
    verbose: verbosity('fit', args.verbose, 1),
    shuffle: flag('fit', 'shuffle', args.shuffle, true),
    stepsPerEpoch,
    validationSteps,
    callbacks: args.callbacks ?? [],
    initialEpoch: wholeNumber('fit', 'initialEpoch', args.initialEpoch, 0, 0),
    classWeight: args.classWeight,
    validation,
  };
}

const STREAM_EVALUATE_OPTIONS = optionNames<StreamEvaluateArgs & { returnDict?: boolean }>({
  verbose: true,
  steps: true,
  callbacks: true,
  returnDict: true,
});
const STREAM_PREDICT_OPTIONS = optionNames<StreamPredictArgs>({ verbose: true, steps: true });

/**
 * The options of a call on a stream, Keras's `fit(dataset, epochs=...)`: the second argument. Targets
 * there (or a third argument) mean the call was written for arrays.
 */
export function streamOptions(where: string, second: unknown, third: unknown): object {
  const looksLikeData =
    second instanceof Tensor ||
    Array.isArray(second) ||
    ArrayBuffer.isView(second) ||
    (typeof second === 'object' && second !== null && Object.values(second).some((v) => v instanceof Tensor));
  if (third !== undefined || looksLikeData) {
    throw new TypeError(
      `${where}: a Dataset, Sequence or generator holds the targets in its batches ([x, y]); call ${where}(data, options) without y, as Keras refuses y with a dataset.`,
    );
  }
  if (second !== undefined && (typeof second !== 'object' || second === null)) {
    throw new TypeError(`${where}: options must be an object, got ${describeValue(second)}.`);
  }
  return second ?? {};
}

export function planStreamEvaluate(
  args: StreamEvaluateArgs & { returnDict?: boolean },
  reader: BatchReader<unknown>,
): { steps: number | undefined; verbose: 0 | 1 | 2; returnDict: boolean } {
  refuseArrayOptions('evaluate', args);
  checkOptions('evaluate', args, STREAM_EVALUATE_OPTIONS);
  const steps = args.steps === undefined ? undefined : wholeNumber('evaluate', 'steps', args.steps, 1);
  requireEnd('evaluate', reader, steps, 'steps');
  const returnDict = flag('evaluate', 'returnDict', args.returnDict, false);
  return { steps, verbose: verbosity('evaluate', args.verbose, 1), returnDict };
}

export function planStreamPredict(args: unknown, reader: BatchReader<unknown>): number | undefined {
  const opts = streamOptions('predict', args, undefined) as StreamPredictArgs;
  refuseArrayOptions('predict', opts);
  checkOptions('predict', opts, STREAM_PREDICT_OPTIONS);
  verbosity('predict', opts.verbose, 0);
  const steps = opts.steps === undefined ? undefined : wholeNumber('predict', 'steps', opts.steps, 1);
  requireEnd('predict', reader, steps, 'steps');
  return steps;
}

/** Copies of a step's outputs, which live in a buffer pool that the next step reuses. */
export function copyOut(outs: readonly Tensor[]): Tensor[] {
  return outs.map((o) => new Tensor(o.values.slice(), o.shape, o.dtype));
}

/** One batch from a stream, as the steps take it: inputs and targets checked against the model. */
export function streamBatch(
  trainer: Trainer,
  model: TrainableModel,
  element: unknown,
  where: string,
  checkTargets: boolean,
  classWeight: Readonly<Record<number, number>> | undefined,
): Batch {
  const { x, y, sw } = unpackBatch(element, where);
  if (y === undefined) {
    throw new TypeError(`${where}: the batch has no targets; fit and evaluate read [x, y] or [x, y, sampleWeight].`);
  }
  const xs = trainer.inputs(x, where);
  const ys = trainer.targets(y, where, checkTargets);
  const names = [...model.inputSlots(), ...model.outputSlots()].map((s) => s.name);
  const n = sampleCount([...xs, ...ys], names, where);
  if (n === 0) throw new Error(`${where}: the batch has no samples.`);
  return { xs, ys, sw: trainer.sampleWeights(n, sw, classWeight, ys, where) };
}

const finite = (n: number | null): number | null => (n !== null && Number.isFinite(n) ? n : null);

/** Evaluates batches of a stream (`steps` of them, or to its end) with fresh metrics; returns the logs. */
export async function evaluatePass(
  trainer: Trainer,
  model: TrainableModel,
  reader: BatchReader<unknown>,
  steps: number | undefined,
  verbose: 0 | 1 | 2,
  where: string,
): Promise<Logs> {
  return trainer.withEvaluation(async () => {
    const bar = new ProgressBar(steps ?? finite(reader.length), verbose, 'step');
    let logs: Logs = {};
    let step = 0;
    try {
      while (steps === undefined || step < steps) {
        const r = await reader.next();
        if (r.done) break;
        const batch = streamBatch(trainer, model, r.value, `${where} (batch ${step})`, step === 0, undefined);
        logs = trainer.testBatch(batch);
        bar.update(++step, logs);
      }
    } catch (e) {
      await reader.close();
      throw e;
    }
    if (step === 0) throw new Error(`${where}: the data gave no batches.`);
    bar.finish(logs);
    return logs;
  });
}

/** fit over a stream; `reader` has its first batch read ahead (it built the model). */
export async function fitStream(
  trainer: Trainer,
  model: TrainableModel,
  reader: BatchReader<unknown>,
  plan: StreamFitPlan,
): Promise<History> {
  const history = new History();
  const callbacks = [...plan.callbacks, history];
  const steps = plan.stepsPerEpoch ?? finite(reader.length);
  for (const cb of callbacks) {
    cb.setModel(model);
    cb.setParams({ epochs: plan.epochs, steps, verbose: plan.verbose });
  }
  model.stopTraining = false;
  try {
    for (const cb of callbacks) await cb.onTrainBegin();
    let first = true;
    for (let epoch = plan.initialEpoch; epoch < plan.epochs && !model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin(epoch);
      if (plan.verbose > 0) emit(`Epoch ${epoch + 1}/${plan.epochs}\n`);
      trainer.startEpoch();
      const vars = model.trainableWeights;
      const frozen = model.nonTrainableWeights;
      const bar = new ProgressBar(steps, plan.verbose, 'step');
      let logs: Logs = {};
      let step = 0;
      let ranOut = false;
      while (!model.stopTraining && (plan.stepsPerEpoch === undefined || step < plan.stepsPerEpoch)) {
        const r = await reader.next();
        if (r.done) {
          ranOut = plan.stepsPerEpoch !== undefined;
          break;
        }
        // The batch is read and checked before any hook or step: a bad batch changes nothing.
        const batch = streamBatch(trainer, model, r.value, `fit (batch ${step})`, first, plan.classWeight);
        first = false;
        for (const cb of callbacks) {
          const pending = cb.onTrainBatchBegin(step);
          if (pending) await pending;
        }
        logs = trainer.trainBatch(batch, vars, frozen);
        bar.update(++step, logs);
        for (const cb of callbacks) {
          const pending = cb.onTrainBatchEnd(step - 1, { ...logs });
          if (pending) await pending;
        }
      }
      if (step === 0) {
        // A generator read to its end gives nothing more: Keras stops with the same advice.
        warn(
          'fit: the data gave no batches for this epoch; training stops. Use a Dataset or a function that restarts the generator, or repeat() the data and set stepsPerEpoch.',
        );
        break;
      }
      if (ranOut) {
        warn(
          `fit: the data ran out after ${step} of ${plan.stepsPerEpoch} steps (stepsPerEpoch); the next epoch starts a new pass. repeat() the dataset to avoid this.`,
        );
      }
      if (plan.validation) {
        const valLogs = await validate(trainer, model, plan);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      bar.finish(logs);
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
      await reader.epochEnd();
    }
  } catch (e) {
    // A failed batch or hook still closes the data (its generator's finally runs) and ends training.
    await reader.close().catch(() => undefined);
    if (plan.validation instanceof BatchReader) await plan.validation.close().catch(() => undefined);
    for (const cb of callbacks) await cb.onTrainEnd();
    throw e;
  }
  await reader.close();
  if (plan.validation instanceof BatchReader) await plan.validation.close();
  for (const cb of callbacks) await cb.onTrainEnd();
  return history;
}

async function validate(trainer: Trainer, model: TrainableModel, plan: StreamFitPlan): Promise<Logs> {
  const v = plan.validation!;
  if (v instanceof BatchReader) {
    const logs = await evaluatePass(trainer, model, v, plan.validationSteps, 0, 'fit validationData');
    // Without validationSteps every validation reads the whole data from its start.
    if (plan.validationSteps === undefined) await v.close();
    return logs;
  }
  return trainer.evaluateArrays(v, 'fit validationData');
}

/** predict over a stream: the outputs of every batch, concatenated along the batch axis. */
export async function predictPass(
  reader: BatchReader<unknown>,
  steps: number | undefined,
  adapt: (x: Data, where: string) => Tensor[],
  run: (xs: Tensor[]) => Tensor[],
): Promise<Tensor[]> {
  const chunks: Tensor[][] = [];
  try {
    while (steps === undefined || chunks.length < steps) {
      const r = await reader.next();
      if (r.done) break;
      const where = `predict (batch ${chunks.length})`;
      chunks.push(run(adapt(unpackBatch(r.value, where).x, where)));
    }
  } finally {
    await reader.close();
  }
  if (chunks.length === 0) throw new Error('predict: the data gave no batches.');
  return chunks[0].map((_, i) =>
    chunks.length === 1
      ? chunks[0][i]
      : ops.concat(
          chunks.map((c) => c[i]),
          0,
        ),
  );
}

function warn(message: string): void {
  console.warn(message);
}

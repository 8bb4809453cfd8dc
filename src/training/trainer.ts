import * as ops from '../ops/index.js';
import { permutation } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Variable } from '../layers/variable.js';
import { checkOptions, describeValue } from '../layers/options.js';
import { flag, fraction, verbosity, wholeNumber } from './arg_checks.js';
import { History, type Logs } from './callbacks.js';
import { type EvaluateArgs, FIT_OPTIONS, type FitArgs, type StepData, type TrainableModel } from './trainer_args.js';
import { type Compiled, type CompileArgs, resolveCompile } from './compile_config.js';
import { StepRunner } from './steps.js';
import { type Data, adaptData, sampleCount } from './data.js';
import { ProgressBar, emit } from './progress.js';
import { type Batch, LossTracker, makeBatch } from './batching.js';
import { BatchReader, isBatchSource } from './streams.js';
import { evaluatePass, requireEnd } from './stream_loops.js';

export type { TrainableModel, StepData, FitArgs, EvaluateArgs } from './trainer_args.js';

/** compile's state and the loops of fit / evaluate / predict for one model. */
export class Trainer {
  readonly compiled: Compiled;
  /** What one step does by default: losses, the optimizer update, metrics. */
  readonly steps: StepRunner;
  /** The working set of one step, reused by every step of every loop. */
  private readonly pool = new ops.BufferPool();
  /** The running losses of the loop in progress, which the default steps add to. */
  private tracker: LossTracker;

  constructor(
    private readonly model: TrainableModel,
    args: CompileArgs,
  ) {
    this.compiled = resolveCompile(args, model.outputSlots());
    this.steps = new StepRunner(model, this.compiled);
    this.tracker = this.newTracker();
  }

  private newTracker(): LossTracker {
    return new LossTracker(this.compiled.outputs.filter((o) => o.loss).map((o) => o.name));
  }

  /** The default training step on one batch, logged into the running means of the loop in progress. */
  defaultTrainStep(data: StepData): Logs {
    const batch = { xs: data.x, ys: data.y, sw: data.sampleWeight };
    return this.steps.record(this.tracker, this.steps.train(batch), batch, data.x[0].shape[0]);
  }

  /** The default test step on one batch, logged into the running means of the loop in progress. */
  defaultTestStep(data: StepData): Logs {
    const batch = { xs: data.x, ys: data.y, sw: data.sampleWeight };
    return this.steps.record(this.tracker, this.steps.test(batch), batch, data.x[0].shape[0]);
  }

  // ---- data -------------------------------------------------------------------------------

  inputs(x: Data, where: string): Tensor[] {
    return adaptInputs(this.model, x, where);
  }

  /** Targets for the outputs; `checkLoss` runs each loss on one row first (a stream checks its first batch only). */
  targets(y: Data, where: string, checkLoss = true): Tensor[] {
    const slots = this.model.outputSlots();
    const ys = adaptData(y, slots, 'output', where, this.model.unsortedRecordKeys('output'));
    this.compiled.outputs.forEach((o, i) => {
      if (!o.loss || !checkLoss) return;
      // Run the loss on one row now: a target that does not fit its loss fails here, before training.
      const pred = new Tensor(
        new Float32Array(slots[i].shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1)),
        [1, ...slots[i].shape.slice(1).map((d) => d ?? 1)],
        'float32',
      );
      const row = ops.rowRange(ys[i], 0, Math.min(1, ys[i].shape[0]));
      if (row.shape[0] === 1 && !slots[i].shape.slice(1).includes(null)) {
        try {
          ops.noGrad(() => o.loss!(row, pred));
        } catch (e) {
          throw new Error(
            `${where}: targets of shape ${formatShape(ys[i].shape)} for output '${o.name}' (predictions of shape ${formatShape(slots[i].shape)}) do not fit its loss: ${(e as Error).message}`,
          );
        }
      }
    });
    return ys;
  }

  sampleWeights(
    n: number,
    sampleWeight: FitArgs['sampleWeight'],
    classWeight: FitArgs['classWeight'],
    ys: Tensor[],
    where: string,
  ): Float32Array | null {
    let sw: Float32Array | null = null;
    if (sampleWeight !== undefined) {
      sw = sampleWeight instanceof Tensor ? Float32Array.from(sampleWeight.values) : Float32Array.from(sampleWeight);
      if (sw.length !== n) throw new Error(`${where}: sampleWeight has ${sw.length} entries for ${n} samples.`);
    }
    if (classWeight) {
      if (ys.length !== 1) throw new Error(`${where}: classWeight is only supported for models with a single output.`);
      const y = ys[0];
      const per = y.size / Math.max(n, 1);
      sw ??= new Float32Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        let cls: number;
        if (per === 1) cls = Math.round(y.values[i]);
        else {
          cls = 0;
          for (let c = 1; c < per; c++) if (y.values[i * per + c] > y.values[i * per + cls]) cls = c;
        }
        sw[i] *= classWeight[cls] ?? 1;
      }
    }
    return sw;
  }

  // ---- loops ------------------------------------------------------------------------------

  async fit(x: Data, y: Data, args: FitArgs = {}): Promise<History> {
    checkOptions('fit', args, FIT_OPTIONS);
    const epochs = wholeNumber('fit', 'epochs', args.epochs, 1, 0);
    const batchSize = wholeNumber('fit', 'batchSize', args.batchSize, 32);
    const verbose = verbosity('fit', args.verbose, 1);
    const shuffle = flag('fit', 'shuffle', args.shuffle, true);
    const initialEpoch = wholeNumber('fit', 'initialEpoch', args.initialEpoch, 0, 0);
    const validationSplit = fraction('fit', 'validationSplit', args.validationSplit);
    if (args.callbacks !== undefined && !Array.isArray(args.callbacks)) {
      throw new TypeError(`fit: callbacks must be a list of callbacks, got ${describeValue(args.callbacks)}.`);
    }
    let xs = this.inputs(x, 'fit');
    let ys = this.targets(y, 'fit');
    const names = [...this.model.inputSlots(), ...this.model.outputSlots()].map((s) => s.name);
    let n = sampleCount([...xs, ...ys], names, 'fit');
    let sw = this.sampleWeights(n, args.sampleWeight, args.classWeight, ys, 'fit');

    let val: { xs: Tensor[]; ys: Tensor[]; sw: Float32Array | null } | null = null;
    let valStream: BatchReader<unknown> | null = null;
    const validationSteps =
      args.validationSteps === undefined ? undefined : wholeNumber('fit', 'validationSteps', args.validationSteps, 1);
    if (args.validationData !== undefined && isBatchSource(args.validationData)) {
      valStream = new BatchReader(args.validationData, 'fit validationData');
      requireEnd('fit validationData', valStream, validationSteps, 'validationSteps');
    } else if (args.validationData) {
      const [vx, vy, vsw] = args.validationData;
      const vxs = this.inputs(vx, 'fit validationData');
      const vys = this.targets(vy, 'fit validationData');
      const vn = sampleCount([...vxs, ...vys], names, 'fit validationData');
      val = {
        xs: vxs,
        ys: vys,
        sw: vsw === undefined ? null : this.sampleWeights(vn, vsw as Tensor, undefined, vys, 'fit validationData'),
      };
    } else if (validationSplit) {
      // Keras takes the last fraction of the data, before shuffling.
      const split = Math.floor(n * (1 - validationSplit));
      val = {
        xs: xs.map((t) => ops.rowRange(t, split, n)),
        ys: ys.map((t) => ops.rowRange(t, split, n)),
        sw: sw?.subarray(split) ?? null,
      };
      xs = xs.map((t) => ops.rowRange(t, 0, split));
      ys = ys.map((t) => ops.rowRange(t, 0, split));
      sw = sw?.subarray(0, split) ?? null;
      n = split;
    }
    if (n === 0) throw new Error('fit: no training samples.');

    const history = new History();
    const callbacks = [...(args.callbacks ?? []), history];
    const steps = Math.ceil(n / batchSize);
    for (const cb of callbacks) {
      cb.setModel(this.model);
      cb.setParams({ epochs, steps, verbose });
    }
    this.model.stopTraining = false;
    for (const cb of callbacks) await cb.onTrainBegin();
    for (let epoch = initialEpoch; epoch < epochs && !this.model.stopTraining; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin(epoch);
      if (verbose > 0) emit(`Epoch ${epoch + 1}/${epochs}\n`);
      this.steps.resetMetrics();
      // Which weights train is read once an epoch (a callback may freeze layers between epochs).
      const vars = this.model.trainableWeights;
      const frozen = this.model.nonTrainableWeights;
      const bar = new ProgressBar(n, verbose);
      const order = shuffle ? permutation(n) : null;
      this.tracker = this.newTracker();
      const own = this.model.ownTrainStep;
      let logs: Logs = {};
      for (let step = 0; step < steps && !this.model.stopTraining; step++) {
        const start = step * batchSize;
        const end = Math.min(start + batchSize, n);
        // Batch hooks are awaited only when they return a promise: a microtask per hook per step
        // is measurable on small models.
        for (const cb of callbacks) {
          const pending = cb.onTrainBatchBegin(step);
          if (pending) await pending;
        }
        logs = ops.withBufferPool(this.pool, () => {
          const batch = makeBatch(xs, ys, sw, start, end, order);
          if (own) return own({ x: batch.xs, y: batch.ys, sampleWeight: batch.sw });
          return this.steps.record(this.tracker, this.steps.train(batch, vars, frozen), batch, end - start);
        });
        bar.update(end, logs);
        for (const cb of callbacks) {
          const pending = cb.onTrainBatchEnd(step, { ...logs });
          if (pending) await pending;
        }
      }
      if (val) {
        const valLogs = this.runEvaluation(val.xs, val.ys, val.sw, batchSize, 0);
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      } else if (valStream) {
        const valLogs = await evaluatePass(this, this.model, valStream, validationSteps, 0, 'fit validationData');
        if (validationSteps === undefined) await valStream.close();
        for (const [k, v] of Object.entries(valLogs)) logs[`val_${k}`] = v;
      }
      bar.finish(logs);
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
      // Let I/O and timers run between epochs (progress output, user callbacks).
      await yieldToEventLoop();
    }
    await valStream?.close();
    for (const cb of callbacks) await cb.onTrainEnd();
    return history;
  }

  // ---- pieces of the streaming loops (stream_loops.ts) ---------------------------------------

  /** Running losses and metrics start afresh, as at the start of each epoch. */
  startEpoch(): void {
    this.steps.resetMetrics();
    this.tracker = this.newTracker();
  }

  /** One training step on a prepared batch, logged into the epoch's running means. */
  trainBatch(batch: Batch, vars: readonly Variable[], frozen: readonly Variable[]): Logs {
    const own = this.model.ownTrainStep;
    const size = batch.xs[0].shape[0];
    return ops.withBufferPool(this.pool, () => {
      if (own) return own({ x: batch.xs, y: batch.ys, sampleWeight: batch.sw });
      return this.steps.record(this.tracker, this.steps.train(batch, vars, frozen), batch, size);
    });
  }

  /** One test step on a prepared batch, logged into the evaluation's running means. */
  testBatch(batch: Batch): Logs {
    const own = this.model.ownTestStep;
    const size = batch.xs[0].shape[0];
    return ops.withBufferPool(this.pool, () => {
      if (own) return own({ x: batch.xs, y: batch.ys, sampleWeight: batch.sw });
      return this.steps.record(this.tracker, this.steps.test(batch), batch, size);
    });
  }

  /** Runs an evaluation with fresh losses and metrics, and puts training's running state back after. */
  async withEvaluation<T>(fn: () => Promise<T>): Promise<T> {
    const trainingTracker = this.tracker;
    this.tracker = this.newTracker();
    try {
      return await this.steps.withFreshMetricsAsync(fn);
    } finally {
      this.tracker = trainingTracker;
    }
  }

  /** Validation on arrays during a fit over a stream (batches of 32, as Keras's default). */
  evaluateArrays(data: readonly [Data, Data] | readonly [Data, Data, Data], where: string): Logs {
    const [vx, vy, vsw] = data;
    const xs = this.inputs(vx, where);
    const ys = this.targets(vy, where);
    const names = [...this.model.inputSlots(), ...this.model.outputSlots()].map((s) => s.name);
    const n = sampleCount([...xs, ...ys], names, where);
    const sw = vsw === undefined ? null : this.sampleWeights(n, vsw as Tensor, undefined, ys, where);
    return this.runEvaluation(xs, ys, sw, 32, 0);
  }

  runEvaluation(xs: Tensor[], ys: Tensor[], sw: Float32Array | null, batchSize: number, verbose: 0 | 1 | 2): Logs {
    const n = xs[0].shape[0];
    const bar = new ProgressBar(n, verbose);
    const own = this.model.ownTestStep;
    // Metrics and losses accumulate per run: evaluation inside fit starts afresh and leaves
    // training's running means as they were.
    const trainingTracker = this.tracker;
    this.tracker = this.newTracker();
    let logs: Logs = {};
    try {
      this.steps.withFreshMetrics(() => {
        for (let start = 0; start < n; start += batchSize) {
          const end = Math.min(start + batchSize, n);
          logs = ops.withBufferPool(this.pool, () => {
            const batch = makeBatch(xs, ys, sw, start, end, null);
            if (own) return own({ x: batch.xs, y: batch.ys, sampleWeight: batch.sw });
            return this.steps.record(this.tracker, this.steps.test(batch), batch, end - start);
          });
          bar.update(end, logs);
        }
      });
    } finally {
      this.tracker = trainingTracker;
    }
    bar.finish(logs);
    return logs;
  }

  evaluateData(x: Data, y: Data, args: EvaluateArgs = {}): Logs {
    const xs = this.inputs(x, 'evaluate');
    const ys = this.targets(y, 'evaluate');
    const names = [...this.model.inputSlots(), ...this.model.outputSlots()].map((s) => s.name);
    const n = sampleCount([...xs, ...ys], names, 'evaluate');
    if (n === 0) throw new Error('evaluate: the data has no samples.');
    const sw = this.sampleWeights(n, args.sampleWeight, undefined, ys, 'evaluate');
    const batchSize = wholeNumber('evaluate', 'batchSize', args.batchSize, 32);
    return this.runEvaluation(xs, ys, sw, batchSize, verbosity('evaluate', args.verbose, 1));
  }

  trainOnBatch(x: Data, y: Data, sampleWeight?: FitArgs['sampleWeight']): Logs {
    const xs = this.inputs(x, 'trainOnBatch');
    const ys = this.targets(y, 'trainOnBatch');
    const n = xs[0].shape[0];
    if (n === 0) throw new Error('trainOnBatch: the batch has no samples.');
    const sw = this.sampleWeights(n, sampleWeight, undefined, ys, 'trainOnBatch');
    this.tracker = this.newTracker();
    this.steps.resetMetrics();
    const data = { x: xs, y: ys, sampleWeight: sw };
    const own = this.model.ownTrainStep;
    return ops.withBufferPool(this.pool, () => (own ? own(data) : this.defaultTrainStep(data)));
  }

  testOnBatch(x: Data, y: Data, sampleWeight?: FitArgs['sampleWeight']): Logs {
    const xs = this.inputs(x, 'testOnBatch');
    const ys = this.targets(y, 'testOnBatch');
    const sw = this.sampleWeights(xs[0].shape[0], sampleWeight, undefined, ys, 'testOnBatch');
    return this.runEvaluation(xs, ys, sw, xs[0].shape[0], 0);
  }
}

/**
 * One turn of the event loop. Node's setImmediate costs microseconds; setTimeout(0) waits a full
 * millisecond, which is most of an epoch of a small model. Browsers get setTimeout.
 */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return new Promise<void>((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

/** A model's input data as validated tensors, checked through every layer before anything runs. */
export function adaptInputs(model: TrainableModel, x: Data, where: string): Tensor[] {
  const xs = adaptData(x, model.inputSlots(), 'input', where, model.unsortedRecordKeys('input'));
  sampleCount(
    xs,
    model.inputSlots().map((s) => s.name),
    where,
  );
  model.validateInputs(xs);
  return xs;
}

import * as ops from '../ops/index.js';
import { permutation } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import type { Variable } from '../layers/variable.js';
import { checkOptions, optionNames } from '../layers/options.js';
import { type Callback, type CallbackModel, History, type Logs } from './callbacks.js';
import { type BuiltMetric, type Compiled, type CompileArgs, buildMetrics, resolveCompile } from './compile_config.js';
import { type Data, type Slot, adaptData, sampleCount } from './data.js';
import { ProgressBar, emit } from './progress.js';
import { type Batch, LossTracker, makeBatch } from './batching.js';

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
  /** Checks whole datasets against the model (shapes through every layer, embedding indices) before any step. */
  validateInputs(inputs: readonly Tensor[]): void;
  /** A side given as a record with unsorted keys: its keys as written (data must then come by name). */
  unsortedRecordKeys(side: 'input' | 'output'): string[] | null;
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  verbose?: 0 | 1 | 2;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: readonly [Data, Data] | readonly [Data, Data, Data];
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

const FIT_OPTIONS = optionNames<FitArgs>({
  epochs: true,
  batchSize: true,
  verbose: true,
  shuffle: true,
  validationSplit: true,
  validationData: true,
  callbacks: true,
  initialEpoch: true,
  sampleWeight: true,
  classWeight: true,
});

/** compile's state and the loops of fit / evaluate / predict for one model. */
export class Trainer {
  readonly compiled: Compiled;
  /** The working set of one step, reused by every step of every loop. */
  private readonly pool = new ops.BufferPool();
  private metrics: BuiltMetric[] | null = null;

  constructor(
    private readonly model: TrainableModel,
    args: CompileArgs,
  ) {
    this.compiled = resolveCompile(args, model.outputSlots());
  }

  // ---- data -------------------------------------------------------------------------------

  inputs(x: Data, where: string): Tensor[] {
    return adaptInputs(this.model, x, where);
  }

  private targets(y: Data, where: string): Tensor[] {
    const slots = this.model.outputSlots();
    const ys = adaptData(y, slots, 'output', where, this.model.unsortedRecordKeys('output'));
    this.compiled.outputs.forEach((o, i) => {
      if (!o.loss) return;
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

  private sampleWeights(
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

  // ---- one step ---------------------------------------------------------------------------

  /** Σ weightᵢ · lossᵢ and each unweighted lossᵢ; sample weights scale per-sample losses before the batch mean. */
  private losses(
    ys: readonly Tensor[],
    preds: readonly Tensor[],
    sw: Float32Array | null,
  ): { total: Tensor; each: Tensor[] } {
    const each: Tensor[] = [];
    let total: Tensor | null = null;
    this.compiled.outputs.forEach((o, i) => {
      if (!o.loss) return;
      let values = o.loss(ys[i], preds[i]);
      if (sw) {
        const shape = [values.shape[0], ...values.shape.slice(1).map(() => 1)];
        values = ops.mul(values, new Tensor(sw, shape, 'float32'));
      }
      const l = ops.mean(values);
      each.push(l);
      const weighted = o.weight === 1 ? l : ops.scale(l, o.weight);
      total = total ? ops.add(total, weighted) : weighted;
    });
    if (!total) throw new Error('compile: no output has a loss.');
    // Regularization and added losses count in the total (and its log), not in any output's loss.
    for (const extra of this.model.losses) total = ops.add(total, extra);
    return { total, each };
  }

  private ensureMetrics(ys: readonly Tensor[], preds: readonly Tensor[]): BuiltMetric[] {
    this.metrics ??= buildMetrics(
      this.compiled.outputs,
      ys.map((y) => y.shape),
      preds.map((p) => p.shape),
    );
    return this.metrics;
  }

  /**
   * One optimizer step. Weights change only after the forward and backward passes succeeded.
   * Runs inside the step's buffer pool: `preds` may only be read before the pool is released.
   */
  trainStep(
    batch: Batch,
    vars: readonly Variable[] = this.model.trainableWeights,
    frozen: readonly Variable[] = this.model.nonTrainableWeights,
  ): { loss: number; each: number[]; preds: Tensor[] } {
    // Layers such as BatchNormalization update non-trainable state during the forward pass: keep a
    // copy so that a step that throws leaves every weight as it was.
    const saved = frozen.map((v) => v.snapshot());
    let preds: Tensor[] = [];
    let each: Tensor[] = [];
    try {
      const { value, grads } = ops.valueAndGrads(
        () => {
          preds = this.model.forward(batch.xs, true);
          const l = this.losses(batch.ys, preds, batch.sw);
          each = l.each;
          return l.total;
        },
        vars.map((v) => v.value),
      );
      this.compiled.optimizer.applyGradients(grads, vars);
      return { loss: value.values[0], each: each.map((t) => t.values[0]), preds };
    } catch (e) {
      frozen.forEach((v, i) => (v.value.values as Float32Array).set(saved[i]));
      throw e;
    }
  }

  testStep(batch: Batch): { loss: number; each: number[]; preds: Tensor[] } {
    const preds = this.model.forward(batch.xs, false);
    const l = this.losses(batch.ys, preds, batch.sw);
    return { loss: l.total.values[0], each: l.each.map((t) => t.values[0]), preds };
  }

  // ---- loops ------------------------------------------------------------------------------

  async fit(x: Data, y: Data, args: FitArgs = {}): Promise<History> {
    checkOptions('fit', args, FIT_OPTIONS);
    const { epochs = 1, batchSize = 32, verbose = 1, shuffle = true, initialEpoch = 0 } = args;
    let xs = this.inputs(x, 'fit');
    let ys = this.targets(y, 'fit');
    const names = [...this.model.inputSlots(), ...this.model.outputSlots()].map((s) => s.name);
    let n = sampleCount([...xs, ...ys], names, 'fit');
    let sw = this.sampleWeights(n, args.sampleWeight, args.classWeight, ys, 'fit');

    let val: { xs: Tensor[]; ys: Tensor[]; sw: Float32Array | null } | null = null;
    if (args.validationData) {
      const [vx, vy, vsw] = args.validationData;
      const vxs = this.inputs(vx, 'fit validationData');
      const vys = this.targets(vy, 'fit validationData');
      const vn = sampleCount([...vxs, ...vys], names, 'fit validationData');
      val = {
        xs: vxs,
        ys: vys,
        sw: vsw === undefined ? null : this.sampleWeights(vn, vsw as Tensor, undefined, vys, 'fit validationData'),
      };
    } else if (args.validationSplit) {
      if (!(args.validationSplit > 0 && args.validationSplit < 1))
        throw new Error(`fit: validationSplit must be in (0, 1), got ${args.validationSplit}.`);
      // Keras takes the last fraction of the data, before shuffling.
      const split = Math.floor(n * (1 - args.validationSplit));
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
      this.resetMetrics();
      // Which weights train is read once an epoch (a callback may freeze layers between epochs).
      const vars = this.model.trainableWeights;
      const frozen = this.model.nonTrainableWeights;
      const bar = new ProgressBar(n, verbose);
      const order = shuffle ? permutation(n) : null;
      const tracker = new LossTracker(this.compiled.outputs.filter((o) => o.loss).map((o) => o.name));
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
          return this.record(tracker, this.trainStep(batch, vars, frozen), batch, end - start);
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
      }
      bar.finish(logs);
      for (const cb of callbacks) await cb.onEpochEnd(epoch, logs);
      // Let I/O and timers run between epochs (progress output, user callbacks).
      await yieldToEventLoop();
    }
    for (const cb of callbacks) await cb.onTrainEnd();
    return history;
  }

  private record(
    tracker: LossTracker,
    result: { loss: number; each: number[]; preds: Tensor[] },
    batch: Batch,
    size: number,
  ): Logs {
    tracker.add(result.loss, result.each, size);
    const metrics = this.ensureMetrics(batch.ys, result.preds);
    // Keras weights only `weightedMetrics` by sample and class weights; `metrics` see every sample alike.
    for (const m of metrics) m.metric.update(batch.ys[m.output], result.preds[m.output], m.weighted ? batch.sw : null);
    const logs = tracker.logs();
    for (const m of metrics) logs[m.key] = m.metric.result();
    return logs;
  }

  runEvaluation(xs: Tensor[], ys: Tensor[], sw: Float32Array | null, batchSize: number, verbose: 0 | 1 | 2): Logs {
    const n = xs[0].shape[0];
    const tracker = new LossTracker(this.compiled.outputs.filter((o) => o.loss).map((o) => o.name));
    const bar = new ProgressBar(n, verbose);
    // Metrics accumulate per run: evaluation uses fresh state and restores nothing of training's.
    const saved = this.metrics;
    this.metrics = null;
    let logs: Logs = {};
    try {
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n);
        logs = ops.withBufferPool(this.pool, () => {
          const batch = makeBatch(xs, ys, sw, start, end, null);
          return this.record(tracker, this.testStep(batch), batch, end - start);
        });
        bar.update(end, logs);
      }
    } finally {
      this.metrics = saved;
    }
    bar.finish(logs);
    return logs;
  }

  evaluateData(x: Data, y: Data, args: EvaluateArgs = {}): Logs {
    const xs = this.inputs(x, 'evaluate');
    const ys = this.targets(y, 'evaluate');
    const names = [...this.model.inputSlots(), ...this.model.outputSlots()].map((s) => s.name);
    const n = sampleCount([...xs, ...ys], names, 'evaluate');
    const sw = this.sampleWeights(n, args.sampleWeight, undefined, ys, 'evaluate');
    return this.runEvaluation(xs, ys, sw, args.batchSize ?? 32, args.verbose ?? 1);
  }

  /** Metrics restart at each epoch. */
  resetMetrics(): void {
    for (const m of this.metrics ?? []) m.metric.reset();
  }

  trainOnBatch(x: Data, y: Data, sampleWeight?: FitArgs['sampleWeight']): Logs {
    const xs = this.inputs(x, 'trainOnBatch');
    const ys = this.targets(y, 'trainOnBatch');
    const n = xs[0].shape[0];
    const sw = this.sampleWeights(n, sampleWeight, undefined, ys, 'trainOnBatch');
    const tracker = new LossTracker(this.compiled.outputs.filter((o) => o.loss).map((o) => o.name));
    this.resetMetrics();
    const batch = { xs, ys, sw };
    return ops.withBufferPool(this.pool, () => this.record(tracker, this.trainStep(batch), batch, n));
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

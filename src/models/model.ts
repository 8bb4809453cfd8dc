import type { SymbolicShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { Layer } from '../layers/layer.js';
import type { CustomObjects } from '../layers/serialization.js';
import type { History, Logs } from '../training/callbacks.js';
import { COMPILE_OPTIONS, type CompileArgs } from '../training/compile_config.js';
import type { Data, Slot } from '../training/data.js';
import {
  type StreamEvaluateArgs,
  type StreamFitArgs,
  type StreamPredictArgs,
  copyOut,
  evaluatePass,
  fitStream,
  planStreamEvaluate,
  planStreamFit,
  planStreamPredict,
  predictPass,
  streamOptions,
} from '../training/stream_loops.js';
import {
  type BatchSource,
  BatchReader,
  type PredictBatch,
  type StreamBatch,
  isBatchSource,
  unpackBatch,
} from '../training/streams.js';
import type { Optimizer } from '../training/optimizers.js';
import {
  type EvaluateArgs,
  type FitArgs,
  type StepData,
  type TrainableModel,
  Trainer,
  adaptInputs,
} from '../training/trainer.js';
import { Functional, type SymbolicStructure } from './functional.js';
import { WindowTooLargeError } from '../layers/length_inverse.js';
import { explainTooShort } from './too_short.js';
import { verbosity, wholeNumber } from '../training/arg_checks.js';
import { type CallSlots, runOwnCall, slotsFromFirstCall, tensorsOf } from './subclassed.js';
import { summary } from './summary.js';
import {
  BATCH_OPTIONS,
  type BatchArgs,
  type ConcreteOutputs,
  EVALUATE_OPTIONS,
  type EvaluateDictArgs,
  MODEL_OPTIONS,
  type ModelArgs,
  PREDICT_OPTIONS,
  type PredictArgs,
  SUMMARY_OPTIONS,
  flattenLogs,
  noExtraArguments,
} from './model_args.js';
import type { SummaryArgs } from './summary.js';
import { requireCodec } from './config_codec.js';
import { validateLayerInputs } from './input_validation.js';
import { inferInBatches } from './inference.js';
import { checkOptions, toSnakeCase } from '../layers/options.js';
import { kerasClassName } from '../layers/naming.js';

export type { ConcreteOutputs, PredictArgs, BatchArgs, EvaluateDictArgs, ModelArgs } from './model_args.js';

/**
 * A functional model with Keras's training API. Generic in its outputs, so that `predict` of a
 * one-output model is a `Tensor` and of several a `Tensor[]`, without casts.
 */
export class Model<S extends SymbolicStructure = SymbolicStructure> extends Functional implements TrainableModel {
  /** A model built from inputs and outputs is a functional model, as `keras.Model(inputs, outputs)` is. */
  static override readonly className: string = 'Functional';
  stopTraining = false;
  private trainer: Trainer | undefined;
  private readonly inferencePool = new ops.BufferPool();

  private compileArgs: CompileArgs | undefined;

  /**
   * A functional model from its inputs and outputs. With none, a subclass that creates its layers
   * in its constructor and computes in its own `call(inputs, ctx)`, as Keras's subclassed models.
   */
  constructor(inputs?: SymbolicStructure, outputs?: S, opts: ModelArgs = {}, namePrefix = 'model') {
    checkOptions('Model', opts, MODEL_OPTIONS);
    // A subclassed model is named after its class, as Keras names it (`classifier_1`).
    const subclass = inputs === undefined && new.target !== Model;
    super(inputs, outputs, opts, subclass ? toSnakeCase(kerasClassName(new.target)) : namePrefix);
  }

  /**
   * The model's Keras config (Keras's `get_config`): for a functional model or a Sequential, its
   * layers and how they connect, exactly as config.json holds it; for a subclassed model, its
   * constructor options (override it, as in Keras, to add yours).
   */
  override getConfig(): Record<string, unknown> {
    return this.runsOwnCall ? super.getConfig() : requireCodec().toConfig(this);
  }

  /**
   * Rebuilds a model from `getConfig()` with fresh weights (Keras's `from_config`). A subclassed
   * model rebuilds through its constructor, as any layer.
   */
  static override fromConfig<T extends Layer>(
    this: new (
      ...args: never[]
    ) => T,
    config: Readonly<Record<string, unknown>>,
    customObjects: CustomObjects = {},
  ): T {
    const cls = this as unknown as typeof Model;
    if (cls === Model || cls.className === 'Sequential') {
      return requireCodec().fromConfig(
        cls === Model ? 'Functional' : 'Sequential',
        { ...config },
        customObjects,
      ) as unknown as T;
    }
    return Layer.fromConfig.call(this, config) as T;
  }

  /** The architecture as JSON text, as Keras's `to_json` (weights are not included). */
  toJSON(): string {
    return JSON.stringify({
      module: 'keras',
      class_name: this.className,
      config: this.getConfig(),
      registered_name: this.className === 'Functional' || this.className === 'Sequential' ? null : this.className,
    });
  }

  get optimizer(): Optimizer | undefined {
    return this.trainer?.compiled.optimizer;
  }

  /** Saves the model as a Keras 3 `.keras` file (Node.js): architecture, weights and compile settings. */
  async save(path: string, ...extra: never[]): Promise<void> {
    noExtraArguments('model.save', extra, 'one argument, the path');
    const { saveModel } = await import('./persistence.js');
    await saveModel(this, path, this.compileArgs);
  }

  /** Saves only the weights, as Keras 3's `.weights.h5` (Node.js). */
  async saveWeights(path: string, ...extra: never[]): Promise<void> {
    noExtraArguments('model.saveWeights', extra, 'one argument, the path');
    const { saveWeights } = await import('./persistence.js');
    await saveWeights(this, path);
  }

  /**
   * Loads weights saved by `saveWeights` (here or in Keras 3) into this model, matched by
   * position in the architecture as Keras does. A file that does not fit changes nothing.
   */
  async loadWeights(source: string | Uint8Array | ArrayBuffer, ...extra: never[]): Promise<void> {
    // Keras's skip_mismatch is not offered: a file that does not fit changes nothing, and says why.
    noExtraArguments('model.loadWeights', extra, 'one argument, the path or the bytes of a weights file');
    const { loadWeights } = await import('./persistence.js');
    await loadWeights(this, source);
  }

  /** Configures the model for training: optimizer, losses (per output), loss weights and metrics. */
  compile(args: CompileArgs): void {
    // Before anything changes: a Sequential without an input resolves the rest once data arrives.
    checkOptions('compile', args, COMPILE_OPTIONS);
    this.compileArgs = args;
    // Resolve now so that a bad loss or output name fails here; a Sequential without an input
    // shape resolves once data has built it.
    this.trainer = this.built ? new Trainer(this, args) : undefined;
  }

  /** What a subclassed model's first call showed: its inputs and outputs. */
  private callSlots: CallSlots | undefined;

  /**
   * Builds the model from its first data when its inputs were not known up front: a subclassed
   * model is called once on the first rows (Sequential builds its graph instead).
   */
  protected buildFromData(x: Data): void {
    if (!this.runsOwnCall && this.inputs.length === 0) {
      throw new Error(`Model '${this.name}' has no inputs and outputs, and no call() of its own to compute with.`);
    }
    if (!this.runsOwnCall || this.callSlots) return;
    this.callSlots = slotsFromFirstCall(this, tensorsOf(x, this));
    this.built = true;
  }

  private requireCompiled(method: string, x: Data): Trainer {
    if (!this.compileArgs) {
      throw new Error(
        `You must call compile() on model '${this.name}' before ${method}(), for example model.compile({ ` +
          `optimizer: 'rmsprop', loss: 'mse' }).`,
      );
    }
    this.buildFromData(x);
    this.trainer ??= new Trainer(this, this.compileArgs);
    return this.trainer;
  }

  /** Trains on a Dataset, a Sequence or a generator of `[x, y]` or `[x, y, sampleWeight]` batches. */
  fit(data: BatchSource<StreamBatch>, args?: StreamFitArgs): Promise<History>;
  /** Trains for `epochs` passes over the data and returns the History (also logged live). */
  fit(x: Data, y: Data, args?: FitArgs): Promise<History>;
  fit(x: Data | BatchSource<StreamBatch>, y?: Data | StreamFitArgs, args?: FitArgs): Promise<History> {
    // Two fits interleaving their steps would train on a mix of both; predict and evaluate during
    // a fit (from a callback) are fine, since they change no weight.
    if (this.fitting) {
      return Promise.reject(
        new Error(`Model '${this.name}' is already training: wait for the running fit() to finish.`),
      );
    }
    try {
      this.fitting = true;
      const run = isBatchSource(x)
        ? this.fitStream(x, y, args)
        : this.requireCompiled('fit', x).fit(x, y as Data, args ?? {});
      return run.finally(() => {
        this.fitting = false;
      });
    } catch (e) {
      this.fitting = false;
      return Promise.reject(e);
    }
  }

  /** Whether a fit() is running on this model. */
  private fitting = false;

  // ---- streams of batches (training/stream_loops.ts runs the loops) -------------------------

  /**
   * Reads a stream's first batch, after the checks that need no data, and builds the model from it
   * (a Sequential without an input shape, a subclassed model), as arrays build it.
   */
  private async firstBatch(reader: BatchReader<unknown>, method: string, needsCompile: boolean): Promise<Data> {
    if (needsCompile && !this.compileArgs) this.requireCompiled(method, []);
    const first = await reader.peek();
    if (first === undefined) throw new Error(`${method}: the data gave no batches (an empty dataset or generator).`);
    const x = unpackBatch(first, `${method} (batch 0)`).x;
    this.buildFromData(x);
    return x;
  }

  private async fitStream(source: BatchSource<unknown>, second: unknown, third: unknown): Promise<History> {
    const args = streamOptions('fit', second, third) as StreamFitArgs;
    const reader = new BatchReader(source, 'fit', args.shuffle !== false);
    const plan = planStreamFit(args, reader);
    try {
      const trainer = this.requireCompiled('fit', await this.firstBatch(reader, 'fit', true));
      return await fitStream(trainer, this, reader, plan);
    } finally {
      await reader.close();
    }
  }

  private async evaluateStream(
    source: BatchSource<unknown>,
    second: unknown,
    third: unknown,
  ): Promise<number | number[] | Record<string, number>> {
    const args = streamOptions('evaluate', second, third) as StreamEvaluateArgs & { returnDict?: boolean };
    const reader = new BatchReader(source, 'evaluate');
    const plan = planStreamEvaluate(args, reader);
    try {
      const trainer = this.requireCompiled('evaluate', await this.firstBatch(reader, 'evaluate', true));
      const logs = await evaluatePass(trainer, this, reader, plan.steps, plan.verbose, 'evaluate');
      return plan.returnDict ? logs : flattenLogs(logs);
    } finally {
      await reader.close();
    }
  }

  private async predictStream(source: BatchSource<unknown>, args: unknown): Promise<ConcreteOutputs<S>> {
    const reader = new BatchReader(source, 'predict');
    const steps = planStreamPredict(args, reader);
    try {
      await this.firstBatch(reader, 'predict', false);
      const outs = await predictPass(
        reader,
        steps,
        (x, where) => this.adaptInputs(x, where),
        (xs) => ops.withBufferPool(this.inferencePool, () => copyOut(this.predictStep(xs))),
      );
      return this.structure(outs);
    } finally {
      await reader.close();
    }
  }

  /** The loss (and metrics) on data: a number, a list `[loss, ...metrics]`, or a record with `returnDict`. */
  evaluate(x: Data, y: Data, args: EvaluateDictArgs): Promise<Record<string, number>>;
  evaluate(x: Data, y: Data, args?: EvaluateArgs & { returnDict?: false }): Promise<number | number[]>;
  /** Evaluates on a Dataset, a Sequence or a generator of `[x, y]` or `[x, y, sampleWeight]` batches. */
  evaluate(
    data: BatchSource<StreamBatch>,
    args: StreamEvaluateArgs & { returnDict: true },
  ): Promise<Record<string, number>>;
  evaluate(
    data: BatchSource<StreamBatch>,
    args?: StreamEvaluateArgs & { returnDict?: false },
  ): Promise<number | number[]>;
  async evaluate(
    x: Data | BatchSource<StreamBatch>,
    y?: Data | (StreamEvaluateArgs & { returnDict?: boolean }),
    third?: EvaluateArgs & { returnDict?: boolean },
  ): Promise<number | number[] | Record<string, number>> {
    if (isBatchSource(x)) return this.evaluateStream(x, y, third);
    const args = third ?? {};
    checkOptions('evaluate', args, EVALUATE_OPTIONS);
    const { returnDict, ...rest } = args;
    const logs = this.requireCompiled('evaluate', x).evaluateData(x, y as Data, rest);
    return returnDict ? logs : flattenLogs(logs);
  }

  /** Runs the model in inference mode over data in batches. */
  predict(x: Data, args?: PredictArgs): ConcreteOutputs<S>;
  /** Predicts over a Dataset, a Sequence or a generator of batches (x, or `[x, ...]`), resolving once all are read. */
  predict(data: BatchSource<PredictBatch>, args?: StreamPredictArgs): Promise<ConcreteOutputs<S>>;
  predict(
    x: Data | BatchSource<PredictBatch>,
    args: PredictArgs | StreamPredictArgs = {},
  ): ConcreteOutputs<S> | Promise<ConcreteOutputs<S>> {
    if (isBatchSource(x)) return this.predictStream(x, args);
    checkOptions('predict', args, PREDICT_OPTIONS);
    const batchSize = wholeNumber('predict', 'batchSize', (args as PredictArgs).batchSize, 32);
    verbosity('predict', args.verbose, 0);
    return this.structure(this.inferInBatches(this.adaptInputs(x, 'predict'), batchSize));
  }

  predictOnBatch(x: Data): ConcreteOutputs<S> {
    const xs = this.adaptInputs(x, 'predictOnBatch');
    return this.structure(this.inferInBatches(xs, Math.max(xs[0].shape[0], 1)));
  }

  /** Inference over all rows, batch by batch, reusing one buffer pool (see inference.ts). */
  private inferInBatches(xs: Tensor[], batchSize: number): Tensor[] {
    return inferInBatches(xs, batchSize, this.outputSlots().length, this.inferencePool, (batch) =>
      this.predictStep(batch),
    );
  }

  /** One training step on one batch; returns the loss, or `[loss, ...metrics]`. */
  trainOnBatch(x: Data, y: Data, args: BatchArgs & { returnDict: true }): Promise<Record<string, number>>;
  trainOnBatch(x: Data, y: Data, args?: BatchArgs & { returnDict?: false }): Promise<number | number[]>;
  async trainOnBatch(
    x: Data,
    y: Data,
    args: BatchArgs & { returnDict?: boolean } = {},
  ): Promise<number | number[] | Record<string, number>> {
    checkOptions('trainOnBatch', args, BATCH_OPTIONS);
    const logs = this.requireCompiled('trainOnBatch', x).trainOnBatch(x, y, args.sampleWeight);
    return args.returnDict ? logs : flattenLogs(logs);
  }

  testOnBatch(x: Data, y: Data, args: BatchArgs & { returnDict: true }): Promise<Record<string, number>>;
  testOnBatch(x: Data, y: Data, args?: BatchArgs & { returnDict?: false }): Promise<number | number[]>;
  async testOnBatch(
    x: Data,
    y: Data,
    args: BatchArgs & { returnDict?: boolean } = {},
  ): Promise<number | number[] | Record<string, number>> {
    checkOptions('testOnBatch', args, BATCH_OPTIONS);
    const logs = this.requireCompiled('testOnBatch', x).testOnBatch(x, y, args.sampleWeight);
    return args.returnDict ? logs : flattenLogs(logs);
  }

  // ---- steps a subclass may replace (Keras's train_step, test_step, predict_step) ----------

  /**
   * One training step on one batch, as Keras's `train_step`: override it for a custom loop (a GAN,
   * a loss of your own) and `fit` still batches, calls callbacks and shows the progress bar with the
   * logs it returns. The default runs the compiled losses, the optimizer and the metrics.
   */
  trainStep(data: StepData): Logs {
    return this.requireTrainer('trainStep').defaultTrainStep(data);
  }

  /** One evaluation step on one batch, as Keras's `test_step`; returns the logs to show. */
  testStep(data: StepData): Logs {
    return this.requireTrainer('testStep').defaultTestStep(data);
  }

  /** The outputs for one batch of inputs, as Keras's `predict_step`. */
  predictStep(x: Tensor[]): Tensor[] {
    return this.forward(x, false);
  }

  /**
   * The compiled loss of predictions against targets (one per output, in order), with the model's
   * own losses (regularization, addLoss) added, as Keras's `compute_loss`: a scalar tensor that
   * gradients flow through.
   */
  computeLoss(y: readonly Tensor[], yPred: readonly Tensor[], sampleWeight: Float32Array | null = null): Tensor {
    return this.requireTrainer('computeLoss').steps.computeLoss(y, yPred, sampleWeight).total;
  }

  get ownTrainStep(): ((data: StepData) => Logs) | null {
    return this.trainStep === Model.prototype.trainStep ? null : (data) => this.trainStep(data);
  }

  get ownTestStep(): ((data: StepData) => Logs) | null {
    return this.testStep === Model.prototype.testStep ? null : (data) => this.testStep(data);
  }

  private requireTrainer(method: string): Trainer {
    if (!this.trainer) {
      throw new Error(
        `Model '${this.name}': ${method} needs compile() first, and data seen by fit, evaluate or trainOnBatch.`,
      );
    }
    return this.trainer;
  }

  /** Prints the notebook's summary table. */
  summary(args: SummaryArgs = {}): void {
    checkOptions('summary', args, SUMMARY_OPTIONS);
    if (!this.built) {
      throw new Error(
        `Model '${this.name}' has not been built yet: give its first layer an inputShape, or call fit/predict on data first.`,
      );
    }
    summary(this, args);
  }

  // ---- TrainableModel ---------------------------------------------------------------------

  inputSlots(): Slot[] {
    if (this.callSlots) return this.callSlots.inputs;
    return this.inputs.map((t, i) => ({ name: this.inputNames[i], shape: t.shape, dtype: t.dtype }));
  }

  outputSlots(): Slot[] {
    if (this.callSlots) return this.callSlots.outputs;
    return this.outputs.map((t, i) => ({ name: this.outputNames[i], shape: t.shape, dtype: t.dtype }));
  }

  forward(inputs: readonly Tensor[], training: boolean): Tensor[] {
    this.clearLosses();
    if (this.runsOwnCall) return runOwnCall(this, inputs, training);
    return this.runGraph(inputs, { training });
  }

  validateInputs(inputs: readonly Tensor[]): void {
    // A subclassed model's own call is its only description: data meets it when it runs.
    if (this.runsOwnCall) return;
    const shapes = inputs.map((t) => t.shape as SymbolicShape);
    try {
      this.checkShapes(shapes);
    } catch (e) {
      if (e instanceof WindowTooLargeError) throw explainTooShort(this, e, shapes);
      throw e;
    }
    for (const layer of this.layers) validateLayerInputs(layer, this, inputs);
  }

  private adaptInputs(x: Data, where: string): Tensor[] {
    this.buildFromData(x);
    return adaptInputs(this, x, where);
  }

  private structure(outs: Tensor[]): ConcreteOutputs<S> {
    if (this.callSlots) return (this.callSlots.outputList ? outs : outs[0]) as ConcreteOutputs<S>;
    if (this.outputKind === 'single') return outs[0] as ConcreteOutputs<S>;
    if (this.outputKind === 'list') return outs as ConcreteOutputs<S>;
    return Object.fromEntries(this.outputNames.map((n, i) => [n, outs[i]])) as ConcreteOutputs<S>;
  }
}

import type { Optimizer } from './optimizers.js';
import { checkOptions, optionNames } from '../layers/options.js';

export type Logs = Record<string, number>;

/** What a callback can see and steer of the model being trained. */
export interface CallbackModel {
  /** Set to true to end training after the current batch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer | undefined;
  getWeights(): import('../tensor/tensor.js').Tensor[];
  setWeights(values: readonly import('../tensor/tensor.js').Tensor[]): void;
  /** Writes a Keras 3 `.keras` file (ModelCheckpoint). */
  save(path: string): Promise<void>;
  /** Writes a Keras 3 `.weights.h5` file (ModelCheckpoint with saveWeightsOnly). */
  saveWeights(path: string): Promise<void>;
}

export interface TrainParams {
  epochs: number;
  /** Batches per epoch; null when the data's length is unknown (a generator), as Keras's None. */
  steps: number | null;
  verbose: 0 | 1 | 2;
}

/** Keras's callback hooks; override the ones you need. Hooks may be async. */
export class Callback {
  model: CallbackModel | undefined;
  params: TrainParams | undefined;
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainParams): void {
    this.params = params;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBegin(_logs?: Logs): void | Promise<void> {}
  onPredictEnd(_logs?: Logs): void | Promise<void> {}
}

/** Records every epoch's logs; `fit` returns one. */
export class History extends Callback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

export type Mode = 'auto' | 'min' | 'max';
export function improves(mode: Mode, monitor: string): (current: number, best: number, minDelta: number) => boolean {
  const max = mode === 'max' || (mode === 'auto' && /acc|auc/.test(monitor));
  return max ? (c, b, d) => c - d > b : (c, b, d) => c + d < b;
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  baseline?: number;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
  verbose?: 0 | 1;
}

/** Stops training when `monitor` stops improving; optionally restores the best epoch's weights. */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly better: (c: number, b: number, d: number) => boolean;
  private readonly args: EarlyStoppingArgs;
  private wait = 0;
  private best = NaN;
  private bestWeights: import('../tensor/tensor.js').Tensor[] | null = null;
  stoppedEpoch = 0;
  bestEpoch = 0;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    checkOptions(
      'EarlyStopping',
      args,
      optionNames<EarlyStoppingArgs>({
        monitor: true,
        minDelta: true,
        patience: true,
        mode: true,
        baseline: true,
        restoreBestWeights: true,
        startFromEpoch: true,
        verbose: true,
      }),
    );
    this.args = args;
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.better = improves(args.mode ?? 'auto', this.monitor);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.best = this.args.baseline ?? NaN;
    this.bestWeights = null;
    this.stoppedEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(
        `EarlyStopping monitors '${this.monitor}', which is not in the logs (available: ${Object.keys(logs).join(', ')}).`,
      );
    }
    if (epoch < (this.args.startFromEpoch ?? 0)) return;
    if (Number.isNaN(this.best) || this.better(current, this.best, this.minDelta)) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.args.restoreBestWeights && this.model) this.bestWeights = this.model.getWeights();
      return;
    }
    this.wait++;
    if (this.wait > this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
      if (this.bestWeights) this.model.setWeights(this.bestWeights);
      if (this.args.verbose)
        console.log(
          `Epoch ${epoch + 1}: early stopping (best ${this.monitor} ${this.best.toFixed(4)} at epoch ${this.bestEpoch + 1})`,
        );
    }
  }
}

export interface LambdaCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  /** Keras's on_train_batch_begin; `onBatchBegin` is its older alias. */
  onTrainBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onTrainBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
}

/** A callback from plain functions. */
export class LambdaCallback extends Callback {
  constructor(private readonly fns: LambdaCallbackArgs) {
    super();
    checkOptions(
      'LambdaCallback',
      fns,
      optionNames<LambdaCallbackArgs>({
        onTrainBegin: true,
        onTrainEnd: true,
        onEpochBegin: true,
        onEpochEnd: true,
        onTrainBatchBegin: true,
        onTrainBatchEnd: true,
        onBatchBegin: true,
        onBatchEnd: true,
      }),
    );
  }
  override onTrainBegin(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainEnd?.(logs);
  }
  override onEpochBegin(e: number, logs?: Logs): void | Promise<void> {
    return this.fns.onEpochBegin?.(e, logs);
  }
  override onEpochEnd(e: number, logs?: Logs): void | Promise<void> {
    return this.fns.onEpochEnd?.(e, logs);
  }
  override onTrainBatchBegin(b: number, logs?: Logs): void | Promise<void> {
    return (this.fns.onTrainBatchBegin ?? this.fns.onBatchBegin)?.(b, logs);
  }
  override onTrainBatchEnd(b: number, logs?: Logs): void | Promise<void> {
    return (this.fns.onTrainBatchEnd ?? this.fns.onBatchEnd)?.(b, logs);
  }
}

/** Stops training as soon as a batch's loss is NaN or infinite. */
export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss) && this.model) {
      console.log(`Batch ${batch}: invalid loss, terminating training`);
      this.model.stopTraining = true;
    }
  }
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
  verbose?: 0 | 1;
}

/** Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs. */
export class ReduceLROnPlateau extends Callback {
  private readonly monitor: string;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private readonly better: (c: number, b: number, d: number) => boolean;
  private readonly verbose: 0 | 1;
  private best = NaN;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    checkOptions(
      'ReduceLROnPlateau',
      args,
      optionNames<ReduceLROnPlateauArgs>({
        monitor: true,
        factor: true,
        patience: true,
        mode: true,
        minDelta: true,
        cooldown: true,
        minLr: true,
        verbose: true,
      }),
    );
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (this.factor >= 1) throw new Error('ReduceLROnPlateau: factor must be < 1.');
    this.patience = args.patience ?? 10;
    this.minDelta = args.minDelta ?? 1e-4;
    this.cooldown = args.cooldown ?? 0;
    this.minLr = args.minLr ?? 0;
    this.better = improves(args.mode ?? 'auto', this.monitor);
    this.verbose = args.verbose ?? 0;
  }

  override onTrainBegin(): void {
    this.best = NaN;
    this.wait = 0;
    this.cooldownLeft = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const opt = this.model?.optimizer;
    if (opt) logs.learning_rate = opt.learningRate;
    const current = logs[this.monitor];
    if (current === undefined || !opt) return;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    if (Number.isNaN(this.best) || this.better(current, this.best, this.minDelta)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownLeft <= 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = opt.learningRate;
        if (old > this.minLr) {
          opt.learningRate = Math.max(old * this.factor, this.minLr);
          if (this.verbose)
            console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${opt.learningRate}.`);
          this.cooldownLeft = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

import { Callback, type Logs, type Mode, improves } from '../training/callbacks.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';

export interface ModelCheckpointArgs {
  /** The log entry that decides which epoch is best (default 'val_loss'). */
  monitor?: string;
  /** 1 prints a line each time a file is written or a save is skipped. */
  verbose?: 0 | 1;
  /** Write only when `monitor` improves on the best so far. */
  saveBestOnly?: boolean;
  /** Write `.weights.h5` files (weights only) rather than whole `.keras` models. */
  saveWeightsOnly?: boolean;
  /** Whether lower ('min') or higher ('max') is better; 'auto' decides by the name, as Keras does. */
  mode?: Mode;
  /** 'epoch' (the default), or a number of batches between saves. */
  saveFreq?: 'epoch' | number;
  /** With saveBestOnly, a value the first save must already beat. */
  initialValueThreshold?: number;
}

/**
 * Saves the model (or its weights) during training, as Keras's ModelCheckpoint: every epoch, every
 * `saveFreq` batches, or only when `monitor` improves. The path may name log entries in Python's
 * format syntax, as Keras's does: `ckpt-{epoch:02d}-{val_loss:.2f}.keras`.
 */
export class ModelCheckpoint extends Callback {
  readonly filepath: string;
  readonly monitor: string;
  private readonly args: ModelCheckpointArgs;
  private readonly better: (current: number, best: number, minDelta: number) => boolean;
  private best = NaN;
  private epoch = 0;
  private batchesSinceSave = 0;

  constructor(filepath: string, args: ModelCheckpointArgs = {}) {
    super();
    checkOptions(
      'ModelCheckpoint',
      args,
      optionNames<ModelCheckpointArgs>({
        monitor: true,
        verbose: true,
        saveBestOnly: true,
        saveWeightsOnly: true,
        mode: true,
        saveFreq: true,
        initialValueThreshold: true,
      }),
    );
    if (typeof filepath !== 'string') {
      throw new TypeError(`ModelCheckpoint expects a file path as its first argument, got ${describeValue(filepath)}.`);
    }
    const ext = args.saveWeightsOnly ? '.weights.h5' : '.keras';
    if (!filepath.endsWith(ext)) {
      throw new Error(
        `ModelCheckpoint: with saveWeightsOnly ${args.saveWeightsOnly ? 'true' : 'false'}, the file path must ` +
          `end in ${ext}, got '${filepath}'.`,
      );
    }
    const freq = args.saveFreq ?? 'epoch';
    if (freq !== 'epoch' && !(Number.isInteger(freq) && freq > 0)) {
      throw new Error(
        `ModelCheckpoint: saveFreq must be 'epoch' or a positive whole number of batches, got ${String(freq)}.`,
      );
    }
    this.filepath = filepath;
    this.args = args;
    this.monitor = args.monitor ?? 'val_loss';
    this.better = improves(args.mode ?? 'auto', this.monitor);
  }

  override onTrainBegin(): void {
    this.best = this.args.initialValueThreshold ?? NaN;
    this.batchesSinceSave = 0;
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override async onTrainBatchEnd(_batch: number, logs: Logs = {}): Promise<void> {
    const freq = this.args.saveFreq ?? 'epoch';
    if (freq === 'epoch' || ++this.batchesSinceSave < freq) return;
    this.batchesSinceSave = 0;
    await this.saveIfDue(logs);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    this.epoch = epoch;
    if ((this.args.saveFreq ?? 'epoch') === 'epoch') await this.saveIfDue(logs);
  }

  private async saveIfDue(logs: Logs): Promise<void> {
    if (!this.model) return;
    const path = formatPath(this.filepath, this.epoch, logs);
    if (this.args.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        // Keras warns and goes on: validation logs may come only with some epochs.
        console.warn(
          `ModelCheckpoint: cannot save the best model by '${this.monitor}', which is not in the logs ` +
            `(available: ${Object.keys(logs).join(', ')}); skipping.`,
        );
        return;
      }
      if (!Number.isNaN(this.best) && !this.better(current, this.best, 0)) {
        if (this.args.verbose === 1)
          console.log(`\nEpoch ${this.epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      if (this.args.verbose === 1) {
        console.log(
          `\nEpoch ${this.epoch + 1}: ${this.monitor} ${Number.isNaN(this.best) ? 'is' : `improved from ${this.best.toFixed(5)} to`} ${current.toFixed(5)}, saving the model to ${path}`,
        );
      }
      this.best = current;
    } else if (this.args.verbose === 1) {
      console.log(`\nEpoch ${this.epoch + 1}: saving the model to ${path}`);
    }
    if (this.args.saveWeightsOnly) await this.model.saveWeights(path);
    else await this.model.save(path);
  }
}

/**
 * Fills `{name}` and `{name:spec}` in a checkpoint path from the epoch (counted from 1, as Keras
 * prints it) and the logs. Specs are Python's: `02d`, `.2f`, `.3e`, or none.
 */
export function formatPath(template: string, epoch: number, logs: Logs): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, name: string, spec: string | undefined) => {
    const value = name === 'epoch' ? epoch + 1 : logs[name];
    if (value === undefined) {
      throw new Error(
        `ModelCheckpoint: the file path '${template}' names '${name}', which is not in the logs (available: ` +
          `epoch, ${Object.keys(logs).join(', ')}).`,
      );
    }
    if (!spec) return String(value);
    const m = /^(0?)(\d*)(?:\.(\d+))?([dfe])$/.exec(spec);
    if (!m)
      throw new Error(
        `ModelCheckpoint: the format '{${name}:${spec}}' in '${template}' is not one of d, f or e with an optional width and precision.`,
      );
    const [, zero, width, precision, kind] = m;
    const text =
      kind === 'd'
        ? String(Math.trunc(value))
        : kind === 'f'
          ? value.toFixed(Number(precision ?? 6))
          : value.toExponential(Number(precision ?? 6)).replace(/e([+-])(\d)$/, 'e$10$2');
    return text.padStart(Number(width || 0), zero ? '0' : ' ');
  });
}

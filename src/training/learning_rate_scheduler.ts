import { Callback, type Logs } from './callbacks.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';

/** A function of the epoch (from 0) and the current learning rate, giving the rate for that epoch. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

export interface LearningRateSchedulerArgs {
  /** 1 prints the rate set at each epoch. */
  verbose?: 0 | 1;
}

/**
 * Sets the optimizer's learning rate at the start of each epoch from `schedule(epoch, rate)`, and
 * logs it as `learning_rate`, as Keras's LearningRateScheduler. (A step-wise schedule belongs in
 * the optimizer: `learningRate: new optimizers.schedules.ExponentialDecay(...)`.)
 */
export class LearningRateScheduler extends Callback {
  private readonly verbose: 0 | 1;

  constructor(
    private readonly schedule: EpochSchedule,
    args: LearningRateSchedulerArgs = {},
  ) {
    super();
    if (typeof schedule !== 'function') {
      throw new TypeError(
        `LearningRateScheduler expects a function (epoch, learningRate) => rate, got ${describeValue(schedule)}.`,
      );
    }
    checkOptions('LearningRateScheduler', args, optionNames<LearningRateSchedulerArgs>({ verbose: true }));
    this.verbose = args.verbose ?? 0;
  }

  override onEpochBegin(epoch: number): void {
    const optimizer = this.model?.optimizer;
    if (!optimizer) throw new Error('LearningRateScheduler needs a compiled model.');
    const rate = this.schedule(epoch, optimizer.learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate)) {
      throw new Error(
        `LearningRateScheduler: the schedule returned ${describeValue(rate)} for epoch ${epoch}; it must return a finite number.`,
      );
    }
    optimizer.learningRate = rate;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${rate}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    const optimizer = this.model?.optimizer;
    if (optimizer) logs.learning_rate = optimizer.learningRate;
  }
}

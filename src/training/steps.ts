/**
 * One training or test step on one batch: the compiled losses, the optimizer update and the
 * metrics. The loops in trainer.ts decide which batches run; this file decides what a step does,
 * which is also what a model's own `trainStep` replaces.
 */
import * as ops from '../ops/index.js';
import { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../layers/variable.js';
import type { Batch, LossTracker } from './batching.js';
import type { Logs } from './callbacks.js';
import { type BuiltMetric, type Compiled, buildMetrics } from './compile_config.js';
import { reduceLoss } from './loss_classes.js';
import { metricValue } from './metrics/base.js';

/** What a step needs of the model. */
export interface StepModel {
  readonly trainableWeights: Variable[];
  readonly nonTrainableWeights: Variable[];
  /** Runs the model on a batch; the losses its layers add during the run are in `losses` after. */
  forward(inputs: readonly Tensor[], training: boolean): Tensor[];
  /** Losses from the latest run (`addLoss`, activity regularizers) and weight penalties, computed on reading. */
  readonly losses: Tensor[];
}

/** A step's outcome before it is logged: the total loss, each output's loss, and the predictions. */
export interface StepResult {
  loss: number;
  each: number[];
  preds: Tensor[];
}

export class StepRunner {
  private metrics: BuiltMetric[] | null = null;

  constructor(
    private readonly model: StepModel,
    readonly compiled: Compiled,
  ) {}

  /**
   * Σ weightᵢ · lossᵢ over the outputs, plus the model's own losses (regularization, `addLoss`), and
   * each output's unweighted loss. Sample weights scale per-sample losses before each loss's
   * reduction (the batch mean by default).
   */
  computeLoss(
    ys: readonly Tensor[],
    preds: readonly Tensor[],
    sw: Float32Array | null,
  ): { total: Tensor; each: Tensor[] } {
    const each: Tensor[] = [];
    let total: Tensor | null = null;
    const weights = sw ? new Tensor(sw, [sw.length], 'float32') : null;
    this.compiled.outputs.forEach((o, i) => {
      if (!o.loss) return;
      const l = reduceLoss(o.loss(ys[i], preds[i]), weights, o.reduction);
      each.push(l);
      const weighted = o.weight === 1 ? l : ops.scale(l, o.weight);
      total = total ? ops.add(total, weighted) : weighted;
    });
    if (!total) throw new Error('compile: no output has a loss.');
    // Regularization and added losses count in the total (and its log), not in any output's loss.
    for (const extra of this.model.losses) total = ops.add(total, extra);
    return { total, each };
  }

  /**
   * One optimizer step. Weights change only after the forward and backward passes succeeded.
   * Runs inside the step's buffer pool: `preds` may only be read before the pool is released.
   */
  train(
    batch: Batch,
    vars: readonly Variable[] = this.model.trainableWeights,
    frozen: readonly Variable[] = this.model.nonTrainableWeights,
  ): StepResult {
    // Layers such as BatchNormalization update non-trainable state during the forward pass: keep a
    // copy so that a step that throws leaves every weight as it was.
    const saved = frozen.map((v) => v.snapshot());
    let preds: Tensor[] = [];
    let each: Tensor[] = [];
    try {
      const { value, grads } = ops.valueAndGrads(
        () => {
          preds = this.model.forward(batch.xs, true);
          const l = this.computeLoss(batch.ys, preds, batch.sw);
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

  test(batch: Batch): StepResult {
    const preds = this.model.forward(batch.xs, false);
    const l = this.computeLoss(batch.ys, preds, batch.sw);
    return { loss: l.total.values[0], each: l.each.map((t) => t.values[0]), preds };
  }

  /** Adds a step's losses and metrics to the running means, and returns the logs so far. */
  record(tracker: LossTracker, result: StepResult, batch: Batch, size: number): Logs {
    tracker.add(result.loss, result.each, size);
    const metrics = this.ensureMetrics(batch.ys, result.preds);
    // Keras weights only `weightedMetrics` by sample and class weights; `metrics` see every sample alike.
    const sw = batch.sw ? new Tensor(batch.sw, [batch.sw.length], 'float32') : null;
    for (const m of metrics) m.metric.updateState(batch.ys[m.output], result.preds[m.output], m.weighted ? sw : null);
    const logs = tracker.logs();
    for (const m of metrics) logs[m.key] = metricValue(m.metric);
    return logs;
  }

  /** Metrics restart at each epoch and each evaluation. */
  resetMetrics(): void {
    for (const m of this.metrics ?? []) m.metric.resetState();
  }

  /** Runs `fn` with fresh metric state, and puts the previous state back after (evaluation inside fit). */
  withFreshMetrics<T>(fn: () => T): T {
    const saved = this.metrics;
    this.metrics = null;
    try {
      return fn();
    } finally {
      this.metrics = saved;
    }
  }

  /** `withFreshMetrics` for an evaluation that awaits its batches. */
  async withFreshMetricsAsync<T>(fn: () => Promise<T>): Promise<T> {
    const saved = this.metrics;
    this.metrics = null;
    try {
      return await fn();
    } finally {
      this.metrics = saved;
    }
  }

  private ensureMetrics(ys: readonly Tensor[], preds: readonly Tensor[]): BuiltMetric[] {
    this.metrics ??= buildMetrics(
      this.compiled.outputs,
      ys.map((y) => y.shape),
      preds.map((p) => p.shape),
    );
    return this.metrics;
  }
}

import type { LossFn } from './losses.js';
import { Loss, type Reduction } from './loss_classes.js';
import { type LossId, resolveLoss } from './loss_registry.js';
import { type MetricId, checkLoggable, checkMetricId, createMetric } from './metrics.js';
import { Metric } from './metrics/base.js';
import { type Optimizer, type OptimizerId, getOptimizer } from './optimizers.js';
import type { Slot } from './data.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';

/** A loss by name, as a function, or as a loss object (`new losses.Huber({ delta: 2 })`, which saves with the model). */
export type LossSpec = LossId | LossFn | Loss;
export type MetricSpec = MetricId | Metric;

export interface CompileArgs {
  optimizer?: OptimizerId | Optimizer;
  /** One loss for every output, one per output in order, or a record by output name. */
  loss: LossSpec | readonly LossSpec[] | Readonly<Record<string, LossSpec>>;
  /** Weights of each output's loss in the total: in output order or by name (default 1). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /**
   * Metrics for every output, per output in order, or by output name: Keras's names or metric
   * objects (`new metrics.AUC()`). They ignore sample and class weights.
   */
  metrics?: MetricsSpec;
  /** Metrics that `sampleWeight` and `classWeight` weight, as Keras's `weighted_metrics`. */
  weightedMetrics?: MetricsSpec;
}

/** Metrics for every output, per output in order, or by output name. */
export type MetricsSpec =
  | readonly MetricSpec[]
  | readonly (readonly MetricSpec[])[]
  | Readonly<Record<string, MetricSpec | readonly MetricSpec[]>>;

export const COMPILE_OPTIONS = optionNames<CompileArgs>({
  optimizer: true,
  loss: true,
  lossWeights: true,
  metrics: true,
  weightedMetrics: true,
});

/** Everything `compile` resolved, per output. */
export interface CompiledOutput {
  name: string;
  /** The loss of each sample, before weighting and reduction. */
  loss: LossFn | null;
  /** How the weighted per-sample losses reduce to the output's loss. */
  reduction: Exclude<Reduction, 'none'>;
  weight: number;
  /** Factories: metrics are created against the shapes of the first batch's targets. */
  metrics: MetricSpec[];
  weightedMetrics: MetricSpec[];
}

export interface Compiled {
  optimizer: Optimizer;
  outputs: CompiledOutput[];
}

function byOutput<T>(
  spec: T | readonly T[] | Readonly<Record<string, T>> | undefined,
  outputs: readonly string[],
  what: string,
  isLeaf: (v: unknown) => v is T,
): (T | undefined)[] {
  if (spec === undefined) return outputs.map(() => undefined);
  if (isLeaf(spec)) return outputs.map(() => spec);
  if (Array.isArray(spec)) {
    if (spec.length !== outputs.length) {
      throw new Error(
        `compile: ${what} has ${spec.length} entries but the model has ${outputs.length} outputs (${outputs.join(', ')}).`,
      );
    }
    return [...(spec as readonly T[])];
  }
  if (typeof spec !== 'object' || spec === null)
    throw new Error(
      `compile: ${what} must be one value, a list per output or a record by output name, got ${describeValue(spec)}.`,
    );
  const rec = spec as Readonly<Record<string, T>>;
  for (const key of Object.keys(rec)) {
    if (!outputs.includes(key))
      throw new Error(
        `compile: ${what} names '${key}', which is not an output of the model. Outputs: ${outputs.join(', ')}.`,
      );
  }
  return outputs.map((o) => rec[o]);
}

const isLoss = (v: unknown): v is LossSpec => typeof v === 'string' || typeof v === 'function' || v instanceof Loss;
const isNumber = (v: unknown): v is number => typeof v === 'number';

export function resolveCompile(args: CompileArgs, outputs: readonly Slot[]): Compiled {
  checkOptions('compile', args, COMPILE_OPTIONS);
  if (args.loss === undefined || args.loss === null) throw new Error('compile: a `loss` is required.');
  const names = outputs.map((o) => o.name);
  const losses = byOutput(args.loss, names, 'loss', isLoss);
  const weights = byOutput(args.lossWeights, names, 'lossWeights', isNumber);
  const resolved = losses.map((l, i) => (l === undefined ? null : resolveLoss(l, names[i])));
  const metrics = resolveMetrics(args.metrics, names, 'metrics');
  const weightedMetrics = resolveMetrics(args.weightedMetrics, names, 'weightedMetrics');
  checkMetricSpecs([...metrics.flat(), ...weightedMetrics.flat()]);
  return {
    optimizer: getOptimizer(args.optimizer ?? 'rmsprop'),
    outputs: names.map((name, i) => ({
      name,
      loss: resolved[i]?.fn ?? null,
      reduction: resolved[i]?.reduction ?? 'sum_over_batch_size',
      weight: weights[i] ?? 1,
      metrics: metrics[i],
      weightedMetrics: weightedMetrics[i],
    })),
  };
}

/**
 * Refuses, at compile time, what would fail only after the first training step: a name that is no
 * metric, a metric that reports several numbers, and one metric object given twice (its state
 * would count the batches of both places).
 */
function checkMetricSpecs(specs: readonly MetricSpec[]): void {
  const seen = new Set<Metric>();
  for (const spec of specs) {
    if (spec instanceof Metric) {
      if (seen.has(spec))
        throw new Error(
          `compile: the metric object '${spec.name}' (${spec.className}) is given more than once (for several ` +
            `outputs, or in both metrics and weightedMetrics); create one object for each place.`,
        );
      seen.add(spec);
      checkLoggable(spec, 'compile');
    } else checkMetricId(spec, 'compile');
  }
}

function resolveMetrics(spec: MetricsSpec | undefined, names: readonly string[], what: string): MetricSpec[][] {
  if (spec === undefined) return names.map(() => []);
  if (typeof spec !== 'object' || spec === null || spec instanceof Metric)
    throw new TypeError(
      `compile: ${what} must be a list of metrics (['accuracy']), a list per output, or a record by output name; got ${spec instanceof Metric ? `the metric '${spec.name}' alone: put it in a list` : describeValue(spec)}.`,
    );
  if (Array.isArray(spec)) {
    const nested = spec.length > 0 && spec.every((m) => Array.isArray(m));
    if (nested)
      return byOutput(spec as readonly MetricSpec[][], names, what, (_v): _v is MetricSpec[] => false).map((m) => [
        ...(m ?? []),
      ]);
    return names.map(() => [...(spec as readonly MetricSpec[])]);
  }
  if (typeof spec !== 'object' || spec === null)
    throw new Error(
      `compile: ${what} must be a list, a list per output or a record by output name, got ${describeValue(spec)}.`,
    );
  const rec = spec as Readonly<Record<string, MetricSpec | readonly MetricSpec[]>>;
  for (const key of Object.keys(rec)) {
    if (!names.includes(key))
      throw new Error(
        `compile: ${what} names '${key}', which is not an output of the model. Outputs: ${names.join(', ')}.`,
      );
  }
  return names.map((n) => {
    const m = rec[n];
    return m === undefined ? [] : Array.isArray(m) ? [...(m as readonly MetricSpec[])] : [m as MetricSpec];
  });
}

/** A compiled metric: which output it reads, its key in the logs, and whether sample weights weight it. */
export interface BuiltMetric {
  output: number;
  key: string;
  metric: Metric;
  weighted: boolean;
}

/**
 * Instantiates each output's metrics, then its weighted metrics, named as Keras logs them: `acc`,
 * `income_acc` with several outputs, a repeated name numbered (`acc_1`), and a weighted metric
 * whose name is taken prefixed with `weighted_`.
 */
export function buildMetrics(
  outputs: readonly CompiledOutput[],
  targetShapes: readonly (readonly (number | null)[])[],
  predShapes: readonly (readonly (number | null)[])[],
): BuiltMetric[] {
  const many = outputs.length > 1;
  const taken = new Map<string, number>();
  const prefixed = (i: number, name: string): string => (many ? `${outputs[i].name}_${name}` : name);
  const numbered = (name: string): string => {
    const count = taken.get(name);
    taken.set(name, (count ?? 0) + 1);
    return count === undefined ? name : `${name}_${count}`;
  };
  const build = (weighted: boolean): BuiltMetric[] =>
    outputs.flatMap((o, i) =>
      (weighted ? o.weightedMetrics : o.metrics).map((spec) => {
        const metric = createMetric(spec, targetShapes[i], predShapes[i]);
        let key = prefixed(i, metric.name);
        if (weighted && taken.has(key)) key = prefixed(i, `weighted_${metric.name}`);
        return { output: i, key: numbered(key), metric, weighted };
      }),
    );
  return [...build(false), ...build(true)];
}

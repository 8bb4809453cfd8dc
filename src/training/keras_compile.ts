/**
 * `compile_config` in a Keras 3 config.json: the optimizer (with its learning-rate schedule),
 * losses, loss weights, metrics and weighted metrics, so that a loaded model trains on as it was
 * compiled. Losses and metrics by name or as Keras's classes can be written; a model compiled
 * with plain functions (or subclasses of its own) is saved without a compile config, and loads
 * uncompiled.
 */
import type { CompileArgs, LossSpec, MetricsSpec } from './compile_config.js';
import { Loss } from './loss_classes.js';
import { Metric } from './metrics/base.js';
import { LearningRateSchedule } from './schedule_base.js';
import {
  isKerasLoss,
  isKerasMetric,
  isKerasSchedule,
  lossFromKeras,
  lossToKeras,
  metricFromKeras,
  metricToKeras,
  scheduleFromKeras,
  scheduleToKeras,
} from './keras_objects.js';
import { optionFromKeras, optionToKeras } from '../layers/options.js';
import { type Optimizer, getOptimizer, optimizerClasses } from './optimizers.js';

/** Every optimizer rule Dendrite exports, constructed from Keras's options (camelCased). */
type Ctor = new (args: Record<string, unknown>) => Optimizer;

/** Keras optimizer options that change nothing at these values. */
const NEUTRAL: Record<string, (v: unknown) => boolean> = {
  name: () => true,
  weight_decay: (v) => v === null || v === 0,
  use_ema: (v) => v === false,
  ema_momentum: () => true,
  ema_overwrite_frequency: (v) => v === null,
  loss_scale_factor: (v) => v === null,
  gradient_accumulation_steps: (v) => v === null,
  centered: (v) => v === false,
  clipnorm: (v) => v === null,
  clipvalue: (v) => v === null,
  global_clipnorm: (v) => v === null,
};

/**
 * Losses or metrics as Keras writes them, in lists and records by output: names as they are,
 * Keras's own objects serialized; undefined when one is a function or a user's class.
 */
function objectsToKeras(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === 'string') return v ?? null;
  if (v instanceof Loss) return isKerasLoss(v) ? lossToKeras(v) : undefined;
  if (v instanceof Metric) return isKerasMetric(v) ? metricToKeras(v) : undefined;
  if (typeof v === 'function' || typeof v !== 'object') return undefined;
  const entries = Object.entries(v as Record<string, unknown>).map(([k, item]) => [k, objectsToKeras(item)] as const);
  if (entries.some(([, item]) => item === undefined)) return undefined;
  return Array.isArray(v) ? entries.map(([, item]) => item) : Object.fromEntries(entries);
}

/** Losses or metrics from a compile_config: names as they are, Keras objects rebuilt by `build`. */
function objectsFromKeras(v: unknown, what: string, build: (obj: object) => unknown): unknown {
  if (v === null || v === undefined || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((item) => objectsFromKeras(item, what, build));
  if (typeof v === 'object' && 'class_name' in v) return build(v);
  if (typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, item]) => [k, objectsFromKeras(item, what, build)]),
    );
  throw new Error(`the ${what} is ${JSON.stringify(v)}; expected a name or a Keras ${what} object`);
}

/** The compile_config Keras writes for these compile arguments, or null when they hold what a file cannot. */
export function compileToKeras(args: CompileArgs, live?: Optimizer): Record<string, unknown> | null {
  const loss = objectsToKeras(args.loss);
  const metrics = objectsToKeras(args.metrics ?? null);
  const weightedMetrics = objectsToKeras(args.weightedMetrics ?? null);
  if (loss === undefined || metrics === undefined || weightedMetrics === undefined) return null;
  // The model's own optimizer when it has one: its rate may have moved since compile.
  const optimizer = live ?? getOptimizer(args.optimizer ?? 'rmsprop');
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(optimizer.getConfig())) {
    if (v instanceof LearningRateSchedule) {
      if (!isKerasSchedule(v)) return null;
      config.learning_rate = scheduleToKeras(v);
    } else if (v !== undefined) config[optionToKeras(k)] = v;
  }
  return {
    optimizer: { module: 'keras.optimizers', class_name: optimizer.name, config, registered_name: null },
    loss,
    loss_weights: args.lossWeights ?? null,
    metrics,
    weighted_metrics: weightedMetrics,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** Compile arguments from a Keras compile_config; throws, naming the option, on what Dendrite cannot honour. */
export function compileFromKeras(config: Record<string, unknown>): CompileArgs {
  const opt = config.optimizer as { class_name?: string; config?: Record<string, unknown> } | string | undefined;
  let optimizer: CompileArgs['optimizer'];
  if (typeof opt === 'string') optimizer = opt.toLowerCase() as CompileArgs['optimizer'];
  else if (opt && typeof opt.class_name === 'string') {
    const ctor = optimizerClasses().get(opt.class_name) as Ctor | undefined;
    if (!ctor)
      throw new Error(
        `the optimizer ${opt.class_name} is not one Dendrite has (${[...optimizerClasses().keys()].join(', ')})`,
      );
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opt.config ?? {})) {
      if (k === 'learning_rate' && v !== null && typeof v === 'object') {
        options.learningRate = scheduleFromKeras(v);
        continue;
      }
      const neutral = NEUTRAL[k];
      if (neutral?.(v) && !(k === 'weight_decay' && opt.class_name === 'AdamW')) continue;
      if (k === 'momentum' && v === 0 && opt.class_name !== 'SGD' && opt.class_name !== 'RMSprop') continue;
      if (k === 'nesterov' && v === false && opt.class_name !== 'SGD') continue;
      options[optionFromKeras(k)] = v;
    }
    optimizer = new ctor(options);
  }
  const metrics = (v: unknown): MetricsSpec | undefined =>
    (objectsFromKeras(v ?? null, 'metric', metricFromKeras) ?? undefined) as MetricsSpec | undefined;
  return {
    optimizer,
    loss: objectsFromKeras(config.loss ?? null, 'loss', lossFromKeras) as LossSpec,
    lossWeights: (config.loss_weights ?? undefined) as CompileArgs['lossWeights'],
    metrics: metrics(config.metrics),
    weightedMetrics: metrics(config.weighted_metrics),
  };
}

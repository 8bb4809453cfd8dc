/**
 * Learning-rate schedules, loss objects and metric objects in Keras's serialized form,
 * `{ module, class_name, config, registered_name }`, as they appear in a compile_config: the
 * optimizer's `learning_rate`, the losses and the metrics. Only Keras's own classes can go both
 * ways; a subclass of Dendrite's own is not one Keras (or a later load) could rebuild.
 */
import { describeValue, optionFromKeras, optionToKeras } from '../layers/options.js';
import type { Loss } from './loss_classes.js';
import { LOSS_CLASSES, LOSS_FUNCTION_NAMES, type LossFunctionName } from './loss_registry.js';
import { type MetricId, isKerasMetric, isMetricId, metricFromConfig, METRIC_CLASS_NAMES } from './metrics.js';
import type { Metric } from './metrics/base.js';
import type { LearningRateSchedule } from './schedule_base.js';
import * as schedules from './schedules.js';

export interface KerasObjectConfig {
  module: string;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: null;
}

/** A class built from its options object, which the class itself checks. */
type Ctor<T> = new (args: never) => T;

const SCHEDULE_CLASSES: Readonly<Record<string, Ctor<LearningRateSchedule>>> = {
  ExponentialDecay: schedules.ExponentialDecay,
  PiecewiseConstantDecay: schedules.PiecewiseConstantDecay,
  PolynomialDecay: schedules.PolynomialDecay,
  InverseTimeDecay: schedules.InverseTimeDecay,
  CosineDecay: schedules.CosineDecay,
  CosineDecayRestarts: schedules.CosineDecayRestarts,
};

/** Whether an object is one of Keras's own classes here (not a user's subclass), so it can be saved. */
function isBuiltin(obj: LearningRateSchedule | Loss, classes: Readonly<Record<string, Ctor<unknown>>>): boolean {
  return Object.hasOwn(classes, obj.className) && classes[obj.className] === obj.constructor;
}

export const isKerasSchedule = (s: LearningRateSchedule): boolean => isBuiltin(s, SCHEDULE_CLASSES);
export const isKerasLoss = (l: Loss): boolean => isBuiltin(l, LOSS_CLASSES);

export { isKerasMetric };

function toKeras(module: string, obj: LearningRateSchedule | Loss | Metric): KerasObjectConfig {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj.getConfig())) config[optionToKeras(k)] = v;
  return { module, class_name: obj.className, config, registered_name: null };
}

export function scheduleToKeras(schedule: LearningRateSchedule): KerasObjectConfig {
  return toKeras('keras.optimizers.schedules', schedule);
}

export function lossToKeras(loss: Loss): KerasObjectConfig {
  return toKeras('keras.losses', loss);
}

export function metricToKeras(metric: Metric): KerasObjectConfig {
  return toKeras('keras.metrics', metric);
}

function fromKeras<T>(
  what: string,
  v: unknown,
  classes: Readonly<Record<string, Ctor<T>>>,
  neutral: (key: string, value: unknown) => boolean,
): T {
  const obj = v as Partial<KerasObjectConfig> | null;
  if (typeof obj !== 'object' || obj === null || typeof obj.class_name !== 'string' || typeof obj.config !== 'object')
    throw new Error(`the ${what} is ${describeValue(v)}, not a Keras object ({ class_name, config })`);
  const ctor = Object.hasOwn(classes, obj.class_name) ? classes[obj.class_name] : undefined;
  if (!ctor || (obj.registered_name !== undefined && obj.registered_name !== null))
    throw new Error(
      `the ${what} ${obj.registered_name ?? obj.class_name} is not one Dendrite has (${Object.keys(classes).join(', ')})`,
    );
  const options: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(obj.config ?? {}))
    if (!neutral(k, value)) options[optionFromKeras(k)] = value;
  try {
    return new ctor(options as never);
  } catch (e) {
    throw new Error(`the ${what} ${obj.class_name} cannot be rebuilt: ${(e as Error).message}`);
  }
}

export function scheduleFromKeras(v: unknown): LearningRateSchedule {
  return fromKeras('learning-rate schedule', v, SCHEDULE_CLASSES, () => false);
}

/** A loss object from its Keras form; a serialized built-in loss function comes back as its name. */
export function lossFromKeras(v: unknown): Loss | LossFunctionName {
  const obj = v as Partial<KerasObjectConfig> | null;
  if (obj?.class_name === 'function' && LOSS_FUNCTION_NAMES.includes(obj.config as unknown as LossFunctionName))
    return obj.config as unknown as LossFunctionName;
  // Keras's loss dtype is where it computes; Dendrite computes in float32.
  return fromKeras('loss', v, LOSS_CLASSES, (k, value) => k === 'dtype' && (value === null || value === 'float32'));
}

/**
 * A metric object from its Keras form; a serialized metric function (`mean_squared_error`) comes
 * back as its name, which compile turns into the metric class of that name.
 */
export function metricFromKeras(v: unknown): Metric | MetricId {
  const obj = v as Partial<KerasObjectConfig> | null;
  if (obj?.class_name === 'function' && isMetricId(obj.config)) return obj.config;
  if (typeof obj !== 'object' || obj === null || typeof obj.class_name !== 'string' || typeof obj.config !== 'object')
    throw new Error(`the metric is ${describeValue(v)}, not a Keras object ({ class_name, config })`);
  if (obj.registered_name !== undefined && obj.registered_name !== null)
    throw new Error(`the metric ${obj.registered_name} is not one Dendrite has`);
  const options: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(obj.config ?? {})) options[optionFromKeras(k)] = value;
  let metric: Metric | null;
  try {
    metric = metricFromConfig(obj.class_name, options);
  } catch (e) {
    throw new Error(`the metric ${obj.class_name} cannot be rebuilt: ${(e as Error).message}`);
  }
  if (!metric)
    throw new Error(`the metric ${obj.class_name} is not one Dendrite has (${METRIC_CLASS_NAMES.join(', ')})`);
  return metric;
}

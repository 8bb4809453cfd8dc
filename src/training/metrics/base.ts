/**
 * Keras 3's `Metric` base class: state kept in variables across batches (`updateState`), a value
 * computed from it (`result`), and `resetState` between epochs. Dendrite's built-in metrics and
 * users' own subclasses share it; compile and the fit/evaluate loops only use this surface.
 */
import { Variable } from '../../layers/variable.js';
import { checkOptions, describeValue, toSnakeCase } from '../../layers/options.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor, type TensorLike, tensor } from '../../tensor/tensor.js';

export interface MetricArgs {
  /** Default: Keras's name for the metric (`binary_accuracy`), or its class name in snake_case, numbered when taken (`precision_1`). */
  name?: string;
  /** Only 'float32' (or null), the dtype Keras writes in a metric's config. */
  dtype?: 'float32' | null;
}

/** What `result` may report: one number, one per threshold, or a tensor (a user's metric may return its variable). */
export type MetricResult = number | readonly number[] | Tensor;

export interface AddVariableArgs {
  name: string;
  /** Default [] (a scalar). */
  shape?: readonly number[];
  /** The value it starts at and `resetState` returns it to. Default 0. */
  initializer?: 'zeros' | 'ones' | number;
}

/** How many metrics have taken each automatic name: Keras numbers them (`auc`, `auc_1`, ...). */
const autoNames = new Map<string, number>();

function uniqueName(base: string): string {
  const count = autoNames.get(base) ?? 0;
  autoNames.set(base, count + 1);
  return count === 0 ? base : `${base}_${count}`;
}

export abstract class Metric {
  /** Keras's class name, which saved files record; a subclass declares its own. */
  static readonly className: string = 'Metric';
  /** The key the metric logs under (prefixed by the output's name in a model of several outputs). */
  readonly name: string;
  readonly dtype: string;
  private readonly state: { variable: Variable; initial: number }[] = [];

  /**
   * A subclass passes its options on. Dendrite's own classes also pass the option names they take,
   * so that a misspelt option is an error, and Keras's default name for the metric.
   */
  constructor(args: MetricArgs = {}, allowed?: readonly string[], defaultName?: string) {
    const className = this.className;
    checkOptions(className, args, allowed ? ['name', 'dtype', ...allowed] : Object.keys(args ?? {}));
    const { name, dtype } = args ?? {};
    if (name !== undefined && typeof name !== 'string')
      throw new TypeError(`${className}: name must be a string, got ${describeValue(name)}.`);
    const { fallback, allowed: dtypes } = this.dtypes;
    if (dtype !== undefined && dtype !== null && !dtypes.includes(dtype))
      throw new Error(
        `${className}: dtype must be ${dtypes.map((d) => `'${d}'`).join(' or ')}, got ${describeValue(dtype)}.`,
      );
    this.name = name ?? defaultName ?? uniqueName(toSnakeCase(className));
    this.dtype = dtype ?? fallback;
  }

  /** The dtypes the metric computes in: float32, unless a subclass (Keras's IoU) counts in integers. */
  protected get dtypes(): { fallback: string; allowed: readonly string[] } {
    return { fallback: 'float32', allowed: ['float32'] };
  }

  /** Adds a batch to the state. Sample weights, when given, hold one weight per sample. */
  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void;

  /** The metric's value from the state so far. */
  abstract result(): MetricResult;

  /** Puts every variable back to its initial value (zero unless it was created otherwise). */
  resetState(): void {
    for (const { variable, initial } of this.state) (variable.value.values as Float32Array).fill(initial);
  }

  /** The state, as Keras's `metric.variables`. */
  get variables(): Variable[] {
    return this.state.map((s) => s.variable);
  }

  /**
   * A state variable (Keras's `add_variable`): float32, not trained, put back to its initial value
   * by `resetState`. Keep a metric's state in these: `assign` copies into the variable's own buffer,
   * while tensors computed during a training step are reused after it.
   */
  protected addVariable(args: AddVariableArgs): Variable {
    checkOptions(`${this.className}.addVariable`, args, ['name', 'shape', 'initializer']);
    const { name, shape = [], initializer = 'zeros' } = args;
    if (shape.some((d) => !Number.isInteger(d) || d < 0))
      throw new Error(`${this.className}.addVariable: shape must be whole numbers ≥ 0, got ${JSON.stringify(shape)}.`);
    const initial = initializer === 'zeros' ? 0 : initializer === 'ones' ? 1 : initializer;
    if (typeof initial !== 'number')
      throw new Error(
        `${this.className}.addVariable: initializer must be 'zeros', 'ones' or a number, got ${describeValue(initializer)}.`,
      );
    const values = new Float32Array(shape.reduce((p, d) => p * d, 1)).fill(initial);
    const variable = new Variable(name, new Tensor(values, [...shape], 'float32'), false, this.name);
    this.state.push({ variable, initial });
    return variable;
  }

  /** The constructor's options, camelCase, in the order of Keras's `get_config`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype };
  }

  get className(): string {
    const ctor = this.constructor as typeof Metric;
    return Object.hasOwn(ctor, 'className') ? ctor.className : ctor.name;
  }
}

/** The one number a metric logs: its result when that is one number (or a tensor or list of one). */
export function metricValue(metric: Metric): number {
  const r = metric.result();
  if (typeof r === 'number') return r;
  const values = r instanceof Tensor ? r.values : r;
  if (values.length === 1) return Number(values[0]);
  throw new Error(
    `Metric '${metric.name}' (${metric.className}) reports ${values.length} values${r instanceof Tensor ? ` (shape ${formatShape(r.shape)})` : ''}; a log holds one number per metric. Give it one threshold, or read its result() yourself.`,
  );
}

// ---- helpers of the built-in metrics ------------------------------------------------------------

export function asTensor(x: TensorLike): Tensor {
  return x instanceof Tensor ? x : tensor(x);
}

/** Sample weights as an array, or null; `what` names the metric in errors. */
export function weightValues(sampleWeight: TensorLike | null | undefined): Float32Array | null {
  if (sampleWeight === undefined || sampleWeight === null) return null;
  const t = asTensor(sampleWeight);
  return t.values instanceof Float32Array ? t.values : Float32Array.from(t.values);
}

/**
 * One weight per element of a tensor of `shape`, from weights given per sample ([batch] or
 * [batch, 1]) or per element; null when there are none.
 */
export function elementWeights(
  what: string,
  sampleWeight: TensorLike | null | undefined,
  shape: readonly number[],
): Float32Array | null {
  const w = weightValues(sampleWeight);
  if (!w) return null;
  const size = shape.reduce((p, d) => p * d, 1);
  if (w.length === size) return w;
  const rows = shape.length === 0 ? 1 : shape[0];
  if (w.length !== rows)
    throw new Error(
      `${what}: ${w.length} sample weights for values of shape ${formatShape(shape)}: give one per sample ` +
        `(${rows}) or one per value (${size}).`,
    );
  const per = rows === 0 ? 0 : size / rows;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = w[Math.floor(i / per)];
  return out;
}

/** Adds `delta` to a variable's values, elementwise, accumulating in float32 as Keras's variables do. */
export function assignAdd(variable: Variable, delta: ArrayLike<number>): void {
  const v = variable.value.values as Float32Array;
  for (let i = 0; i < v.length; i++) v[i] += delta[i];
}

/** Keras's divide_no_nan: 0 where the denominator is 0. */
export function divideNoNan(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

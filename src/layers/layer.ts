import { type DType, checkDType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { type Initializer, getInitializer, type InitializerId } from './initializers.js';
import { KerasTensor, Node } from './keras_tensor.js';
import { checkOptions, toSnakeCase } from './options.js';
import { Variable } from './variable.js';

/** Options every layer accepts. */
export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Shape of one sample (no batch dimension), for the first layer of a `Sequential`. */
  inputShape?: readonly (number | null)[];
  /** Batch size for `inputShape`, when fixed. */
  batchSize?: number;
}
export const BASE_OPTIONS = ['name', 'trainable', 'dtype', 'inputShape', 'batchSize'] as const;

export interface CallContext {
  /** True inside `fit` and `trainOnBatch`: dropout drops, batch normalization uses batch statistics. */
  training: boolean;
  /**
   * Masks of the inputs, one per input (null where an input carries none): a [batch, steps] bool
   * tensor marking real time steps, as produced by `Embedding({ maskZero: true })`.
   */
  masks?: readonly (Tensor | null)[];
}

/**
 * Masks given with a call, as Keras's `layer(x, mask=m)`: one mask for a layer of one input, or a
 * list with one per input (null where an input has none). A mask is a bool tensor over the leading
 * axes of its input, [batch, steps] for a sequence; given masks replace those the inputs carry.
 */
export type MaskArg<T> = T | null | readonly (T | null)[];

/** Options of a call on symbolic tensors. */
export interface SymbolicCallArgs {
  mask?: MaskArg<KerasTensor>;
}

/** Options of a call on concrete tensors. */
export interface EagerCallArgs {
  /** Run as in training (dropout drops); false by default. */
  training?: boolean;
  mask?: MaskArg<Tensor>;
}

/** A shape or the list of shapes of a layer's inputs (or outputs). */
export type ShapeArg = SymbolicShape | SymbolicShape[];

const nameCounters = new Map<string, number>();

/** A fresh `prefix_N`, counting per prefix from 1 as the notebook's Keras does. */
export function uniqueName(prefix: string): string {
  const n = (nameCounters.get(prefix) ?? 0) + 1;
  nameCounters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** Restarts layer numbering (`dense_1` again), like `keras.backend.clear_session()`. */
export function clearSession(): void {
  nameCounters.clear();
}

/**
 * The base of every layer. A subclass creates its weights in `build`, computes in `call` with ops,
 * and states its output shape in `computeOutputShape`, where it also rejects inputs it cannot take
 * with an error that names the layer and the shapes.
 */
export abstract class Layer {
  /**
   * The Keras class name, declared once per class as a static field (`static override readonly
   * className = 'Dense'`). Default names and saved files use it, so minifiers that rename classes
   * change nothing. A class that does not declare one is known by its constructor's name.
   */
  static readonly className: string = 'Layer';
  readonly name: string;
  trainable: boolean;
  readonly dtype: DType;
  /** Batch input shape given through `inputShape`, used by `Sequential` to create its input. */
  readonly batchInputShape: SymbolicShape | undefined;
  built = false;
  /** One node per call on symbolic inputs: a shared layer has several. */
  readonly inboundNodes: Node[] = [];
  protected readonly ownWeights: Variable[] = [];

  /** This layer's Keras class name: see the static `className`. */
  get className(): string {
    return kerasClassName(this.constructor as typeof Layer);
  }

  constructor(args: LayerArgs = {}, defaultPrefix?: string) {
    this.name = args.name ?? uniqueName(defaultPrefix ?? toSnakeCase(kerasClassName(new.target)));
    this.trainable = args.trainable ?? true;
    if (args.dtype !== undefined) checkDType(args.dtype, `${kerasClassName(new.target)} '${this.name}'`);
    this.dtype = args.dtype ?? 'float32';
    if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
  }

  /** Creates the layer's weights once input shapes are known. */
  build(_inputShape: ShapeArg): void {
    this.built = true;
  }

  /** Runs the layer on concrete tensors. */
  abstract call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[];

  /** The output shape for given input shapes; throws a clear error for inputs the layer cannot take. */
  computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  /** Whether the layer passes its input mask through unchanged (elementwise layers). */
  supportsMasking = false;

  /**
   * The masks of the outputs, given the inputs and their masks. By default a layer that supports
   * masking passes the first input's mask on, and any other layer drops masks.
   */
  computeMask(_inputs: Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    return this.supportsMasking && masks[0] ? [masks[0]] : null;
  }

  /** The dtype of the outputs (float32 unless a layer says otherwise). */
  computeOutputDType(_inputDTypes: DType[]): DType {
    return 'float32';
  }

  /** The layer's constructor arguments, as Keras's `get_config`. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: this.dtype };
  }

  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: InitializerId | Initializer,
    trainable = true,
  ): Variable {
    const init = typeof initializer === 'string' ? getInitializer(initializer) : initializer;
    const v = new Variable(name, init(shape), trainable, this.name);
    this.ownWeights.push(v);
    return v;
  }

  /**
   * Every weight: those created trainable, then those created non-trainable, each in creation
   * order (Keras 3's order, which freezing the layer does not change).
   */
  get weights(): Variable[] {
    return [...this.ownWeights.filter((w) => w.trainable), ...this.ownWeights.filter((w) => !w.trainable)];
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.ownWeights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.ownWeights.filter((w) => !w.trainable) : [...this.ownWeights];
  }

  countParams(): number {
    return this.weights.reduce((p, w) => p + w.value.size, 0);
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.snapshot(), w.shape, 'float32'));
  }

  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(`Layer '${this.name}' has ${ws.length} weights, setWeights got ${values.length}.`);
    }
    ws.forEach((w, i) => w.assign(values[i]));
  }

  /**
   * Calls the layer. On symbolic tensors it records a node and returns the symbolic output; on
   * concrete tensors it computes eagerly (inference mode unless `training` is given). `mask` gives
   * the inputs' masks explicitly, as Keras's `layer(x, mask=m)`, in place of those they carry.
   */
  apply(inputs: KerasTensor | readonly KerasTensor[], opts?: SymbolicCallArgs): KerasTensor;
  apply(inputs: Tensor | readonly Tensor[], opts?: EagerCallArgs): Tensor;
  apply(
    inputs: KerasTensor | Tensor | readonly KerasTensor[] | readonly Tensor[],
    opts: SymbolicCallArgs | EagerCallArgs = {},
  ): KerasTensor | Tensor {
    const out = this.applyAll(inputs, opts);
    if (out.length !== 1) {
      throw new Error(`Layer '${this.name}' returns ${out.length} tensors; call applyMulti() to receive all of them.`);
    }
    return out[0];
  }

  /** Like `apply`, for layers with several outputs (an LSTM with `returnState`, a model with several outputs). */
  applyMulti(inputs: KerasTensor | readonly KerasTensor[], opts?: SymbolicCallArgs): KerasTensor[];
  applyMulti(inputs: Tensor | readonly Tensor[], opts?: EagerCallArgs): Tensor[];
  applyMulti(
    inputs: KerasTensor | Tensor | readonly KerasTensor[] | readonly Tensor[],
    opts: SymbolicCallArgs | EagerCallArgs = {},
  ): KerasTensor[] | Tensor[] {
    return this.applyAll(inputs, opts);
  }

  private applyAll(
    inputs: KerasTensor | Tensor | readonly (KerasTensor | Tensor)[],
    opts: SymbolicCallArgs | EagerCallArgs,
  ): KerasTensor[] | Tensor[] {
    const list = Array.isArray(inputs) ? [...inputs] : [inputs as KerasTensor | Tensor];
    if (list.length === 0) throw new Error(`Layer '${this.name}' was called on an empty list of inputs.`);
    const symbolic = list.every((t) => t instanceof KerasTensor);
    if (!symbolic && !list.every((t) => t instanceof Tensor))
      throw new Error(`Layer '${this.name}' was called on a mix of symbolic and concrete tensors.`);
    // Training is a property of a run, which a symbolic call only describes.
    checkOptions(`${this.className} layer '${this.name}': apply`, opts, symbolic ? ['mask'] : ['training', 'mask']);
    const masks = callMasks(this, list, opts.mask);
    if (symbolic) return this.symbolicCall(list as KerasTensor[], masks as (KerasTensor | null)[] | null);
    const training = (opts as EagerCallArgs).training ?? false;
    return this.eagerCall(list as Tensor[], training, masks as (Tensor | null)[] | null);
  }

  /** Shape(s) in the form `build` and `computeOutputShape` take: one shape for one input. */
  protected static shapeArg(shapes: SymbolicShape[]): ShapeArg {
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  private symbolicCall(inputs: KerasTensor[], masks: (KerasTensor | null)[] | null): KerasTensor[] {
    const shapeArg = Layer.shapeArg(inputs.map((t) => t.shape));
    if (!this.built) this.build(shapeArg);
    const outShapes = this.computeOutputShape(shapeArg);
    const shapeList = isShapeList(outShapes) ? outShapes : [outShapes as SymbolicShape];
    const dtype = this.computeOutputDType(inputs.map((t) => t.dtype));
    const node = new Node(this, inputs, masks);
    const nodeIndex = this.inboundNodes.length;
    this.inboundNodes.push(node);
    shapeList.forEach((s, i) => node.outputs.push(new KerasTensor(s, dtype, this, nodeIndex, i)));
    return node.outputs;
  }

  private eagerCall(inputs: Tensor[], training: boolean, masks: (Tensor | null)[] | null): Tensor[] {
    const shapeArg = Layer.shapeArg(inputs.map((t) => [null, ...t.shape.slice(1)]));
    if (!this.built) this.build(shapeArg);
    this.computeOutputShape(Layer.shapeArg(inputs.map((t) => t.shape)));
    return this.invoke(inputs, masks ? { training, masks } : { training });
  }

  /**
   * Layers that compute in floating point receive integer inputs cast to float32, as Keras's ops
   * promote them. Layers that consume indices or only move data (Embedding, Reshape, models) keep
   * the dtype they are given.
   */
  protected readonly keepsInputDType: boolean = false;

  /** Runs the layer inside a model: shapes were checked when the graph was built. */
  invoke(inputs: Tensor[], ctx: CallContext): Tensor[] {
    if (!this.keepsInputDType) inputs = inputs.map((t) => (t.dtype === 'float32' ? t : t.cast('float32')));
    const out = this.call(inputs.length === 1 ? inputs[0] : inputs, ctx);
    return Array.isArray(out) ? out : [out];
  }

  toString(): string {
    return `${this.className}(name=${this.name})`;
  }
}

/**
 * The masks of a call, one per input, checked: bool tensors of the call's kind, each over the
 * leading axes of its input. Null when none is given, so the inputs' own masks apply.
 */
function callMasks(
  layer: Layer,
  inputs: readonly (KerasTensor | Tensor)[],
  mask: MaskArg<KerasTensor> | MaskArg<Tensor> | undefined,
): (KerasTensor | Tensor | null)[] | null {
  if (mask === undefined || mask === null) return null;
  const where = `${layer.className} layer '${layer.name}'`;
  const list: unknown[] = Array.isArray(mask) ? [...mask] : [mask];
  if (list.length !== inputs.length) {
    throw new Error(
      `${where} got ${list.length} mask${list.length === 1 ? '' : 's'} for ${inputs.length} input${inputs.length === 1 ? '' : 's'}; give one mask per input (null for none).`,
    );
  }
  const kind = inputs[0] instanceof KerasTensor ? KerasTensor : Tensor;
  return list.map((m, i) => {
    if (m === null) return null;
    if (!(m instanceof kind)) {
      throw new TypeError(
        `${where} got a mask that is not a ${kind === KerasTensor ? 'symbolic' : 'concrete'} tensor like its inputs: ${String(m)}.`,
      );
    }
    if (m.dtype !== 'bool') {
      throw new TypeError(`${where} got a ${m.dtype} mask; masks are bool tensors (true marks a real step).`);
    }
    const x = inputs[i].shape;
    const fits = m.shape.length <= x.length && m.shape.every((d, k) => d === null || x[k] === null || d === x[k]);
    if (!fits) {
      throw new Error(
        `${where}: a mask of shape ${formatShape(m.shape)} does not match the leading axes of its input ${formatShape(x)}.`,
      );
    }
    return m;
  });
}

/** The class name a layer class declares for itself, or its constructor's name when it declares none. */
export function kerasClassName(ctor: abstract new (...args: never[]) => unknown): string {
  return Object.hasOwn(ctor, 'className') ? (ctor as unknown as { className: string }).className : ctor.name;
}

export function isShapeList(s: ShapeArg): s is SymbolicShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** The single shape of a one-input layer, or a clear error when given several. */
export function singleShape(layer: Layer, s: ShapeArg): SymbolicShape {
  if (isShapeList(s)) {
    throw new Error(
      `Layer '${layer.name}' (${layer.className}) expects one input, got ${s.length}: ${s.map(formatShape).join(', ')}.`,
    );
  }
  return s;
}

import { type DType, checkDType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { KerasTensor, Node } from './keras_tensor.js';
import { checkOptions, toSnakeCase } from './options.js';
import { callMasks } from './call_masks.js';
import { callOptionsOf } from './call_options.js';
import { WeightOwner } from './weight_owner.js';
import { type Regularizer, type RegularizerFn, getRegularizer, penalty } from './regularizers.js';
import type { CallContext, CallOptions, EagerCallArgs, LayerArgs, ShapeArg, SymbolicCallArgs } from './layer_args.js';
import { kerasClassName, uniqueName } from './naming.js';
import { nodeAt, onlyNode, single } from './layer_nodes.js';
import { inferOutputShapes } from './shape_inference.js';
import * as ops from '../ops/index.js';

export type {
  LayerArgs,
  AddWeightArgs,
  CallContext,
  CallOptions,
  MaskArg,
  SymbolicCallArgs,
  EagerCallArgs,
  ShapeArg,
} from './layer_args.js';
export { BASE_OPTIONS } from './layer_args.js';
export { uniqueName, clearSession, kerasClassName } from './naming.js';

/**
 * The base of every layer. A subclass creates its weights in `build`, computes in `call` with ops,
 * and states its output shape in `computeOutputShape`, where it also rejects inputs it cannot take
 * with an error that names the layer and the shapes.
 */
export abstract class Layer extends WeightOwner {
  /**
   * The Keras class name, declared once per class as a static field (`static override readonly
   * className = 'Dense'`). Default names and saved files use it, so minifiers that rename classes
   * change nothing. A class that does not declare one is known by its constructor's name.
   */
  static readonly className: string = 'Layer';
  /**
   * The config keys that are the constructor's positional arguments, in order (`['units']` for
   * Dense); every other key goes into the options object. A class whose constructor takes only an
   * options object leaves it empty.
   */
  static readonly positional: readonly string[] = [];
  /**
   * The names of the layer's own call options beyond `mask` and `training`, as Keras's extra `call`
   * arguments (`['attentionMask', 'useCausalMask']`): `apply` accepts them, a symbolic call records
   * them in its node (and `model.save` writes them as the node's kwargs), and `call` finds the
   * given ones in `ctx.options`, tensors made concrete.
   */
  static readonly callOptions: readonly string[] = [];
  /**
   * Keras's names of the call's tensor arguments for a layer whose Keras `call` takes its inputs as
   * separate arguments (`call(query, value, key)`), not as one list; null for one list. Saved nodes
   * write such inputs as positional arguments, and loading also takes them by name.
   */
  static readonly inputArgs: readonly string[] | null = null;

  /**
   * Rebuilds a layer from `getConfig()`, as Keras's `from_config`: the positional keys as
   * arguments, the rest as options, through the same checks as user code. Override it when the
   * constructor does not fit that shape. Weights are not part of a config.
   */
  static fromConfig<T extends Layer>(this: new (...args: never[]) => T, config: Readonly<Record<string, unknown>>): T {
    const positional = (this as unknown as typeof Layer).positional;
    const options: Record<string, unknown> = { ...config };
    const args = positional.map((key) => {
      if (!(key in options)) throw new Error(`${kerasClassName(this)} config lacks '${key}'.`);
      const value = options[key];
      delete options[key];
      return value;
    });
    return new this(...(args as never[]), options as never);
  }
  readonly name: string;
  trainable: boolean;
  readonly dtype: DType;
  /** Batch input shape given through `inputShape`, used by `Sequential` to create its input. */
  readonly batchInputShape: SymbolicShape | undefined;
  built = false;
  /** One node per call on symbolic inputs: a shared layer has several. */
  readonly inboundNodes: Node[] = [];
  readonly activityRegularizer: Regularizer | RegularizerFn | undefined;

  /** This layer's Keras class name: see the static `className`. */
  get className(): string {
    return kerasClassName(this.constructor as typeof Layer);
  }

  constructor(args: LayerArgs = {}, defaultPrefix?: string) {
    super();
    this.name = args.name ?? uniqueName(defaultPrefix ?? toSnakeCase(kerasClassName(new.target)));
    this.trainable = args.trainable ?? true;
    if (args.dtype !== undefined) checkDType(args.dtype, `${kerasClassName(new.target)} '${this.name}'`);
    this.dtype = args.dtype ?? 'float32';
    if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    if (args.activityRegularizer) this.activityRegularizer = getRegularizer(args.activityRegularizer);
  }

  /** Creates the layer's weights once input shapes are known. */
  build(_inputShape: ShapeArg): void {
    this.built = true;
  }

  /** Runs the layer on concrete tensors. */
  abstract call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[];

  /**
   * The output shape for given input shapes; throws a clear error for inputs the layer cannot take.
   * A layer that does not define it gets its shapes by running `call` on small inputs (see
   * shape_inference.ts), with unknown sizes kept unknown. `options` are the call's own options
   * (see `callOptions`), for a layer whose outputs depend on them.
   */
  computeOutputShape(inputShape: ShapeArg, options: CallOptions = {}): ShapeArg {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    // Tensors among the options cannot be probed; the plain ones run along.
    const plain = Object.fromEntries(
      Object.entries(options).filter(([, v]) => !(v instanceof Tensor || v instanceof KerasTensor)),
    );
    const key = JSON.stringify([shapes, this.inputDTypesSeen, plain]);
    let out = this.inferredShapes.get(key);
    if (!out) {
      const dtypes = shapes.map((_, i) => this.inputDTypesSeen[i] ?? 'float32');
      const list = inferOutputShapes(`${this.className} layer '${this.name}'`, shapes, dtypes, (inputs) => {
        // A call context as user code passes it on (`sub.apply(x, ctx)`): options only when there are some.
        const outs = this.invoke(
          inputs,
          Object.keys(plain).length > 0 ? { training: false, options: plain } : { training: false },
        );
        this.clearLosses();
        return outs;
      });
      out = list.length === 1 ? list[0] : list;
      this.inferredShapes.set(key, out);
    }
    return out;
  }

  /** Shapes found by running `call`, by input shapes: inference runs once per shape. */
  private readonly inferredShapes = new Map<string, ShapeArg>();
  /** The dtypes of the latest symbolic call's inputs, for shape inference's probe tensors. */
  private inputDTypesSeen: DType[] = [];

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
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.activityRegularizer) config.activityRegularizer = this.activityRegularizer;
    return config;
  }

  /** The layers this layer holds in its properties, in assignment order (Keras's tracked sublayers). */
  override get trackedLayers(): Layer[] {
    return this.walkTrackedLayers();
  }

  /** Every holder of weights found in this layer's properties is a Layer: WeightOwner has no other subclass. */
  protected override walkTrackedLayers(): Layer[] {
    return super.walkTrackedLayers() as Layer[];
  }

  // ---- where the layer sits in graphs (Keras's layer.input, layer.output, get_output_at) ----

  /** The input of the layer's only call; a layer called several times asks `getInputAt(i)`. */
  get input(): KerasTensor {
    return single(onlyNode(this, 'input').inputs, this, 'input', 'inputs');
  }

  /** The output of the layer's only call; a layer called several times asks `getOutputAt(i)`. */
  get output(): KerasTensor {
    return single(onlyNode(this, 'output').outputs, this, 'output', 'outputs');
  }

  get inputShape(): SymbolicShape {
    return this.input.shape;
  }

  get outputShape(): SymbolicShape {
    return this.output.shape;
  }

  /** The input of call `nodeIndex`: one tensor, or the list for a layer of several inputs. */
  getInputAt(nodeIndex: number): KerasTensor | KerasTensor[] {
    const inputs = nodeAt(this, nodeIndex).inputs;
    return inputs.length === 1 ? inputs[0] : [...inputs];
  }

  /** The output of call `nodeIndex`: one tensor, or the list for a layer of several outputs. */
  getOutputAt(nodeIndex: number): KerasTensor | KerasTensor[] {
    const outputs = nodeAt(this, nodeIndex).outputs;
    return outputs.length === 1 ? outputs[0] : [...outputs];
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

  /** Both call forms; `opts` may hold the layer's own call options (see `callOptions`). */
  protected applyAll(
    inputs: KerasTensor | Tensor | readonly (KerasTensor | Tensor)[],
    opts: SymbolicCallArgs | EagerCallArgs,
  ): KerasTensor[] | Tensor[] {
    const list = Array.isArray(inputs) ? [...inputs] : [inputs as KerasTensor | Tensor];
    if (list.length === 0) throw new Error(`Layer '${this.name}' was called on an empty list of inputs.`);
    const symbolic = list.every((t) => t instanceof KerasTensor);
    if (!symbolic && !list.every((t) => t instanceof Tensor))
      throw new Error(`Layer '${this.name}' was called on a mix of symbolic and concrete tensors.`);
    const own = (this.constructor as typeof Layer).callOptions;
    // Training is a property of a run, which a symbolic call only describes.
    const common = symbolic ? ['mask'] : ['training', 'mask'];
    checkOptions(`${this.className} layer '${this.name}': apply`, opts, [...common, ...own]);
    const masks = callMasks(this, list, opts.mask);
    const options = callOptionsOf(this, opts, own, symbolic ? KerasTensor : Tensor);
    try {
      if (symbolic) return this.symbolicCall(list as KerasTensor[], masks as (KerasTensor | null)[] | null, options);
      const training = (opts as EagerCallArgs).training ?? false;
      return this.eagerCall(list as Tensor[], training, masks as (Tensor | null)[] | null, options);
    } catch (e) {
      // Models nested thousands deep (or a model inside itself) run out of stack in the shape
      // checks; say so rather than surface the engine's bare RangeError.
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        throw new Error(
          `${this.className} layer '${this.name}': its models nest too deeply to call (the JavaScript stack ran out). ` +
            'Nest fewer models inside one another.',
        );
      }
      throw e;
    }
  }

  /** Shape(s) in the form `build` and `computeOutputShape` take: one shape for one input. */
  protected static shapeArg(shapes: SymbolicShape[]): ShapeArg {
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  private symbolicCall(
    inputs: KerasTensor[],
    masks: (KerasTensor | null)[] | null,
    options: CallOptions | null,
  ): KerasTensor[] {
    const shapeArg = Layer.shapeArg(inputs.map((t) => t.shape));
    this.inputDTypesSeen = inputs.map((t) => t.dtype);
    if (!this.built) this.build(shapeArg);
    const outShapes = this.computeOutputShape(shapeArg, options ?? {});
    const shapeList = isShapeList(outShapes) ? outShapes : [outShapes as SymbolicShape];
    const dtype = this.computeOutputDType(inputs.map((t) => t.dtype));
    const node = new Node(this, inputs, masks, options);
    const nodeIndex = this.inboundNodes.length;
    this.inboundNodes.push(node);
    shapeList.forEach((s, i) => node.outputs.push(new KerasTensor(s, dtype, this, nodeIndex, i)));
    return node.outputs;
  }

  private eagerCall(
    inputs: Tensor[],
    training: boolean,
    masks: (Tensor | null)[] | null,
    options: CallOptions | null,
  ): Tensor[] {
    const shapeArg = Layer.shapeArg(inputs.map((t) => [null, ...t.shape.slice(1)]));
    if (!this.built) this.build(shapeArg);
    // A layer's own computeOutputShape checks the inputs; an inferred one would only run call twice more.
    if (this.computeOutputShape !== Layer.prototype.computeOutputShape) {
      this.computeOutputShape(Layer.shapeArg(inputs.map((t) => t.shape)), options ?? {});
    }
    this.clearLosses();
    const ctx: CallContext = { training };
    if (masks) ctx.masks = masks;
    if (options) ctx.options = options;
    return this.invoke(inputs, ctx);
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
    const outs = Array.isArray(out) ? out : [out];
    if (this.activityRegularizer) {
      // Keras 3 divides each output's penalty by its batch size, so the strength does not depend on it.
      for (const o of outs) {
        const p = penalty(this.activityRegularizer, o);
        this.addLoss(o.rank > 0 && o.shape[0] > 0 ? ops.scale(p, 1 / o.shape[0]) : p);
      }
    }
    return outs;
  }

  override toString(): string {
    return `${this.className}(name=${this.name})`;
  }
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

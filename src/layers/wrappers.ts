import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import {
  BASE_OPTIONS,
  type CallContext,
  Layer,
  type LayerArgs,
  type ShapeArg,
  isShapeList,
  singleShape,
} from './layer.js';
import { checkOptions } from './options.js';
import { deserializeLayer } from './serialization.js';
import { kerasClassName } from './naming.js';
import { RecurrentLayer } from './recurrent/base.js';
import type { Variable } from './variable.js';

/** A layer whose weights are those of the layers it wraps, in order. */
abstract class Wrapper extends Layer {
  /** Keras's `Wrapper.from_config`: the wrapped layer is rebuilt from its own nested config first. */
  static override fromConfig<T extends Layer>(
    this: new (
      ...args: never[]
    ) => T,
    config: Readonly<Record<string, unknown>>,
  ): T {
    const { layer, ...options } = config;
    const nested = layer as { className?: unknown; config?: unknown } | undefined;
    if (typeof nested?.className !== 'string' || typeof nested.config !== 'object' || nested.config === null) {
      throw new Error(`${kerasClassName(this)} config lacks its wrapped layer ({ className, config }).`);
    }
    const inner = deserializeLayer(nested.className, nested.config as Record<string, unknown>);
    return new this(inner as never, options as never);
  }

  protected abstract inner(): Layer[];

  override get weights(): Variable[] {
    return this.inner().flatMap((l) => l.weights);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.inner().flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.inner().flatMap((l) => l.nonTrainableWeights) : this.weights;
  }
}

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalArgs extends LayerArgs {
  /** How the two directions combine: 'concat' (default), 'sum', 'mul', 'ave', or null for both outputs. */
  mergeMode?: MergeMode;
}

/**
 * Runs a recurrent layer forwards and a mirrored copy backwards over the sequence, as Keras 3's
 * Bidirectional: the copies are named `forward_<name>` and `backward_<name>`, their weights come
 * forward first, masked steps output zeros when sequences are returned, and the backward sequence
 * is put back in time order before merging. Outputs with `returnState`: the merged output(s), then
 * the forward states, then the backward states.
 */
export class Bidirectional extends Wrapper {
  static override readonly className = 'Bidirectional';

  /** The config holds the forward copy (`forward_<name>`); the constructor derives both copies from the original. */
  static override fromConfig<T extends Layer>(
    this: new (
      ...args: never[]
    ) => T,
    config: Readonly<Record<string, unknown>>,
  ): T {
    const nested = config.layer as { className?: unknown; config?: Record<string, unknown> } | undefined;
    const name = nested?.config?.name;
    const original =
      typeof name === 'string' && nested?.config
        ? { ...nested, config: { ...nested.config, name: name.replace(/^forward_/, '') } }
        : nested;
    return Wrapper.fromConfig.call(this, { ...config, layer: original }) as T;
  }
  readonly forwardLayer: RecurrentLayer;
  readonly backwardLayer: RecurrentLayer;
  readonly mergeMode: MergeMode;

  constructor(layer: RecurrentLayer, args: BidirectionalArgs = {}) {
    checkOptions('Bidirectional', args, [...BASE_OPTIONS, 'mergeMode']);
    super(args);
    if (!(layer instanceof RecurrentLayer)) {
      throw new Error(
        `Bidirectional wraps a recurrent layer (LSTM, GRU, SimpleRNN), got ` +
          `${String((layer as { className?: string }).className ?? layer)}.`,
      );
    }
    const mode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (mode !== null && !['concat', 'sum', 'mul', 'ave'].includes(mode)) {
      throw new Error(
        `Bidirectional: mergeMode must be one of 'concat', 'sum', 'mul', 'ave' or null, got '${String(mode)}'.`,
      );
    }
    this.mergeMode = mode;
    this.forwardLayer = layer.cloneWith({ name: `forward_${layer.name}`, goBackwards: layer.goBackwards });
    this.backwardLayer = layer.cloneWith({ name: `backward_${layer.name}`, goBackwards: !layer.goBackwards });
    for (const l of [this.forwardLayer, this.backwardLayer]) l.zeroOutputForMask = l.returnSequences;
  }

  protected inner(): Layer[] {
    return [this.forwardLayer, this.backwardLayer];
  }

  override build(inputShape: ShapeArg): void {
    const s = singleShape(this, inputShape);
    this.forwardLayer.build(s);
    this.backwardLayer.build(s);
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    const fwd = this.forwardLayer.computeOutputShape(s);
    const [out, ...states] = isShapeList(fwd) ? fwd : [fwd as SymbolicShape];
    const outputs: SymbolicShape[] =
      this.mergeMode === 'concat'
        ? [[...out.slice(0, -1), (out[out.length - 1] as number) * 2]]
        : this.mergeMode === null
          ? [out, out]
          : [out];
    const all = [...outputs, ...states, ...states];
    return all.length === 1 ? all[0] : all;
  }

  override computeMask(_inputs: Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    const outMask = this.forwardLayer.returnSequences ? (masks[0] ?? null) : null;
    const nOut = this.mergeMode === null ? 2 : 1;
    const nStates = this.forwardLayer.returnState ? 2 * this.forwardLayer.stateCount : 0;
    if (!outMask && nOut + nStates === 1) return null;
    return [...new Array<Tensor | null>(nOut).fill(outMask), ...new Array<null>(nStates).fill(null)];
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [y, ...fStates] = this.forwardLayer.invoke([x], ctx);
    const [yRevRaw, ...bStates] = this.backwardLayer.invoke([x], ctx);
    const yRev = this.forwardLayer.returnSequences ? ops.reverseTime(yRevRaw) : yRevRaw;
    let outputs: Tensor[];
    switch (this.mergeMode) {
      case 'concat':
        outputs = [ops.concat([y, yRev], -1)];
        break;
      case 'sum':
        outputs = [ops.add(y, yRev)];
        break;
      case 'mul':
        outputs = [ops.mul(y, yRev)];
        break;
      case 'ave':
        outputs = [ops.scale(ops.add(y, yRev), 0.5)];
        break;
      case null:
        outputs = [y, yRev];
        break;
    }
    const all = [...outputs, ...fStates, ...bStates];
    return all.length === 1 ? all[0] : all;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.className, config: this.forwardLayer.getConfig() },
    };
  }
}

/** Applies a layer to every time step: [batch, T, ...] is run as [batch·T, ...] and reshaped back. */
export class TimeDistributed extends Wrapper {
  static override readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    checkOptions('TimeDistributed', args, BASE_OPTIONS);
    super(args);
    if (!(layer instanceof Layer)) throw new Error('TimeDistributed wraps a layer instance.');
    this.layer = layer;
    this.supportsMasking = true;
  }

  protected inner(): Layer[] {
    return [this.layer];
  }

  private stepShape(s: SymbolicShape): SymbolicShape {
    if (s.length < 3) {
      throw new Error(
        `TimeDistributed layer '${this.name}' expects an input with a time axis (batch, timesteps, ...), got shape ${formatShape(s)}.`,
      );
    }
    return [null, ...s.slice(2)];
  }

  override build(inputShape: ShapeArg): void {
    const step = this.stepShape(singleShape(this, inputShape));
    if (!this.layer.built) this.layer.build(step);
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const inner = this.layer.computeOutputShape(this.stepShape(s));
    if (isShapeList(inner))
      throw new Error(
        `TimeDistributed layer '${this.name}': the wrapped layer '${this.layer.name}' must have a single output.`,
      );
    return [s[0], s[1], ...inner.slice(1)];
  }

  override computeOutputDType(inputDTypes: DType[]): DType {
    return this.layer.computeOutputDType(inputDTypes);
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, steps, ...rest] = x.shape;
    const y = this.layer.invoke([ops.reshape(x, [batch * steps, ...rest])], { training: ctx.training })[0];
    return ops.reshape(y, [batch, steps, ...y.shape.slice(1)]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: { className: this.layer.className, config: this.layer.getConfig() } };
  }
}

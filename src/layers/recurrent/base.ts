import type { GateActivation } from '../../backend/backend.js';
import { type SymbolicShape, formatShape } from '../../tensor/shape.js';
import { type Tensor, ones } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import type { Initializer, InitializerId } from '../initializers.js';
import { BASE_OPTIONS, type CallContext, Layer, type LayerArgs, type ShapeArg, singleShape } from '../layer.js';
import { checkOptions } from '../options.js';
import { type PolicyArgs, WeightPolicies, policyOptions } from '../weight_policies.js';
import type { Variable } from '../variable.js';

/** Activations the fused recurrent kernels support (Keras's names). */
export type RecurrentActivationId = GateActivation;
const ACTIVATIONS: readonly GateActivation[] = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear'];

/** Options shared by LSTM, GRU and SimpleRNN, with Keras 3's defaults. */
export interface RecurrentArgs extends LayerArgs, PolicyArgs<'kernel' | 'recurrent' | 'bias'> {
  /** Default 'tanh'; null means linear. */
  activation?: RecurrentActivationId | null;
  useBias?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  recurrentInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  /** Fraction of the input units dropped in training (one mask per sequence, as Keras). */
  dropout?: number;
  /** Fraction of the recurrent state dropped in training (one mask per sequence). */
  recurrentDropout?: number;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Not supported: passing true throws. */
  stateful?: boolean;
  /** Accepted for Keras compatibility; the fused kernels make unrolling pointless. */
  unroll?: boolean;
  seed?: number;
}
export const RECURRENT_OPTIONS = [
  ...BASE_OPTIONS,
  ...policyOptions('kernel', 'recurrent', 'bias'),
  'activation',
  'useBias',
  'kernelInitializer',
  'recurrentInitializer',
  'biasInitializer',
  'dropout',
  'recurrentDropout',
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'unroll',
  'seed',
] as const;

export function gateActivation(
  layer: string,
  what: string,
  id: RecurrentActivationId | null | undefined,
  fallback: GateActivation,
): GateActivation {
  if (id === undefined) return fallback;
  if (id === null) return 'linear';
  if (!ACTIVATIONS.includes(id)) {
    throw new Error(
      `${layer}: ${what} '${String(id)}' is not supported by the fused recurrent kernels; use one of ${ACTIVATIONS.join(', ')}.`,
    );
  }
  return id;
}

function rate(layer: string, what: string, v: number | undefined): number {
  const r = v ?? 0;
  if (!(r >= 0 && r < 1)) throw new Error(`${layer}: ${what} must be in [0, 1), got ${v}.`);
  return r;
}

/** What the fused op of a subclass receives. */
export interface RecurrentRun {
  x: Tensor;
  mask: Tensor | null;
  recurrentDropMask: Tensor | null;
}

/**
 * The common part of Keras's recurrent layers: options, shapes, masks, dropout, and a fused
 * whole-sequence op supplied by the subclass. Weights are `kernel`, `recurrent_kernel` and `bias`,
 * created in that order (Keras's order).
 */
export abstract class RecurrentLayer<A extends RecurrentArgs = RecurrentArgs> extends Layer {
  protected readonly policies: WeightPolicies;
  readonly units: number;
  readonly activation: GateActivation;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  /** Masked steps output zeros instead of the previous output (set by Bidirectional, as Keras does). */
  zeroOutputForMask = false;
  kernel: Variable | undefined;
  recurrentKernel: Variable | undefined;
  bias: Variable | undefined;
  /** The constructor options, kept so Bidirectional can make a mirrored copy. */
  protected readonly args: A;

  /** Gate blocks in the kernels: 4 for LSTM, 3 for GRU, 1 for SimpleRNN. */
  protected abstract readonly gateCount: number;
  /** States returned with `returnState`: 2 for LSTM (h, c), 1 otherwise. */
  abstract readonly stateCount: number;
  protected abstract biasShape(): number[];
  protected abstract biasInitializer(): InitializerId | Initializer;
  /** Runs the fused op: returns [output, ...final states]. */
  protected abstract runSequence(run: RecurrentRun): Tensor[];
  /** A new layer with the same options and these overrides (Bidirectional's backward copy). */
  abstract cloneWith(overrides: { name: string; goBackwards: boolean }): RecurrentLayer<A>;

  constructor(className: string, units: number, args: A, extraOptions: readonly string[]) {
    checkOptions(className, args, [...RECURRENT_OPTIONS, ...extraOptions]);
    super(args);
    this.policies = new WeightPolicies(args, ['kernel', 'recurrent', 'bias']);
    if (!Number.isInteger(units) || units <= 0)
      throw new Error(`${className}: units must be a positive integer, got ${units}.`);
    if (args.stateful) {
      throw new Error(
        `${className} '${this.name}': stateful=true is not supported; state is reset for every batch. Feed whole sequences instead.`,
      );
    }
    this.args = args;
    this.units = units;
    this.activation = gateActivation(className, 'activation', args.activation, 'tanh');
    this.useBias = args.useBias ?? true;
    this.dropout = rate(className, 'dropout', args.dropout);
    this.recurrentDropout = rate(className, 'recurrentDropout', args.recurrentDropout);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
  }

  /** The input's feature count, or a clear error for inputs a recurrent layer cannot take. */
  private features(s: SymbolicShape): number {
    if (s.length !== 3) {
      throw new Error(
        `${this.className} layer '${this.name}' expects a 3D input (batch, timesteps, features), got shape ${formatShape(s)}.`,
      );
    }
    const f = s[2];
    if (f === null)
      throw new Error(
        `${this.className} layer '${this.name}' needs a known feature dimension, got input shape ${formatShape(s)}.`,
      );
    return f;
  }

  override build(inputShape: ShapeArg): void {
    const f = this.features(singleShape(this, inputShape));
    const width = this.gateCount * this.units;
    const kernelInit = this.args.kernelInitializer ?? 'glorot_uniform';
    this.kernel = this.addWeight('kernel', [f, width], kernelInit, true, this.policies.of('kernel'));
    const recurrentInit = this.args.recurrentInitializer ?? 'orthogonal';
    const recurrentShape = [this.units, width];
    this.recurrentKernel = this.addWeight(
      'recurrent_kernel',
      recurrentShape,
      recurrentInit,
      true,
      this.policies.of('recurrent'),
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', this.biasShape(), this.biasInitializer(), true, this.policies.of('bias'));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const s = singleShape(this, inputShape);
    const f = this.features(s);
    if (this.kernel && this.kernel.shape[0] !== f) {
      throw new Error(
        `${this.className} layer '${this.name}' was built for ${this.kernel.shape[0]} input features, got input shape ${formatShape(s)}.`,
      );
    }
    const out: SymbolicShape = this.returnSequences ? [s[0], s[1], this.units] : [s[0], this.units];
    if (!this.returnState) return out;
    return [out, ...new Array<SymbolicShape>(this.stateCount).fill([s[0], this.units])];
  }

  override computeMask(_inputs: Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] | null {
    const outMask = this.returnSequences ? (masks[0] ?? null) : null;
    if (!this.returnState) return outMask ? [outMask] : null;
    return [outMask, ...new Array<null>(this.stateCount).fill(null)];
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    const mask = ctx.masks?.[0] ?? null;
    const [batch, , features] = x.shape;
    // Keras draws one dropout mask per sequence and reuses it at every time step.
    if (ctx.training && this.dropout > 0) x = ops.dropout(x, this.dropout, [batch, 1, features]);
    const recurrentDropMask =
      ctx.training && this.recurrentDropout > 0 ? ops.dropout(ones([batch, this.units]), this.recurrentDropout) : null;
    const outs = this.runSequence({ x, mask, recurrentDropMask });
    return this.returnState ? outs : outs[0];
  }

  /** Options every fused op takes. */
  protected opOptions(run: RecurrentRun): {
    goBackwards: boolean;
    returnSequences: boolean;
    zeroOutputForMask: boolean;
    activation: GateActivation;
    recurrentDropMask: Tensor | null;
  } {
    return {
      goBackwards: this.goBackwards,
      returnSequences: this.returnSequences,
      zeroOutputForMask: this.zeroOutputForMask,
      activation: this.activation,
      recurrentDropMask: run.recurrentDropMask,
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.policies.config(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
    };
  }
}

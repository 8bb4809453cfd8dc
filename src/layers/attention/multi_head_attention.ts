import type { SymbolicShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { CallOptionsLayer } from '../call_options_layer.js';
import type { ConstraintLike } from '../constraints.js';
import type { EinsumDense } from '../einsum_dense.js';
import type { Initializer, InitializerId } from '../initializers.js';
import type { KerasTensor } from '../keras_tensor.js';
import {
  BASE_OPTIONS,
  type CallContext,
  type CallOptions,
  type Layer,
  type LayerArgs,
  type ShapeArg,
} from '../layer.js';
import { checkOptions } from '../options.js';
import { type RegularizerLike, getRegularizer } from '../regularizers.js';
import type { SavesSublayers } from '../saved_sublayers.js';
import { WeightPolicies } from '../weight_policies.js';
import { attentionEquations, projectionEquation, resolveAttentionAxes } from './attention_equations.js';
import { attentionInputs, checkAttentionMask, checkDim, checkRate, checkWindow } from './attention_args.js';
import { type ProjectionSettings, attend, project, projection } from './projections.js';
import { scoreMasks } from './score_masks.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Size of each head for the value; keyDim by default. */
  valueDim?: number | null;
  /** Dropout on the attention probabilities in training. */
  dropout?: number;
  useBias?: boolean;
  /** The output's shape after the batch and query axes; the query's last size by default. */
  outputShape?: number | readonly number[] | null;
  /** The query axes attention runs over, never the batch or features; by default every axis between them. */
  attentionAxes?: number | readonly number[] | null;
  /** Each query attends only to keys fewer than this many positions away. */
  slidingWindow?: number | null;
  /** Gates the attention output with a sigmoid projection of the query, as Keras's `use_gate`. */
  useGate?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
  kernelConstraint?: ConstraintLike | null;
  biasConstraint?: ConstraintLike | null;
  seed?: number | null;
}

/** A call's own options, as Keras's `call` arguments; `T` is the tensor kind of the call. */
export interface MultiHeadAttentionCallArgs<T> {
  /** Which query positions may attend to which key positions: bool (or 0/1) [batch, T, S], broadcasting. */
  attentionMask?: T | null;
  /** Each query position attends only to key positions at or before it (a decoder's self-attention). */
  useCausalMask?: boolean;
  /** Also return the attention probabilities, [batch, heads, T, S]: call `applyMulti`. */
  returnAttentionScores?: boolean;
}

/**
 * Multi-head attention as in "Attention is all you need", as Keras 3's MultiHeadAttention:
 * `apply([query, value])` or `[query, value, key]`, with Keras's weights (query, key, value and
 * attention_output EinsumDense kernels of shapes [dim, heads, keyDim] ... [heads, valueDim, dim])
 * in Keras's order, so Keras's files load. Padding masks of the inputs (Embedding with maskZero)
 * are combined with the attention mask as Keras combines them; the output carries the query's mask.
 */
export class MultiHeadAttention
  extends CallOptionsLayer<MultiHeadAttentionCallArgs<KerasTensor>, MultiHeadAttentionCallArgs<Tensor>>
  implements SavesSublayers
{
  static override readonly className = 'MultiHeadAttention';
  static override readonly positional = ['numHeads', 'keyDim'];
  static override readonly callOptions = ['attentionMask', 'useCausalMask', 'returnAttentionScores'];
  static override readonly inputArgs = ['query', 'value', 'key'];
  override supportsMasking = true;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly useGate: boolean;
  readonly slidingWindow: number | null;
  /** The output's shape after the batch and query axes, as given (null: the query's last size). */
  readonly projectionShape: readonly number[] | null;
  private readonly seed: number | null;
  /** The attention axes as given, then as resolved when the layer is built (Keras writes those). */
  private attentionAxes: readonly number[] | null;
  /** What the projections share; Keras gives them the activity regularizer, not the layer's output. */
  private readonly settings: ProjectionSettings;
  // Declared in Keras's creation order, which is the order of `weights`.
  queryDense: EinsumDense | undefined;
  keyDense: EinsumDense | undefined;
  gateDense: EinsumDense | undefined;
  valueDense: EinsumDense | undefined;
  outputDense: EinsumDense | undefined;
  private equations: { dot: string; combine: string; scoresRank: number } | undefined;

  constructor(numHeads: number, keyDim: number, args: MultiHeadAttentionArgs = {}) {
    checkOptions('MultiHeadAttention', args, [
      ...BASE_OPTIONS,
      'valueDim',
      'dropout',
      'useBias',
      'outputShape',
      'attentionAxes',
      'slidingWindow',
      'useGate',
      'kernelInitializer',
      'biasInitializer',
      'kernelRegularizer',
      'biasRegularizer',
      'kernelConstraint',
      'biasConstraint',
      'seed',
    ]);
    const { activityRegularizer, ...rest } = args;
    super(rest);
    this.numHeads = checkDim('MultiHeadAttention', 'numHeads', numHeads);
    this.keyDim = checkDim('MultiHeadAttention', 'keyDim', keyDim);
    this.valueDim = args.valueDim == null ? this.keyDim : checkDim('MultiHeadAttention', 'valueDim', args.valueDim);
    this.dropout = checkRate('MultiHeadAttention', args.dropout ?? 0);
    this.useBias = args.useBias ?? true;
    this.useGate = args.useGate ?? false;
    this.slidingWindow = checkWindow('MultiHeadAttention', args.slidingWindow ?? null);
    const shape = args.outputShape ?? null;
    this.projectionShape = shape === null ? null : typeof shape === 'number' ? [shape] : [...shape];
    if (this.projectionShape?.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(
        `MultiHeadAttention: outputShape must be a positive integer or a list of them, got ${JSON.stringify(shape)}.`,
      );
    }
    const axes = args.attentionAxes ?? null;
    this.attentionAxes = axes === null ? null : typeof axes === 'number' ? [axes] : [...axes];
    if (this.attentionAxes?.some((a) => !Number.isInteger(a))) {
      throw new Error(`MultiHeadAttention: attentionAxes must be integers, got ${JSON.stringify(axes)}.`);
    }
    this.seed = args.seed ?? null;
    this.settings = {
      useBias: this.useBias,
      kernelInitializer: args.kernelInitializer ?? 'glorot_uniform',
      biasInitializer: args.biasInitializer ?? 'zeros',
      penalty: activityRegularizer ? getRegularizer(activityRegularizer) : undefined,
      policies: new WeightPolicies(args, ['kernel', 'bias']),
    };
  }

  /** Keras saves the projections under its attribute names; `_softmax` and `_dropout_layer` hold nothing. */
  get savedSublayers(): readonly (readonly [string, Layer | null])[] {
    const named: [string, Layer | null][] = [
      ['query_dense', this.queryDense ?? null],
      ['key_dense', this.keyDense ?? null],
      ['value_dense', this.valueDense ?? null],
      ['output_dense', this.outputDense ?? null],
      ['_softmax', null],
      ['_dropout_layer', null],
    ];
    if (this.gateDense) named.push(['_gate_dense', this.gateDense]);
    return this.built ? named : [];
  }

  override build(inputShape: ShapeArg): void {
    const { query, value, key } = attentionInputs(this, inputShape);
    const heads = (rank: number, size: number): (number | null)[] => [
      ...new Array<number | null>(rank - 3).fill(null),
      this.numHeads,
      size,
    ];
    const make = (
      input: SymbolicShape,
      e: { equation: string; biasAxes: string; outputRank: number },
      size: number,
      name: string,
      gate = false,
    ): EinsumDense => projection(this.settings, { ...e, shape: heads(e.outputRank, size), name, input }, gate);
    const q = projectionEquation(query.length - 1, 1, 2);
    const v = projectionEquation(value.length - 1, 1, 2);
    this.queryDense = make(query, q, this.keyDim, 'query');
    this.keyDense = make(key, projectionEquation(key.length - 1, 1, 2), this.keyDim, 'key');
    if (this.useGate) this.gateDense = make(query, q, this.valueDim, 'gate', true);
    this.valueDense = make(value, v, this.valueDim, 'value');
    this.attentionAxes = resolveAttentionAxes(this.attentionAxes, v.outputRank);
    this.equations = attentionEquations(v.outputRank, this.attentionAxes);
    const outShape = this.projectionShape ?? [query[query.length - 1] as number];
    const o = projectionEquation(query.length - 1, 2, outShape.length);
    this.outputDense = projection(this.settings, {
      ...o,
      shape: [...new Array<number | null>(o.outputRank - 1 - outShape.length).fill(null), ...outShape],
      name: 'attention_output',
      input: [...query.slice(0, -1), this.numHeads, this.valueDim],
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg, options: CallOptions = {}): ShapeArg {
    const { query, key } = attentionInputs(this, inputShape);
    checkAttentionMask(this, options.attentionMask, query, key);
    const out: SymbolicShape = [...query.slice(0, -1), ...(this.projectionShape ?? [query[query.length - 1]])];
    if (options.returnAttentionScores !== true) return out;
    // [other axes with the heads, query attention axes, key attention axes], as the dot equation lays them out.
    const axes = resolveAttentionAxes(this.attentionAxes, key.length + 1);
    const projected = (s: SymbolicShape): SymbolicShape => [...s.slice(0, -1), this.numHeads, this.keyDim];
    const [pq, pk] = [projected(query), projected(key)];
    const others = pq.map((_, i) => i).filter((i) => !axes.includes(i) && i !== pq.length - 1);
    return [out, [...others.map((i) => pq[i]), ...axes.map((i) => pq[i]), ...axes.map((i) => pk[i])]];
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const list = inputs as Tensor[];
    const [query, value, key = value] = list;
    const opts = ctx.options ?? {};
    const causal = opts.useCausalMask === true;
    const axes = this.attentionAxes ?? [];
    if ((causal || this.slidingWindow !== null) && axes.length !== 1) {
      throw new Error(
        `MultiHeadAttention layer '${this.name}': a causal or sliding-window mask needs one attention axis, ` +
          `got attentionAxes ${JSON.stringify(axes)}.`,
      );
    }
    const gate = this.gateDense ? project(this.gateDense, query, ctx.training) : null;
    const q = ops.scale(project(this.queryDense, query, ctx.training), 1 / Math.sqrt(this.keyDim));
    const k = project(this.keyDense, key, ctx.training);
    const v = project(this.valueDense, value, ctx.training);
    const eq = this.equations!;
    const [qMask, vMask, kMask] = ctx.masks ?? [];
    const masks = scoreMasks(
      {
        query: qMask ?? null,
        value: vMask ?? null,
        key: list.length > 2 ? (kMask ?? null) : null,
        attention: (opts.attentionMask as Tensor | null | undefined) ?? null,
      },
      eq.scoresRank,
      axes.length,
    );
    const { output, probs } = attend(q, k, v, {
      ...eq,
      keyAxes: axes.length,
      masks,
      causal,
      window: this.slidingWindow,
      dropout: this.dropout,
      training: ctx.training,
      where: `MultiHeadAttention layer '${this.name}'`,
    });
    const y = project(this.outputDense, gate ? ops.mul(output, gate) : output, ctx.training);
    return opts.returnAttentionScores === true ? [y, probs] : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      useGate: this.useGate,
      outputShape: this.projectionShape === null ? null : [...this.projectionShape],
      attentionAxes: this.attentionAxes === null ? null : [...this.attentionAxes],
      slidingWindow: this.slidingWindow,
      ...(this.seed === null ? {} : { seed: this.seed }),
      ...(this.settings.penalty ? { activityRegularizer: this.settings.penalty } : {}),
      ...this.settings.policies.config(),
    };
  }
}

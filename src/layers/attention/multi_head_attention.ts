import type { SymbolicShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { CallOptionsLayer } from '../call_options_layer.js';
import type { ConstraintLike } from '../constraints.js';
import { EinsumDense } from '../einsum_dense.js';
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
import { type Regularizer, type RegularizerFn, type RegularizerLike, getRegularizer } from '../regularizers.js';
import type { SavesSublayers } from '../saved_sublayers.js';
import { WeightPolicies } from '../weight_policies.js';
import { attentionEquations, projectionEquation, resolveAttentionAxes } from './attention_equations.js';
import { attentionInputs, checkDim, checkRate, checkWindow } from './attention_args.js';
import { mergeKeyAxes, scoreMasks } from './score_masks.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Size of each head for the value; keyDim by default. */
  valueDim?: number | null;
  /** Dropout on the attention probabilities in training. */
  dropout?: number;
  useBias?: boolean;
  /** The output's shape after the batch and query axes; the query's last size by default. */
  outputShape?: number | readonly number[] | null;
  /** The axes attention runs over (of the query, batch excluded from none); all but batch and features by default. */
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
  private readonly args: MultiHeadAttentionArgs;
  private readonly policies: WeightPolicies;
  /** Keras gives the activity regularizer to each projection, not to the layer's output. */
  private readonly projectionPenalty: Regularizer | RegularizerFn | undefined;
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
    this.args = args;
    this.policies = new WeightPolicies(args, ['kernel', 'bias']);
    if (activityRegularizer) this.projectionPenalty = getRegularizer(activityRegularizer);
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

  private projection(equation: string, biasAxes: string, shape: (number | null)[], name: string, gate = false) {
    return new EinsumDense(equation, shape, {
      name,
      biasAxes: this.useBias ? biasAxes : null,
      activation: gate ? 'sigmoid' : null,
      kernelInitializer: this.args.kernelInitializer ?? 'glorot_uniform',
      biasInitializer: this.args.biasInitializer ?? 'zeros',
      ...(this.projectionPenalty ? { activityRegularizer: this.projectionPenalty } : {}),
      ...this.policyArgs(),
    });
  }

  private policyArgs(): Record<string, unknown> {
    const k = this.policies.of('kernel');
    const b = this.policies.of('bias');
    return {
      kernelRegularizer: k.regularizer ?? null,
      kernelConstraint: k.constraint ?? null,
      biasRegularizer: b.regularizer ?? null,
      biasConstraint: b.constraint ?? null,
    };
  }

  override build(inputShape: ShapeArg): void {
    const { query, value, key } = attentionInputs(this, inputShape);
    const heads = (rank: number, size: number): (number | null)[] => [
      ...new Array<number | null>(rank - 3).fill(null),
      this.numHeads,
      size,
    ];
    const q = projectionEquation(query.length - 1, 1, 2);
    const k = projectionEquation(key.length - 1, 1, 2);
    const v = projectionEquation(value.length - 1, 1, 2);
    this.queryDense = this.projection(q.equation, q.biasAxes, heads(q.outputRank, this.keyDim), 'query');
    this.queryDense.build(query);
    this.keyDense = this.projection(k.equation, k.biasAxes, heads(k.outputRank, this.keyDim), 'key');
    this.keyDense.build(key);
    if (this.useGate) {
      this.gateDense = this.projection(q.equation, q.biasAxes, heads(q.outputRank, this.valueDim), 'gate', true);
      this.gateDense.build(query);
    }
    this.valueDense = this.projection(v.equation, v.biasAxes, heads(v.outputRank, this.valueDim), 'value');
    this.valueDense.build(value);
    this.attentionAxes = resolveAttentionAxes(this.attentionAxes, v.outputRank);
    this.equations = attentionEquations(v.outputRank, this.attentionAxes);
    const outShape = this.projectionShape ?? [query[query.length - 1] as number];
    const o = projectionEquation(query.length - 1, 2, outShape.length);
    const outFull = [...new Array<number | null>(o.outputRank - 1 - outShape.length).fill(null), ...outShape];
    this.outputDense = this.projection(o.equation, o.biasAxes, outFull, 'attention_output');
    this.outputDense.build([...query.slice(0, -1), this.numHeads, this.valueDim]);
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg, options: CallOptions = {}): ShapeArg {
    const { query, key } = attentionInputs(this, inputShape);
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
        `MultiHeadAttention layer '${this.name}': a causal or sliding-window mask needs one attention axis, got attentionAxes ${JSON.stringify(axes)}.`,
      );
    }
    const run = (layer: EinsumDense, x: Tensor): Tensor => layer.invoke([x], { training: ctx.training })[0];
    const gate = this.gateDense ? run(this.gateDense, query) : null;
    const q = ops.scale(run(this.queryDense!, query), 1 / Math.sqrt(this.keyDim));
    const k = run(this.keyDense!, key);
    const v = run(this.valueDense!, value);
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
    const scores = ops.einsum(eq.dot, k, q);
    const probs = this.normalize(scores, masks, causal, axes.length);
    const kept = ctx.training && this.dropout > 0 ? ops.dropout(probs, this.dropout) : probs;
    const attended = ops.einsum(eq.combine, kept, v);
    const y = run(this.outputDense!, gate ? ops.mul(attended, gate) : attended);
    return opts.returnAttentionScores === true ? [y, probs] : y;
  }

  /** The softmax over the key attention axes (together, when there are several), masked as Keras masks. */
  private normalize(scores: Tensor, masks: Tensor[], causal: boolean, k: number): Tensor {
    const opts = { causal, window: this.slidingWindow, fill: 'replace' } as const;
    if (k === 1) return ops.maskedSoftmax(scores, { ...opts, masks });
    const where = `MultiHeadAttention layer '${this.name}'`;
    const flat = ops.reshape(scores, [...scores.shape.slice(0, -k), -1]);
    const flatMasks = masks.map((m) => mergeKeyAxes(m, scores.shape, k, where));
    return ops.reshape(ops.maskedSoftmax(flat, { ...opts, masks: flatMasks }), scores.shape);
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
      ...(this.projectionPenalty ? { activityRegularizer: this.projectionPenalty } : {}),
      ...this.policies.config(),
    };
  }
}

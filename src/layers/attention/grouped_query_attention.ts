import { type SymbolicShape, formatShape } from '../../tensor/shape.js';
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
import type { RegularizerLike } from '../regularizers.js';
import type { SavesSublayers } from '../saved_sublayers.js';
import { WeightPolicies } from '../weight_policies.js';
import { attentionInputs, checkAttentionMask, checkDim, checkRate, checkWindow } from './attention_args.js';
import type { MultiHeadAttentionCallArgs } from './multi_head_attention.js';
import { type ProjectionSettings, attend, project, projection } from './projections.js';
import { scoreMasks } from './score_masks.js';

export interface GroupedQueryAttentionArgs extends LayerArgs {
  dropout?: number;
  useBias?: boolean;
  slidingWindow?: number | null;
  useGate?: boolean;
  kernelInitializer?: InitializerId | Initializer;
  biasInitializer?: InitializerId | Initializer;
  kernelRegularizer?: RegularizerLike | null;
  biasRegularizer?: RegularizerLike | null;
  kernelConstraint?: ConstraintLike | null;
  biasConstraint?: ConstraintLike | null;
  seed?: number | null;
}

/**
 * Grouped-query attention, as Keras 3's GroupedQueryAttention: `numQueryHeads` query heads share
 * `numKeyValueHeads` key and value heads (each key/value head serves a group of consecutive query
 * heads), which shrinks the key/value projections. On [batch, steps, features] inputs; the output
 * has the query's shape. The call options are MultiHeadAttention's.
 */
export class GroupedQueryAttention
  extends CallOptionsLayer<MultiHeadAttentionCallArgs<KerasTensor>, MultiHeadAttentionCallArgs<Tensor>>
  implements SavesSublayers
{
  static override readonly className = 'GroupedQueryAttention';
  static override readonly positional = ['headDim', 'numQueryHeads', 'numKeyValueHeads'];
  static override readonly callOptions = ['attentionMask', 'useCausalMask', 'returnAttentionScores'];
  static override readonly inputArgs = ['query', 'value', 'key'];
  override supportsMasking = true;
  readonly headDim: number;
  readonly numQueryHeads: number;
  readonly numKeyValueHeads: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly useGate: boolean;
  readonly slidingWindow: number | null;
  private readonly seed: number | null;
  private readonly settings: ProjectionSettings;
  queryDense: EinsumDense | undefined;
  keyDense: EinsumDense | undefined;
  gateDense: EinsumDense | undefined;
  valueDense: EinsumDense | undefined;
  outputDense: EinsumDense | undefined;

  constructor(headDim: number, numQueryHeads: number, numKeyValueHeads: number, args: GroupedQueryAttentionArgs = {}) {
    checkOptions('GroupedQueryAttention', args, [
      ...BASE_OPTIONS,
      'dropout',
      'useBias',
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
    // Keras sets the activity regularizer on the layer (its outputs) and on each projection.
    super(args);
    this.headDim = checkDim('GroupedQueryAttention', 'headDim', headDim);
    this.numQueryHeads = checkDim('GroupedQueryAttention', 'numQueryHeads', numQueryHeads);
    this.numKeyValueHeads = checkDim('GroupedQueryAttention', 'numKeyValueHeads', numKeyValueHeads);
    if (numQueryHeads % numKeyValueHeads !== 0) {
      throw new Error(
        `GroupedQueryAttention: numQueryHeads (${numQueryHeads}) must be a multiple of numKeyValueHeads ` +
          `(${numKeyValueHeads}).`,
      );
    }
    this.dropout = checkRate('GroupedQueryAttention', args.dropout ?? 0);
    this.useBias = args.useBias ?? true;
    this.useGate = args.useGate ?? false;
    this.slidingWindow = checkWindow('GroupedQueryAttention', args.slidingWindow ?? null);
    this.seed = args.seed ?? null;
    this.settings = {
      useBias: this.useBias,
      kernelInitializer: args.kernelInitializer ?? 'glorot_uniform',
      biasInitializer: args.biasInitializer ?? 'zeros',
      penalty: this.activityRegularizer,
      policies: new WeightPolicies(args, ['kernel', 'bias']),
    };
  }

  /** Keras saves the projections under their private attribute names (it has no public ones here). */
  get savedSublayers(): readonly (readonly [string, Layer | null])[] {
    if (!this.built) return [];
    const named: [string, Layer | null][] = [
      ['_query_dense', this.queryDense ?? null],
      ['_key_dense', this.keyDense ?? null],
      ['_value_dense', this.valueDense ?? null],
      ['_output_dense', this.outputDense ?? null],
      ['_softmax', null],
      ['_dropout_layer', null],
    ];
    if (this.gateDense) named.push(['_gate_dense', this.gateDense]);
    return named;
  }

  private shapes(inputShape: ShapeArg): { query: SymbolicShape; value: SymbolicShape; key: SymbolicShape } {
    const shapes = attentionInputs(this, inputShape);
    const { query, value } = shapes;
    if (query.length !== 3 || query[2] !== value[value.length - 1]) {
      throw new Error(
        `GroupedQueryAttention layer '${this.name}' takes [batch, steps, features] inputs with one feature ` +
          `size for query and value, got query ${formatShape(query)} and value ${formatShape(value)}.`,
      );
    }
    return shapes;
  }

  override build(inputShape: ShapeArg): void {
    const { query, value, key } = this.shapes(inputShape);
    const [q, kv] = [this.numQueryHeads, this.numKeyValueHeads];
    const make = (
      input: SymbolicShape,
      equation: string,
      biasAxes: string,
      heads: number,
      name: string,
      gate = false,
    ) => projection(this.settings, { equation, biasAxes, shape: [null, heads, this.headDim], name, input }, gate);
    this.queryDense = make(query, 'bqm,muh->bquh', 'uh', q, 'query');
    this.keyDense = make(key, 'bkm,mvh->bkvh', 'vh', kv, 'key');
    if (this.useGate) this.gateDense = make(query, 'bqm,muh->bquh', 'uh', q, 'gate', true);
    this.valueDense = make(value, 'bkm,mvh->bkvh', 'vh', kv, 'value');
    this.outputDense = projection(this.settings, {
      equation: 'bquh,uhm->bqm',
      biasAxes: 'm',
      shape: [null, query[2]],
      name: 'attention_output',
      input: [null, null, q, this.headDim],
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: ShapeArg, options: CallOptions = {}): ShapeArg {
    const { query, key } = this.shapes(inputShape);
    checkAttentionMask(this, options.attentionMask, query, key);
    if (options.returnAttentionScores !== true) return query;
    return [query, [query[0], this.numQueryHeads, query[1], key[1]]];
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const list = inputs as Tensor[];
    const [query, value, key = value] = list;
    const opts = ctx.options ?? {};
    const repeats = this.numQueryHeads / this.numKeyValueHeads;
    const gate = this.gateDense ? project(this.gateDense, query, ctx.training) : null;
    const q = ops.scale(project(this.queryDense, query, ctx.training), 1 / Math.sqrt(this.headDim));
    // Each key/value head serves `repeats` consecutive query heads.
    const k = ops.repeatElements(project(this.keyDense, key, ctx.training), 2, repeats);
    const v = ops.repeatElements(project(this.valueDense, value, ctx.training), 2, repeats);
    const [qMask, vMask, kMask] = ctx.masks ?? [];
    const masks = scoreMasks(
      {
        query: qMask ?? null,
        value: vMask ?? null,
        key: list.length > 2 ? (kMask ?? null) : null,
        attention: (opts.attentionMask as Tensor | null | undefined) ?? null,
      },
      4,
      1,
    );
    const { output, probs } = attend(q, k, v, {
      dot: 'bkuh,bquh->buqk',
      combine: 'buqk,bkuh->bquh',
      keyAxes: 1,
      masks,
      causal: opts.useCausalMask === true,
      window: this.slidingWindow,
      dropout: this.dropout,
      training: ctx.training,
      where: `GroupedQueryAttention layer '${this.name}'`,
    });
    const y = project(this.outputDense, gate ? ops.mul(output, gate) : output, ctx.training);
    return opts.returnAttentionScores === true ? [y, probs] : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      headDim: this.headDim,
      numQueryHeads: this.numQueryHeads,
      numKeyValueHeads: this.numKeyValueHeads,
      useBias: this.useBias,
      useGate: this.useGate,
      slidingWindow: this.slidingWindow,
      dropout: this.dropout,
      ...(this.seed === null ? {} : { seed: this.seed }),
      ...this.settings.policies.config(),
    };
  }
}

import type { SymbolicShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { CallOptionsLayer } from '../call_options_layer.js';
import type { CallContext, CallOptions, LayerArgs, ShapeArg } from '../layer.js';
import { attentionInputs, checkRate } from './attention_args.js';

export interface DenseAttentionArgs extends LayerArgs {
  /** Learn a scale for the scores. */
  useScale?: boolean;
  /** Dropout on the attention probabilities in training. */
  dropout?: number;
  seed?: number | null;
}

/** A call's own options, as Keras's `call` arguments. */
export interface DenseAttentionCallArgs {
  /** Each query step attends only to value steps at or before it. */
  useCausalMask?: boolean;
  /** Also return the attention probabilities, [batch, Tq, Tv]: call `applyMulti`. */
  returnAttentionScores?: boolean;
}

/**
 * Attention without projections over `[query, value]` or `[query, value, key]` (key defaults to
 * value), as Keras 3's Attention family: scores from the query and key (each subclass its own),
 * a softmax over the value steps with the value's padding mask, the probabilities times the value,
 * and padded query steps zeroed. The output carries the query's mask.
 */
export abstract class DenseAttention extends CallOptionsLayer<DenseAttentionCallArgs, DenseAttentionCallArgs> {
  static override readonly callOptions = ['useCausalMask', 'returnAttentionScores'];
  override supportsMasking = true;
  readonly useScale: boolean;
  readonly dropout: number;
  protected readonly seed: number | null;

  constructor(args: DenseAttentionArgs, useScaleByDefault: boolean) {
    const { useScale, dropout, seed, ...rest } = args;
    super(rest);
    this.useScale = useScale ?? useScaleByDefault;
    this.dropout = checkRate(this.className, dropout ?? 0);
    this.seed = seed ?? null;
  }

  /** Scores [..., Tq, Tv] of each query step against each key step. */
  protected abstract scores(query: Tensor, key: Tensor): Tensor;

  override computeOutputShape(inputShape: ShapeArg, options: CallOptions = {}): ShapeArg {
    const { query, value, key } = attentionInputs(this, inputShape);
    const out: SymbolicShape = [...query.slice(0, -1), value[value.length - 1]];
    if (options.returnAttentionScores !== true) return out;
    return [out, [...query.slice(0, -1), key[key.length - 2]]];
  }

  call(inputs: Tensor | Tensor[], ctx: CallContext): Tensor | Tensor[] {
    const [query, value, key = value] = inputs as Tensor[];
    const opts = ctx.options ?? {};
    const [queryMask, valueMask] = ctx.masks ?? [];
    // The value's padding mask as [..., 1, Tv]: every query step sees the same steps.
    const masks = valueMask ? [ops.expandDims(valueMask, -2)] : [];
    const probs = ops.maskedSoftmax(this.scores(query, key), {
      masks,
      causal: opts.useCausalMask === true,
      fill: 'subtract',
    });
    const kept = ctx.training && this.dropout > 0 ? ops.dropout(probs, this.dropout) : probs;
    const attended = ops.batchMatMul(kept, value);
    const out = queryMask ? ops.mul(attended, ops.expandDims(queryMask.cast('float32'), -1)) : attended;
    return opts.returnAttentionScores === true ? [out, probs] : out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      useScale: this.useScale,
      dropout: this.dropout,
      ...(this.seed === null ? {} : { seed: this.seed }),
    };
  }
}

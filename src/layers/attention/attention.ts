import { formatShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { BASE_OPTIONS, type ShapeArg } from '../layer.js';
import { checkOptions } from '../options.js';
import type { Variable } from '../variable.js';
import { attentionInputs } from './attention_args.js';
import { DenseAttention, type DenseAttentionArgs } from './dense_attention.js';

export interface AttentionArgs extends DenseAttentionArgs {
  /** 'dot': the query·key product (Luong); 'concat': tanh of their sum, summed over features. */
  scoreMode?: 'dot' | 'concat';
}

/**
 * Dot-product attention, as Keras 3's Attention (Luong-style): scores are query·keyᵀ, times a
 * learned scalar `scale` with `useScale`; with `scoreMode: 'concat'`, Σ tanh(scale·(q + k)) times
 * a learned scalar instead. `apply([query, value])` or `[query, value, key]`.
 */
export class Attention extends DenseAttention {
  static override readonly className = 'Attention';
  readonly scoreMode: 'dot' | 'concat';
  scale: Variable | undefined;
  concatScoreWeight: Variable | undefined;

  constructor(args: AttentionArgs = {}) {
    checkOptions('Attention', args, [...BASE_OPTIONS, 'useScale', 'scoreMode', 'dropout', 'seed']);
    const { scoreMode = 'dot', ...rest } = args;
    super(rest, false);
    if (scoreMode !== 'dot' && scoreMode !== 'concat') {
      throw new Error(`Attention: scoreMode must be 'dot' or 'concat', got ${JSON.stringify(scoreMode)}.`);
    }
    this.scoreMode = scoreMode;
  }

  override build(inputShape: ShapeArg): void {
    const { query, key } = attentionInputs(this, inputShape);
    if (this.scoreMode === 'dot' && query[query.length - 1] !== key[key.length - 1]) {
      throw new Error(
        `Attention layer '${this.name}': dot scores need the query and key to have one feature size, got query ` +
          `${formatShape(query)} and key ${formatShape(key)}.`,
      );
    }
    if (this.useScale) this.scale = this.addWeight({ name: 'scale', shape: [], initializer: 'ones' });
    if (this.scoreMode === 'concat') {
      this.concatScoreWeight = this.addWeight({ name: 'concat_score_weight', shape: [], initializer: 'ones' });
    }
    this.built = true;
  }

  protected scores(query: Tensor, key: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const s = ops.batchMatMul(query, key, false, true);
      return this.scale ? ops.mul(s, this.scale.value) : s;
    }
    // [..., Tq, 1, dim] + [..., 1, Tv, dim]: every query step with every key step.
    const sum = ops.add(ops.expandDims(query, -2), ops.expandDims(key, -3));
    const summed = ops.sum(ops.unary('tanh', this.scale ? ops.mul(this.scale.value, sum) : sum), -1);
    return ops.mul(this.concatScoreWeight!.value, summed);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scoreMode: this.scoreMode };
  }
}

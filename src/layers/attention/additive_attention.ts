import type { Tensor } from '../../tensor/tensor.js';
import * as ops from '../../ops/index.js';
import { BASE_OPTIONS, type ShapeArg } from '../layer.js';
import { checkOptions } from '../options.js';
import type { Variable } from '../variable.js';
import { attentionInputs } from './attention_args.js';
import { DenseAttention, type DenseAttentionArgs } from './dense_attention.js';

export interface AdditiveAttentionArgs extends DenseAttentionArgs {}

/**
 * Additive attention (Bahdanau-style), as Keras 3's AdditiveAttention: scores are
 * Σ scale · tanh(q + k) over the features, with a learned `scale` per feature (`useScale`, on by
 * default). `apply([query, value])` or `[query, value, key]`.
 */
export class AdditiveAttention extends DenseAttention {
  static override readonly className = 'AdditiveAttention';
  scale: Variable | undefined;

  constructor(args: AdditiveAttentionArgs = {}) {
    checkOptions('AdditiveAttention', args, [...BASE_OPTIONS, 'useScale', 'dropout', 'seed']);
    super(args, true);
  }

  override build(inputShape: ShapeArg): void {
    const { query } = attentionInputs(this, inputShape);
    if (this.useScale) {
      this.scale = this.addWeight({
        name: 'scale',
        shape: [query[query.length - 1] as number],
        initializer: 'glorot_uniform',
      });
    }
    this.built = true;
  }

  protected scores(query: Tensor, key: Tensor): Tensor {
    const t = ops.unary('tanh', ops.add(ops.expandDims(query, -2), ops.expandDims(key, -3)));
    return ops.sum(this.scale ? ops.mul(this.scale.value, t) : t, -1);
  }
}

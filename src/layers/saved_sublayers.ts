import type { Layer } from './layer.js';

/**
 * A layer whose sublayers Keras saves apart from the layer's own variables, each under the
 * attribute it is held in: MultiHeadAttention's projections go to `query_dense/vars`,
 * `key_dense/vars`, ... in model.weights.h5, not to the attention layer's own `vars`.
 */
export interface SavesSublayers {
  /**
   * Each sublayer with the attribute name Keras saves it under; null for a Keras sublayer without
   * weights that Dendrite does not need as a layer (MultiHeadAttention's `_softmax`), which Keras
   * still writes as an empty group.
   */
  readonly savedSublayers: readonly (readonly [string, Layer | null])[];
}

export function savesSublayers(layer: Layer): layer is Layer & SavesSublayers {
  return Array.isArray((layer as Partial<SavesSublayers>).savedSublayers);
}

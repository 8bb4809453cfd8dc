import { test } from 'node:test';
import { Input, Model, layers } from '../src/index.js';
import { checkParity } from './helpers/parity.js';

// The fixtures' architectures built through the API: Keras's weights are set into them by order,
// so weight shapes and order must be Keras's, and the numbers must follow.

test('Transformer block matches Keras 3: causal MultiHeadAttention, residuals, LayerNormalization, gelu FFN', async () => {
  const tokens = Input({ shape: [12], dtype: 'int32', name: 'tokens' });
  const positions = Input({ shape: [12], dtype: 'int32', name: 'positions' });
  const x = layers.add([new layers.Embedding(50, 16).apply(tokens), new layers.Embedding(12, 16).apply(positions)]);
  const attended = new layers.MultiHeadAttention(2, 8).apply([x, x], { useCausalMask: true });
  const h = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(layers.add([x, attended]));
  const ffn = new layers.Dense(16).apply(new layers.Dense(32, { activation: 'gelu' }).apply(h));
  const encoded = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(layers.add([h, ffn]));
  const pooled = new layers.GlobalAveragePooling1D().apply(encoded);
  const out = new layers.Dense(4, { activation: 'softmax' }).apply(pooled);
  // The key bias's gradient is zero in exact arithmetic (the softmax cancels it): ~1e-10 of noise in both.
  await checkParity('transformer', new Model([tokens, positions], out), { gradFloor: 1e-8 });
});

test('Attention(useScale) and AdditiveAttention on queries and values of different lengths match Keras 3', async () => {
  const query = Input({ shape: [5, 8], name: 'query' });
  const value = Input({ shape: [7, 8], name: 'value' });
  const dot = new layers.Attention({ useScale: true }).apply([query, value]);
  const additive = new layers.AdditiveAttention().apply([query, value]);
  const pooled = new layers.GlobalMaxPooling1D().apply(layers.concatenate([dot, additive]));
  await checkParity('attention', new Model([query, value], new layers.Dense(1).apply(pooled)));
});

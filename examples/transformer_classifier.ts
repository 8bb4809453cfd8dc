// A Transformer encoder that learns a question about order: does token A come before token B?
// Each sequence holds one A and one B among random filler tokens; only attention over the whole
// sequence, with positions, can answer it. Token and position embeddings are added, one encoder
// block (self-attention, residuals, LayerNormalization, a feed-forward network) reads them, and
// the mean over steps is classified. Run it with `npx tsx examples/transformer_classifier.ts`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Input, Model, type Tensor, layers, loadModel, optimizers, setSeed, tensor } from '../src/index.js';

export const A = 1;
export const B = 2;

export interface OrderTask {
  tokens: Tensor;
  positions: Tensor;
  /** 1 where A comes before B, else 0. */
  labels: Tensor;
}

/** `n` sequences of `length` tokens from a vocabulary of `vocab` (0 unused, 1 = A, 2 = B, the rest filler). */
export function orderTask(n: number, { length = 10, vocab = 12, seed = 1 } = {}): OrderTask {
  let s = (seed * 2654435761) >>> 0 || 1;
  const next = (k: number): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return Math.floor((s / 4294967296) * k);
  };
  const tokens = new Int32Array(n * length);
  const positions = new Int32Array(n * length);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < length; t++) {
      tokens[i * length + t] = 3 + next(vocab - 3);
      positions[i * length + t] = t;
    }
    const a = next(length);
    const b = (a + 1 + next(length - 1)) % length;
    tokens[i * length + a] = A;
    tokens[i * length + b] = B;
    labels[i] = a < b ? 1 : 0;
  }
  return {
    tokens: tensor(tokens, [n, length], 'int32'),
    positions: tensor(positions, [n, length], 'int32'),
    labels: tensor(labels, [n], 'int32'),
  };
}

export interface ClassifierArgs {
  length?: number;
  vocab?: number;
  dim?: number;
  heads?: number;
  ffn?: number;
  learningRate?: number;
}

/**
 * Token + position embeddings, one Transformer encoder block, mean over steps, two classes; and a
 * second model on the same layers that returns the attention scores (it shares every weight).
 */
export function transformerClassifier({
  length = 10,
  vocab = 12,
  dim = 16,
  heads = 2,
  ffn = 32,
  learningRate = 3e-3,
}: ClassifierArgs = {}): {
  model: Model;
  attention: Model;
} {
  const tokens = Input({ shape: [length], dtype: 'int32', name: 'tokens' });
  const positions = Input({ shape: [length], dtype: 'int32', name: 'positions' });
  const x = layers.add([
    new layers.Embedding(vocab, dim).apply(tokens),
    new layers.Embedding(length, dim).apply(positions),
  ]);
  const selfAttention = new layers.MultiHeadAttention(heads, dim / heads);
  const attended = selfAttention.apply([x, x]);
  const h = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(layers.add([x, attended]));
  const ff = new layers.Dense(dim).apply(new layers.Dense(ffn, { activation: 'gelu' }).apply(h));
  const encoded = new layers.LayerNormalization({ epsilon: 1e-6 }).apply(layers.add([h, ff]));
  const pooled = new layers.GlobalAveragePooling1D().apply(encoded);
  const probs = new layers.Dense(2, { activation: 'softmax' }).apply(pooled);
  const model = new Model([tokens, positions], probs, { name: 'order_transformer' });
  model.compile({
    optimizer: new optimizers.Adam({ learningRate }),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
  });
  const [, scores] = selfAttention.applyMulti([x, x], { returnAttentionScores: true });
  return { model, attention: new Model([tokens, positions], scores) };
}

async function main(): Promise<void> {
  setSeed(7);
  const length = 12;
  const train = orderTask(4000, { length, seed: 1 });
  const test = orderTask(1000, { length, seed: 2 });
  const { model, attention } = transformerClassifier({ length });
  model.summary();
  await model.fit([train.tokens, train.positions], train.labels, { epochs: 8, batchSize: 32, verbose: 1 });
  const { accuracy } = await model.evaluate([test.tokens, test.positions], test.labels, {
    returnDict: true,
    verbose: 0,
  });
  console.log(`held-out accuracy: ${(100 * accuracy).toFixed(1)}%`);

  // Where the attention looks: the trained layers, asked for their scores on one sequence.
  const one = orderTask(1, { length, seed: 3 });
  const scores = attention.predict([one.tokens, one.positions]) as Tensor; // [1, heads, steps, steps]
  console.log('tokens:', Array.from(one.tokens.values).join(' '), '| A before B:', one.labels.values[0] === 1);
  const fromFirst = Array.from(scores.values.slice(0, length), (v) => v.toFixed(2));
  console.log('head 0, attention from the first step:', fromFirst.join(' '));

  // Saved as Keras saves it: Python's keras.saving.load_model reads this file.
  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-transformer-')), 'order.keras');
  await model.save(path);
  const again = await loadModel(path);
  const before = model.predict([test.tokens, test.positions]) as Tensor;
  const after = again.predict([test.tokens, test.positions]) as Tensor;
  const same = after.values.every((v, i) => v === before.values[i]);
  console.log(`saved to ${path} and loaded: predictions identical = ${same}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();

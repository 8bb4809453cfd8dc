import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Input, Model, type Tensor, layers, loadModel, ones, ops, setSeed, tensor } from '../src/index.js';
import { modelFromKeras } from '../src/models/keras_config.js';
import { FIXTURES } from './helpers/fixtures.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-attention-'));
const FIXTURE = join(FIXTURES, 'transformer', 'model.keras');
const close = (a: Tensor, b: Tensor, tol = 1e-5): void => {
  assert.deepEqual(a.shape, b.shape);
  a.values.forEach((v, i) => assert.ok(Math.abs(v - b.values[i]) <= tol, `[${i}] ${v} vs ${b.values[i]}`));
};
/** Rows [from, from + n) of axis 1. */
const steps = (t: Tensor, from: number, n: number): Tensor => ops.sliceAxis(t, 1, from, n);

test('MultiHeadAttention: padded keys change nothing, padded queries give the bias, the output keeps the query mask', () => {
  setSeed(3);
  const tokens = Input({ shape: [null], dtype: 'int32' });
  const x = new layers.Embedding(20, 8, { maskZero: true }).apply(tokens);
  const mha = new layers.MultiHeadAttention(2, 4);
  const [y, scores] = mha.applyMulti([x, x], { returnAttentionScores: true });
  const model = new Model(tokens, [y, scores]);
  assert.deepEqual(scores.shape, [null, 2, null, null]);
  const padded = tensor(new Int32Array([3, 7, 5, 0, 0, 4, 9, 2, 8, 1]), [2, 5], 'int32');
  const [out, probs] = model.predict(padded) as Tensor[];
  // Sample 0 has 3 real steps: its output there equals attention over those 3 steps alone.
  const [alone] = model.predict(tensor(new Int32Array([3, 7, 5]), [1, 3], 'int32')) as Tensor[];
  close(steps(ops.sliceAxis(out, 0, 0, 1), 0, 3), alone);
  const p = probs.arraySync() as number[][][][];
  for (const head of [0, 1]) {
    for (const t of [0, 1, 2]) {
      assert.equal(p[0][head][t][3] + p[0][head][t][4], 0, 'no weight on padded keys');
      assert.ok(Math.abs(p[0][head][t].reduce((a, b) => a + b, 0) - 1) < 1e-6);
    }
    assert.deepEqual(p[0][head][3], [0, 0, 0, 0, 0], 'a padded query attends to nothing (Keras zeroes its row)');
  }
  // Keras passes the query's mask on: a masked mean pools over the real steps only.
  const pooled = new layers.GlobalAveragePooling1D().apply(y);
  const viaMask = new Model(tokens, pooled).predict(padded) as Tensor;
  close(ops.sliceAxis(viaMask, 0, 0, 1), ops.mean(steps(ops.sliceAxis(out, 0, 0, 1), 0, 3), [1]), 1e-5);
});

test('MultiHeadAttention: a causal mask, an attention mask tensor, a separate key, and scores of Keras shape', () => {
  setSeed(4);
  const q = randTensor([2, 4, 6], 1);
  const v = randTensor([2, 4, 6], 2);
  const k = randTensor([2, 4, 5], 3);
  const mha = new layers.MultiHeadAttention(3, 2, { valueDim: 5, outputShape: 7 });
  const [out, scores] = mha.applyMulti([q, v, k], { useCausalMask: true, returnAttentionScores: true });
  assert.deepEqual(out.shape, [2, 4, 7]);
  assert.deepEqual(scores.shape, [2, 3, 4, 4]);
  const s = scores.arraySync() as number[][][][];
  for (let t = 0; t < 4; t++) for (let u = t + 1; u < 4; u++) assert.equal(s[1][2][t][u], 0, 'no weight on later keys');
  assert.deepEqual(
    mha.weights.map((w) => w.shape),
    [[6, 3, 2], [3, 2], [5, 3, 2], [3, 2], [6, 3, 5], [3, 5], [3, 5, 7], [7]],
    "Keras's weights: query, key, value, attention_output kernels and biases",
  );
  // The causal mask is the lower-triangular attention mask.
  const lower = tensor(new Uint8Array([1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]), [4, 4], 'bool');
  close(mha.apply([q, v, k], { attentionMask: lower }), out);
  // Without the causal rule the later keys count.
  assert.ok(Math.max(...ops.abs(ops.sub(mha.apply([q, v, k]), out)).values) > 1e-3);
});

test('MultiHeadAttention saves as Keras writes it: positional inputs, use_causal_mask and attention_mask kwargs', async () => {
  setSeed(5);
  const seq = Input({ shape: [6, 8], name: 'seq' });
  const allowed = Input({ shape: [6, 6], name: 'allowed' });
  const attended = new layers.MultiHeadAttention(2, 4, { dropout: 0.1 }).apply([seq, seq], {
    useCausalMask: true,
    attentionMask: allowed,
  });
  const model = new Model([seq, allowed], new layers.Dense(3).apply(attended));
  const path = join(dir, 'mha.keras');
  await model.save(path);
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json'])) as {
    config: {
      layers: {
        class_name: string;
        build_config: unknown;
        inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[];
      }[];
    };
  };
  const entry = config.config.layers.find((l) => l.class_name === 'MultiHeadAttention')!;
  // Keras's MultiHeadAttention.build takes a shape per input: its build_config names them.
  assert.deepEqual(entry.build_config, { shapes_dict: { query_shape: [null, 6, 8], value_shape: [null, 6, 8] } });
  const node = entry.inbound_nodes[0];
  assert.equal(node.args.length, 2, 'query and value as two arguments, as Keras calls mha(query, value)');
  assert.equal(node.kwargs.use_causal_mask, true);
  assert.deepEqual((node.kwargs.attention_mask as { config: { keras_history: unknown } }).config.keras_history, [
    'allowed',
    0,
    0,
  ]);
  const again = await loadModel(path);
  const data = [randTensor([2, 6, 8], 7), ops.compare('greater', randTensor([2, 6, 6], 8), -0.5).cast('float32')];
  close(again.predict(data) as Tensor, model.predict(data) as Tensor, 0);
  assert.notDeepEqual(
    (model.predict([data[0], ones([2, 6, 6])]) as Tensor).values,
    (model.predict(data) as Tensor).values,
    'the attention mask input is honoured',
  );
});

test('a saved call argument Dendrite does not know is refused by name; call options are checked', () => {
  type Entry = { class_name: string; inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[] };
  const file = (): { config: { layers: Entry[] } } =>
    JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(FIXTURE)))['config.json']));
  const edited = (edit: (layers: Entry[]) => void): Record<string, unknown> => {
    const config = file();
    edit(config.config.layers);
    return config as unknown as Record<string, unknown>;
  };
  const mhaNode = (layers: Entry[]) => layers.find((l) => l.class_name === 'MultiHeadAttention')!.inbound_nodes[0];
  assert.throws(
    () => modelFromKeras(edited((l) => Object.assign(mhaNode(l).kwargs, { scale: 2 }))),
    /'multi_head_attention' \(MultiHeadAttention\) is called with scale = 2, which Dendrite does not support \(its call options: attention_mask, use_causal_mask, return_attention_scores\)/,
  );
  assert.throws(
    () =>
      modelFromKeras(
        edited((l) => Object.assign(l.find((e) => e.class_name === 'Dense')!.inbound_nodes[0].kwargs, { x: true })),
      ),
    /'dense' \(Dense\) is called with x = true, which Dendrite does not support$/,
  );
  // Keras's call(query=..., value=...) by name loads as the positional form does.
  const byName = edited((l) => {
    const node = mhaNode(l);
    node.kwargs = { ...node.kwargs, query: node.args[0], value: node.args[1] };
    node.args = [];
  });
  assert.equal(modelFromKeras(byName).countParams(), modelFromKeras(edited(() => {})).countParams());

  const x = Input({ shape: [3, 4] });
  assert.throws(
    () => new layers.Dense(2).apply(x, { useCausalMask: true } as never),
    /Dense layer 'dense_\d+': apply got an unexpected option 'useCausalMask'/,
  );
  const mha = new layers.MultiHeadAttention(1, 2);
  assert.throws(
    () => mha.apply([x, x], { attentionMask: randTensor([1, 3, 3]) } as never),
    /attentionMask is a concrete tensor, but the inputs are symbolic/,
  );
  assert.throws(() => mha.apply([x]), /takes \[query, value\] or \[query, value, key\], got 1 input/);
  assert.throws(
    () => mha.apply([x, x], { attentionMask: Input({ shape: [3, 4] }) }),
    /attentionMask of shape \(None, 3, 4\) does not broadcast to \[batch, query steps, key steps\] = \(None, 3, 3\)/,
  );
  assert.throws(() => new layers.MultiHeadAttention(0, 2), /numHeads must be a positive integer/);
  assert.throws(() => new layers.MultiHeadAttention(2, 2, { heads: 2 } as never), /unexpected option 'heads'/);
  assert.throws(() => mha.apply([x, x], { returnAttentionScores: true }), /returns 2 tensors here; call applyMulti/);
});

test('MultiHeadAttention over two attention axes (an image), and dropout only in training', () => {
  setSeed(6);
  const image = randTensor([2, 3, 4, 5], 11);
  const mha = new layers.MultiHeadAttention(2, 3, { attentionAxes: [1, 2], dropout: 0.5 });
  const [y, scores] = mha.applyMulti([image, image], { returnAttentionScores: true });
  assert.deepEqual(y.shape, [2, 3, 4, 5]);
  assert.deepEqual(scores.shape, [2, 2, 3, 4, 3, 4]);
  const rows = ops.sum(ops.reshape(scores, [2, 2, 12, 12]), [-1]);
  rows.values.forEach((v) => assert.ok(Math.abs(v - 1) < 1e-5, 'a softmax over both axes together'));
  close(mha.apply([image, image]), y, 0);
  assert.notDeepEqual(mha.apply([image, image], { training: true }).values, y.values);
  assert.deepEqual(mha.getConfig().attentionAxes, [1, 2]);
});

test('Attention and AdditiveAttention: value padding is ignored, padded queries give zeros, causal and scores', () => {
  setSeed(7);
  const query = Input({ shape: [null], dtype: 'int32' });
  const value = Input({ shape: [null], dtype: 'int32' });
  const embed = new layers.Embedding(10, 4, { maskZero: true });
  const q = embed.apply(query);
  const v = embed.apply(value);
  for (const layer of [new layers.Attention({ useScale: true }), new layers.AdditiveAttention()]) {
    const [out, scores] = layer.applyMulti([q, v], { returnAttentionScores: true });
    const model = new Model([query, value], [out, scores]);
    const qs = tensor(new Int32Array([1, 2, 0]), [1, 3], 'int32');
    const [o, s] = model.predict([qs, tensor(new Int32Array([3, 4, 5, 0]), [1, 4], 'int32')]) as Tensor[];
    const [alone] = model.predict([qs, tensor(new Int32Array([3, 4, 5]), [1, 3], 'int32')]) as Tensor[];
    close(o, alone, 1e-6);
    assert.deepEqual(
      Array.from(steps(o, 2, 1).values, Math.abs),
      [0, 0, 0, 0],
      `${layer.className}: a padded query gives zeros`,
    );
    assert.equal((s.arraySync() as number[][][])[0][0][3], 0);
    const causal = layer.apply([randTensor([1, 3, 4], 1), randTensor([1, 3, 4], 2)], { useCausalMask: true });
    assert.deepEqual(causal.shape, [1, 3, 4]);
  }
  assert.throws(() => new layers.Attention({ scoreMode: 'sum' } as never), /scoreMode must be 'dot' or 'concat'/);
  assert.throws(() => new layers.AdditiveAttention({ scoreMode: 'dot' } as never), /unexpected option 'scoreMode'/);
});

test('GroupedQueryAttention is MultiHeadAttention with each key/value head shared by a group of query heads', () => {
  setSeed(8);
  const q = randTensor([2, 5, 6], 21);
  const v = randTensor([2, 4, 6], 22);
  const gqa = new layers.GroupedQueryAttention(3, 4, 2);
  const [y, scores] = gqa.applyMulti([q, v], { useCausalMask: true, returnAttentionScores: true });
  assert.deepEqual(scores.shape, [2, 4, 5, 4]);
  assert.deepEqual(
    gqa.weights.map((w) => w.shape),
    [[6, 4, 3], [4, 3], [6, 2, 3], [2, 3], [6, 2, 3], [2, 3], [4, 3, 6], [6]],
  );
  // The same attention with every key/value head written out once per query head it serves.
  const mha = new layers.MultiHeadAttention(4, 3);
  mha.apply([q, v]);
  const perQueryHead = (t: Tensor): Tensor => ops.repeatAlong(t, t.rank - 2, 2);
  const [wq, bq, wk, bk, wv, bv, wo, bo] = gqa.getWeights();
  mha.setWeights([wq, bq, perQueryHead(wk), perQueryHead(bk), perQueryHead(wv), perQueryHead(bv), wo, bo]);
  close(mha.apply([q, v], { useCausalMask: true }), y, 1e-5);
  assert.throws(() => new layers.GroupedQueryAttention(2, 3, 2), /numQueryHeads \(3\) must be a multiple/);
});

test('gradients through a gated, windowed, causal MultiHeadAttention with padding masks match finite differences', () => {
  setSeed(9);
  const mha = new layers.MultiHeadAttention(2, 3, { useGate: true, slidingWindow: 2, valueDim: 2 });
  const q = randTensor([2, 4, 5], 31);
  const v = randTensor([2, 6, 5], 32);
  const qMask = tensor(new Uint8Array([1, 1, 1, 0, 1, 1, 1, 1]), [2, 4], 'bool');
  const vMask = tensor(new Uint8Array([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0]), [2, 6], 'bool');
  mha.apply([q, v]);
  assert.equal(mha.weights.length, 10, 'query, key, gate, value and output kernels and biases');
  checkGradients(([a, b]) => mha.apply([a, b], { useCausalMask: true, mask: [qMask, vMask] }), [q, v]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Tensor, layers, setSeed, tensor } from '../src/index.js';
import * as ops from '../src/ops/index.js';

test('Embedding: shapes, dtype, params, Keras 3 uniform init and weight name', () => {
  setSeed(8);
  const text = Input({ shape: [200], dtype: 'int32' });
  const emb = new layers.Embedding(10000, 64);
  const y = emb.apply(text);
  assert.deepEqual(y.shape, [null, 200, 64]);
  assert.equal(y.dtype, 'float32');
  assert.equal(emb.countParams(), 640000);
  assert.deepEqual(
    emb.weights.map((w) => w.name),
    ['embeddings'],
  );
  const v = emb.weights[0].value.values;
  let lo = Infinity;
  let hi = -Infinity;
  for (const e of v) {
    lo = Math.min(lo, e);
    hi = Math.max(hi, e);
  }
  // The weights are float32: a draw next to ±0.05 rounds to ±fround(0.05), just outside ±0.05 as a
  // double (about one run in fifty, unseeded, failed on that).
  const edge = Math.fround(0.05);
  assert.ok(lo >= -edge && hi <= edge && hi - lo > 0.09, `uniform in [-0.05, 0.05], got [${lo}, ${hi}]`);
  // Variable length and inputLength accepted.
  assert.deepEqual(
    new layers.Embedding(10, 3, { inputLength: 5 }).apply(Input({ shape: [null], dtype: 'int32' })).shape,
    [null, null, 3],
  );
});

test('Embedding: eager lookup from int32 and from float tensors of whole numbers; gradient scatters', () => {
  const emb = new layers.Embedding(5, 2);
  const idx = new Tensor(Int32Array.from([4, 0, 4, 1]), [2, 2], 'int32');
  const out = emb.apply(idx);
  assert.deepEqual(out.shape, [2, 2, 2]);
  const table = emb.weights[0].value.values;
  assert.deepEqual(Array.from(out.values.subarray(0, 2)), Array.from(table.subarray(8, 10)));
  const fromFloat = emb.apply(
    tensor([
      [4, 0],
      [4, 1],
    ]),
  );
  assert.deepEqual(Array.from(fromFloat.values), Array.from(out.values));
  const { grads } = ops.valueAndGrads(() => ops.sum(emb.apply(idx)), [emb.weights[0].value]);
  assert.deepEqual(Array.from(grads[0].values), [1, 1, 1, 1, 0, 0, 0, 0, 2, 2]);
});

test('Embedding: bad indices name the layer, the value, its position and the valid range', () => {
  const emb = new layers.Embedding(10, 4, { name: 'words' });
  assert.throws(
    () =>
      emb.apply(
        tensor(
          [
            [1, 2],
            [3, 10],
          ],
          undefined,
          'int32',
        ),
      ),
    /Embedding layer 'words' received index 10 at \[1, 1\] of its input, outside the valid range \[0, 10\)/,
  );
  assert.throws(() => emb.apply(tensor([[1, -1]], undefined, 'int32')), /received index -1 at \[0, 1\]/);
  assert.throws(
    () => emb.apply(tensor([[1, 2.5]])),
    /received 2\.5 at index \[0, 1\] of its input; indices must be whole numbers in \[0, 10\)/,
  );
  assert.throws(() => emb.validateInput(tensor([NaN])), /received NaN/);
  emb.validateInput(tensor([[0, 9]]));
});

test('Embedding: fit rejects bad indices before any weight changes', async () => {
  const input = Input({ shape: [3], dtype: 'int32' });
  const emb = new layers.Embedding(6, 2);
  const model = new Model(input, new layers.Dense(1).apply(new layers.Flatten().apply(emb.apply(input))));
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const before = model.getWeights().map((w) => Array.from(w.values));
  const x = tensor(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    undefined,
    'int32',
  );
  await assert.rejects(
    () => model.fit(x, tensor([[1], [0]]), { epochs: 1, verbose: 0 }),
    /index 6 at \[1, 2\].*\[0, 6\)/,
  );
  assert.deepEqual(
    model.getWeights().map((w) => Array.from(w.values)),
    before,
  );
});

test('Embedding: maskZero computes indices != 0; options are checked', () => {
  const emb = new layers.Embedding(5, 2, { maskZero: true });
  const idx = tensor([[0, 3, 0]], undefined, 'int32');
  emb.apply(idx);
  const mask = emb.computeMask([idx], [null]);
  assert.ok(mask?.[0]);
  assert.equal(mask[0].dtype, 'bool');
  assert.deepEqual(Array.from(mask[0].values), [0, 1, 0]);
  assert.equal(new layers.Embedding(5, 2).computeMask([idx], [null]), null);
  assert.throws(() => new layers.Embedding(5, 2, { maskzero: true } as unknown as layers.EmbeddingArgs), TypeError);
  assert.throws(() => new layers.Embedding(0, 2), /inputDim must be a positive integer/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Tensor, layers } from '../src/index.js';
import * as ops from '../src/ops/index.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';
import { maxDiff, refLstm } from './helpers/recurrent_reference.js';

test('Bidirectional: shapes, params, weight order and the mirrored copies', () => {
  const x = Input({ shape: [null, 64] });
  const lstm = new layers.LSTM(32);
  const bi = new layers.Bidirectional(lstm);
  assert.deepEqual(bi.apply(x).shape, [null, 64]);
  assert.equal(bi.countParams(), 2 * 12416);
  assert.equal(bi.forwardLayer.name, `forward_${lstm.name}`);
  assert.equal(bi.backwardLayer.name, `backward_${lstm.name}`);
  assert.equal(bi.backwardLayer.goBackwards, true);
  assert.deepEqual(
    bi.weights.map((w) => w.path),
    [
      `forward_${lstm.name}/kernel`,
      `forward_${lstm.name}/recurrent_kernel`,
      `forward_${lstm.name}/bias`,
      `backward_${lstm.name}/kernel`,
      `backward_${lstm.name}/recurrent_kernel`,
      `backward_${lstm.name}/bias`,
    ],
  );
  const seq = new layers.LSTM(8, { returnSequences: true });
  assert.deepEqual(new layers.Bidirectional(seq, { mergeMode: 'sum' }).apply(x).shape, [null, null, 8]);
  assert.deepEqual(
    new layers.Bidirectional(seq, { mergeMode: null }).applyMulti(x).map((t) => t.shape),
    [
      [null, null, 8],
      [null, null, 8],
    ],
  );
  const withState = new layers.Bidirectional(new layers.LSTM(4, { returnState: true })).applyMulti(x);
  assert.deepEqual(
    withState.map((t) => t.shape),
    [
      [null, 8],
      [null, 4],
      [null, 4],
      [null, 4],
      [null, 4],
    ],
  );
  const gru = new layers.Bidirectional(new layers.GRU(4, { returnState: true }), { mergeMode: 'ave' }).applyMulti(x);
  assert.deepEqual(
    gru.map((t) => t.shape),
    [
      [null, 4],
      [null, 4],
      [null, 4],
    ],
  );
});

test('Bidirectional: values are the forward run and the time-reversed backward run, merged', () => {
  const x = randTensor([2, 5, 3], 1);
  const bi = new layers.Bidirectional(new layers.LSTM(4, { returnSequences: true }));
  const y = bi.apply(x);
  assert.deepEqual(y.shape, [2, 5, 8]);
  const [fk, fr, fb, bk, br, bb] = bi.getWeights().map((w) => w.values as Float32Array);
  const fwd = refLstm(x.values as Float32Array, [2, 5, 3], fk, fr, fb, 4, { returnSequences: true }).output;
  const bwd = refLstm(x.values as Float32Array, [2, 5, 3], bk, br, bb, 4, {
    returnSequences: true,
    goBackwards: true,
  }).output;
  const expected: number[] = [];
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < 5; t++) {
      expected.push(...fwd.slice((b * 5 + t) * 4, (b * 5 + t + 1) * 4));
      expected.push(...bwd.slice((b * 5 + (4 - t)) * 4, (b * 5 + (4 - t) + 1) * 4));
    }
  }
  assert.ok(maxDiff(y.values, expected) < 1e-5);
  // The last outputs (no sequences): forward's last step, backward's last processed step (time 0).
  const last = new layers.Bidirectional(new layers.GRU(3), { mergeMode: 'mul' }).apply(x);
  assert.deepEqual(last.shape, [2, 3]);
});

test('Bidirectional: gradients reach both directions; masked steps give zeros in returned sequences', () => {
  const x = randTensor([2, 4, 3], 2);
  const bi = new layers.Bidirectional(new layers.SimpleRNN(3, { returnSequences: true }));
  bi.apply(x);
  const ws = bi.weights.map((w) => w.value);
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.square(bi.apply(x))), ws);
  for (const g of grads) assert.ok(Array.from(g.values).some((v) => v !== 0));
  checkGradients(([xx]) => bi.apply(xx), [x], { maxChecks: 12 });
  const mask = new Tensor(Uint8Array.from([1, 1, 0, 0, 1, 1, 1, 1]), [2, 4], 'bool');
  const y = bi.invoke([x], { training: false, masks: [mask] })[0];
  assert.deepEqual(Array.from(y.values.subarray(12, 24)), new Array(12).fill(0));
  assert.deepEqual(bi.computeMask([x], [mask]), [mask]);
});

test('TimeDistributed(Dense): shapes, params, per-step values, and training in a model', async () => {
  const x = Input({ shape: [10, 16] });
  const td = new layers.TimeDistributed(new layers.Dense(8));
  assert.deepEqual(td.apply(x).shape, [null, 10, 8]);
  assert.equal(td.countParams(), 136);
  assert.deepEqual(
    td.weights.map((w) => w.name),
    ['kernel', 'bias'],
  );
  const data = randTensor([3, 10, 16], 3);
  const y = td.apply(data);
  const direct = td.layer.apply(data);
  assert.ok(maxDiff(y.values, direct.values) < 1e-6);
  const out = new layers.Dense(1).apply(
    new layers.Flatten().apply(
      new layers.Bidirectional(new layers.GRU(4, { returnSequences: true })).apply(td.apply(x)),
    ),
  );
  const model = new Model(x, out);
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const h = await model.fit(data, randTensor([3, 1], 4), { epochs: 2, verbose: 0 });
  assert.ok(h.history.loss.every((l) => Number.isFinite(l)));
});

test('wrappers reject what they cannot wrap, and unknown options', () => {
  assert.throws(
    () => new layers.Bidirectional(new layers.Dense(3) as unknown as layers.LSTM),
    /Bidirectional wraps a recurrent layer/,
  );
  assert.throws(
    () => new layers.Bidirectional(new layers.LSTM(3), { mergeMode: 'max' as unknown as 'sum' }),
    /mergeMode must be one of/,
  );
  assert.throws(
    () => new layers.Bidirectional(new layers.LSTM(3), { merge_mode: 'sum' } as unknown as layers.BidirectionalArgs),
    TypeError,
  );
  assert.throws(
    () => new layers.TimeDistributed(new layers.Dense(3)).apply(Input({ shape: [4] })),
    /expects an input with a time axis/,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, Sequential, layers, random, tensor, type Tensor } from '../src/index.js';

function mlp(): Model {
  const input = Input({ shape: [4], name: 'features' });
  const hidden = new layers.Dense(8, { activation: 'relu' }).apply(input);
  return new Model(input, new layers.Dense(2, { activation: 'softmax', name: 'probs' }).apply(hidden));
}

function weightsOf(m: Model): number[][] {
  return m.getWeights().map((w) => Array.from(w.dataSync()));
}

test('fit before compile says to compile', async () => {
  await assert.rejects(
    mlp().fit(random.uniform([4, 4]), random.uniform([4, 2])),
    /must call compile\(\).*before fit\(\)/,
  );
});

test('data whose shape does not match an input names the input and both shapes', async () => {
  const m = mlp();
  m.compile({ loss: 'categorical_crossentropy' });
  await assert.rejects(
    m.fit(random.uniform([10, 5]), random.uniform([10, 2])),
    /Input 'features' expects data of shape \(None, 4\), got \(10, 5\)/,
  );
  assert.throws(
    () => m.predict(random.uniform([3, 7])),
    /Input 'features' expects data of shape \(None, 4\), got \(3, 7\)/,
  );
});

test('a record key that names no input lists the inputs; targets keyed by a wrong output list the outputs', async () => {
  const m = mlp();
  m.compile({ loss: 'categorical_crossentropy' });
  await assert.rejects(
    m.fit({ feature: random.uniform([4, 4]) }, random.uniform([4, 2])),
    /key 'feature' names no input.*features/,
  );
  await assert.rejects(
    m.fit(random.uniform([4, 4]), { prob: random.uniform([4, 2]) }),
    /key 'prob' names no output.*probs/,
  );
});

test('inputs and targets with different sample counts are rejected with each count', async () => {
  const m = mlp();
  m.compile({ loss: 'categorical_crossentropy' });
  await assert.rejects(
    m.fit(random.uniform([10, 4]), random.uniform([9, 2])),
    /same number of samples.*features: 10.*probs: 9/,
  );
});

test('targets that do not fit the loss are rejected before training', async () => {
  const m = mlp();
  m.compile({ loss: 'categorical_crossentropy' });
  const before = weightsOf(m);
  await assert.rejects(
    m.fit(random.uniform([6, 4]), random.uniform([6, 3])),
    /targets of shape \(6, 3\) for output 'probs' \(predictions of shape \(None, 2\)\) do not fit its loss/,
  );
  assert.deepEqual(weightsOf(m), before);
});

test('int32 inputs reject non-integer data; whole-number floats are accepted', async () => {
  const ids = Input({ shape: [3], dtype: 'int32', name: 'ids' });
  const m = new Model(ids, new layers.Dense(1).apply(ids));
  assert.throws(() => m.predict(tensor([[1, 2, 3.5]])), /Input 'ids' is int32.*non-integer value 3.5/);
  assert.deepEqual(m.predict(tensor([[1, 2, 3]])).shape, [1, 1]);
});

test('Dense on an unknown last dimension fails at apply time', () => {
  const seq = Input({ shape: [null] });
  assert.throws(
    () => new layers.Dense(3).apply(seq),
    /Dense layer 'dense_\d+' needs a known last dimension, got input shape \(None, None\)/,
  );
});

test('unknown options are TypeErrors naming the option', () => {
  const opts = { activation: 'relu', bogus: 1 } as unknown as layers.DenseArgs;
  assert.throws(
    () => new layers.Dense(3, opts),
    (e: unknown) => e instanceof TypeError && /Dense got an unexpected option 'bogus'/.test((e as Error).message),
  );
  const m = mlp();
  m.compile({ loss: 'mse' });
  const fitOpts = { epochs: 1, batch_size: 2 } as unknown as Parameters<Model['fit']>[2];
  return assert.rejects(
    m.fit(random.uniform([2, 4]), random.uniform([2, 2]), fitOpts),
    /fit got an unexpected option 'batch_size'/,
  );
});

test('a graph that needs an input not given to Model is disconnected', () => {
  const a = Input({ shape: [2], name: 'a' });
  const b = Input({ shape: [2], name: 'b' });
  const sum = layers.concatenate([a, b]);
  assert.throws(() => new Model(a, sum), /Graph disconnected.*Input 'b'.*not among the model's inputs \(a\)/);
});

test('two layers with one name in a model are rejected', () => {
  const a = Input({ shape: [2] });
  const x = new layers.Dense(2, { name: 'twin' }).apply(a);
  assert.throws(
    () => new Model(a, new layers.Dense(2, { name: 'twin' }).apply(x)),
    /name 'twin' is used by two layers/,
  );
});

test('a step that throws leaves every weight unchanged', async () => {
  const m = mlp();
  m.compile({
    loss: (yTrue: Tensor, yPred: Tensor) => {
      void yTrue;
      void yPred;
      throw new Error('loss exploded');
    },
  });
  const before = weightsOf(m);
  await assert.rejects(m.fit(random.uniform([8, 4]), random.uniform([8, 2]), { verbose: 0 }), /loss exploded/);
  assert.deepEqual(weightsOf(m), before);
});

test('a Sequential without an input shape builds from its first data', async () => {
  const seq = new Sequential([new layers.Dense(3, { activation: 'relu' }), new layers.Dense(1)]);
  assert.throws(() => seq.summary(), /has not been built yet/);
  seq.compile({ optimizer: 'sgd', loss: 'mse' });
  await seq.fit(random.uniform([16, 5]), random.uniform([16, 1]), { epochs: 1, verbose: 0 });
  assert.equal(seq.countParams(), 5 * 3 + 3 + 3 + 1);
  const popped = seq.pop();
  assert.equal(popped.className, 'Dense');
  assert.deepEqual(seq.predict(random.uniform([2, 5])).shape, [2, 3]);
});

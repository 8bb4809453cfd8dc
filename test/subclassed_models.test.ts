import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CallContext,
  Input,
  type KerasTensor,
  type Logs,
  type StepData,
  Model,
  layers,
  random,
  setSeed,
  type Tensor,
} from '../src/index.js';

/** The Keras guide's subclassed MLP, line for line. */
class MLP extends Model<KerasTensor> {
  dense1 = new layers.Dense(16, { activation: 'relu' });
  dropout = new layers.Dropout(0.5);
  dense2 = new layers.Dense(3, { activation: 'softmax' });

  override call(x: Tensor, ctx: CallContext): Tensor {
    return this.dense2.apply(this.dropout.apply(this.dense1.apply(x), ctx), ctx);
  }
}

test('a subclassed model trains, evaluates, predicts and summarizes like a functional one', async () => {
  setSeed(5);
  const model = new MLP();
  model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
  const x = random.uniform([64, 8]);
  const y = random.uniform([64, 3]);
  const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
  assert.equal(history.history.loss.length, 3);
  assert.equal(model.weights.length, 4);
  assert.equal(model.countParams(), 8 * 16 + 16 + 16 * 3 + 3);
  const probs = model.predict(random.uniform([5, 8]));
  assert.deepEqual(probs.shape, [5, 3]);
  const logs = await model.evaluate(x, y, { returnDict: true, verbose: 0 });
  assert.deepEqual(Object.keys(logs), ['loss', 'accuracy']);
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  assert.ok(
    lines.some((l) => /dense_\d+ \(Dense\)\s+multiple\s+144/.test(l)),
    lines.join('\n'),
  );
  assert.ok(lines.some((l) => /Total params: 195/.test(l)));
});

test('a subclassed model saves and loads its weights', async () => {
  setSeed(6);
  const a = new MLP();
  a.predict(random.uniform([2, 8]));
  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-subclassed-')), 'mlp.weights.h5');
  await a.saveWeights(path);
  const b = new MLP();
  b.predict(random.uniform([2, 8]));
  await b.loadWeights(path);
  const x = random.uniform([4, 8]);
  assert.deepEqual(b.predict(x).arraySync(), a.predict(x).arraySync());
});

test('subclassed and functional models nest in each other', async () => {
  setSeed(7);
  // A subclassed model as a layer of a functional model.
  const inner = new MLP();
  const input = Input({ shape: [8] });
  const outer = new Model(input, new layers.Dense(1).apply(inner.apply(input)));
  assert.deepEqual(outer.outputs[0].shape, [null, 1]);
  assert.equal(outer.countParams(), 195 + 4);

  // A functional model inside a subclassed one.
  const x = Input({ shape: [8] });
  const encoder = new Model(x, new layers.Dense(4).apply(x));
  class Head extends Model<KerasTensor> {
    encoder = encoder;
    out = new layers.Dense(2);
    override call(t: Tensor): Tensor {
      return this.out.apply(this.encoder.apply(t));
    }
  }
  const head = new Head();
  head.compile({ optimizer: 'sgd', loss: 'mse' });
  await head.fit(random.uniform([8, 8]), random.uniform([8, 2]), { epochs: 1, verbose: 0 });
  assert.equal(head.weights.length, 4);
  assert.deepEqual(head.predict(random.uniform([3, 8])).shape, [3, 2]);
});

test('a Model with no inputs, outputs or call of its own says so', () => {
  assert.throws(() => new Model().predict(random.uniform([2, 2])), /no inputs and outputs, and no call\(\) of its own/);
  assert.throws(() => new Model(Input({ shape: [2] })), /needs both its inputs and its outputs, or neither/);
});

test("a model's own trainStep runs inside fit, with callbacks and the progress logs it returns", async () => {
  const { LambdaCallback, valueAndGrads } = await import('../src/index.js');
  /** Keras's guide: a custom train_step that does what the default does, by hand. */
  class Custom extends Model<KerasTensor> {
    dense = new layers.Dense(2);
    steps = 0;
    override call(x: Tensor): Tensor {
      return this.dense.apply(x);
    }
    override trainStep(data: StepData): Logs {
      this.steps++;
      const vars = this.trainableWeights;
      const { value, grads } = valueAndGrads(
        () => this.computeLoss(data.y, this.predictStep(data.x), data.sampleWeight),
        vars.map((v) => v.value),
      );
      this.optimizer!.applyGradients(grads, vars);
      return { loss: value.values[0], custom: 1 };
    }
  }
  const x = random.uniform([12, 3]);
  const y = random.uniform([12, 2]);
  setSeed(11);
  const custom = new Custom();
  custom.compile({ optimizer: 'sgd', loss: 'mse' });
  const seen: number[] = [];
  await custom.fit(x, y, {
    epochs: 2,
    batchSize: 4,
    shuffle: false,
    verbose: 0,
    callbacks: [new LambdaCallback({ onBatchEnd: (_b, logs) => void seen.push(logs?.custom ?? 0) })],
  });
  assert.equal(custom.steps, 6);
  assert.deepEqual(seen, [1, 1, 1, 1, 1, 1]);

  // The same steps through the default path give the same weights.
  setSeed(11);
  const plain = new (class extends Model<KerasTensor> {
    dense = new layers.Dense(2);
    override call(t: Tensor): Tensor {
      return this.dense.apply(t);
    }
  })();
  plain.compile({ optimizer: 'sgd', loss: 'mse' });
  await plain.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
  const a = custom.getWeights().map((w) => w.arraySync());
  const b = plain.getWeights().map((w) => w.arraySync());
  assert.deepEqual(a, b);
});

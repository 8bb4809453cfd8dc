import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, callbacks, layers, optimizers, random } from '../src/index.js';

test('LearningRateScheduler sets the rate each epoch from (epoch, rate) and logs it, as Keras', async () => {
  const x = Input({ shape: [2] });
  const model = new Model(x, new layers.Dense(1).apply(x));
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
  const seen: number[] = [];
  const history = await model.fit(random.uniform([8, 2]), random.uniform([8, 1]), {
    epochs: 3,
    verbose: 0,
    callbacks: [
      new callbacks.LearningRateScheduler((epoch, rate) => {
        seen.push(rate);
        return epoch < 1 ? rate : rate * 0.5;
      }),
    ],
  });
  assert.deepEqual(
    seen.map((v) => Math.round(v * 1e6) / 1e6),
    [0.1, 0.1, 0.05],
  );
  assert.deepEqual(
    history.history.learning_rate.map((v) => Math.round(v * 1e6) / 1e6),
    [0.1, 0.05, 0.025],
  );
  assert.throws(
    () => new callbacks.LearningRateScheduler(0.1 as never),
    /expects a function \(epoch, learningRate\) => rate/,
  );
});

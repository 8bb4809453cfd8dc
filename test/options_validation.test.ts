import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CSVLogger,
  EarlyStopping,
  Input,
  LambdaCallback,
  Model,
  ModelCheckpoint,
  ReduceLROnPlateau,
  Sequential,
  layers,
  optimizers,
  tensor,
} from '../src/index.js';

// A JavaScript caller's typo must be an error, never silently ignored: every public call that
// takes an options object is listed here with one unknown key.
function model(): Model {
  const x = Input({ shape: [2] });
  const m = new Model(x, new layers.Dense(1).apply(x));
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
}
const x = tensor([[1, 2]]);
const y = tensor([[1]]);
const bad = { showTrainable: true } as never;

test('every public call with an options object refuses an unknown option, naming it and the valid ones', async () => {
  const m = model();
  const calls: [string, () => unknown][] = [
    ['Model', () => new Model(Input({ shape: [1] }), Input({ shape: [1] }), bad)],
    ['Sequential', () => new Sequential([], bad)],
    ['compile', () => m.compile({ loss: 'mse', ...(bad as object) })],
    ['predict', () => m.predict(x, bad)],
    ['summary', () => m.summary(bad)],
    ['EarlyStopping', () => new EarlyStopping(bad)],
    ['ReduceLROnPlateau', () => new ReduceLROnPlateau(bad)],
    ['LambdaCallback', () => new LambdaCallback(bad)],
    ['CSVLogger', () => new CSVLogger('log.csv', bad)],
    ['ModelCheckpoint', () => new ModelCheckpoint('m.keras', bad)],
    ['SGD', () => new optimizers.SGD(bad)],
    ['Adam', () => new optimizers.Adam(bad)],
    ['Dense', () => new layers.Dense(1, bad)],
    ['Input', () => Input({ shape: [1], ...(bad as object) })],
  ];
  for (const [name, call] of calls) {
    assert.throws(call, new RegExp(`${name} got an unexpected option 'showTrainable'\\. Valid options: `), name);
  }
  const asyncCalls: [string, () => Promise<unknown>][] = [
    ['fit', () => m.fit(x, y, bad)],
    ['evaluate', () => m.evaluate(x, y, bad)],
    ['trainOnBatch', () => m.trainOnBatch(x, y, bad)],
    ['testOnBatch', () => m.testOnBatch(x, y, bad)],
  ];
  for (const [name, call] of asyncCalls) {
    await assert.rejects(call, new RegExp(`${name} got an unexpected option 'showTrainable'`), name);
  }
});

test('options that are not an object, and arguments a method does not take, are refused', async () => {
  const m = model();
  assert.throws(() => m.summary(5 as never), /summary expects an options object, got number 5/);
  assert.throws(() => m.predict(x, 'big' as never), /predict expects an options object, got the string "big"/);
  await assert.rejects(
    () => m.loadWeights('w.weights.h5', { skipMismatch: true } as never),
    /loadWeights takes one argument/,
  );
  await assert.rejects(() => m.saveWeights('w.weights.h5', {} as never), /saveWeights takes one argument/);
  await assert.rejects(() => m.save('m.keras', { overwrite: true } as never), /save takes one argument/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { Input, Model, layers, loadModel, losses, optimizers } from '../src/index.js';
import { pythonFloat } from '../src/saving/python_json.js';
import { FIXTURES } from './helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-json-'));
const configText = (path: string): string => strFromU8(unzipSync(new Uint8Array(readFileSync(path)))['config.json']);

/**
 * JSON text with every number turned into a string that says how it was written, `F:` for a
 * float (a decimal point or an exponent) and `I:` for an int, so two files can be compared by type.
 * Only numbers after `: `, `[` or `, ` are numbers; the fixtures' strings hold none in that position.
 */
function typedNumbers(text: string): unknown {
  return JSON.parse(
    text.replace(/(?<=: |\[|, )(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=[,\]}])/g, (n) =>
      /[.eE]/.test(n) ? `"F:${n}"` : `"I:${n}"`,
    ),
  );
}

/** Every place in `ours` holding a number whose kind (float or int) differs from `theirs` at the same path. */
function kindMismatches(ours: unknown, theirs: unknown, path = ''): string[] {
  if (typeof ours === 'string' && typeof theirs === 'string' && /^[FI]:/.test(ours) && /^[FI]:/.test(theirs))
    return ours[0] === theirs[0] ? [] : [`${path}: ours ${ours}, Keras ${theirs}`];
  if (ours && theirs && typeof ours === 'object' && typeof theirs === 'object') {
    const t = theirs as Record<string, unknown>;
    return Object.entries(ours as Record<string, unknown>).flatMap(([k, v]) =>
      k in t ? kindMismatches(v, t[k], `${path}/${k}`) : [],
    );
  }
  return [];
}

test("pythonFloat writes a float as Python's repr does", () => {
  const cases: [number, string][] = [
    [0, '0.0'],
    [-0, '-0.0'],
    [1, '1.0'],
    [10, '10.0'],
    [0.25, '0.25'],
    [1e-7, '1e-07'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [0.001, '0.001'],
    [123456.5, '123456.5'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [1e15, '1000000000000000.0'],
    [0.009999999776482582, '0.009999999776482582'],
    [-2.5e-10, '-2.5e-10'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloat(x), want, String(x));
});

test('config.json writes each float Keras types as float with a decimal point: SGD momentum 0.0, losses, schedules, layers', async () => {
  const x = Input({ shape: [5, 3], name: 'x' });
  let h = new layers.Masking({ maskValue: 0 }).apply(x);
  h = new layers.LSTM(4, { dropout: 0, recurrentDropout: 0 }).apply(h);
  h = new layers.BatchNormalization({ momentum: 1, epsilon: 1 }).apply(h);
  h = new layers.LayerNormalization({ epsilon: 1 }).apply(h);
  h = new layers.Dropout(0).apply(h);
  const a = new layers.Dense(2, { name: 'a' }).apply(h);
  const b = new layers.Dense(3, { name: 'b', activation: 'softmax' }).apply(h);
  const model = new Model(x, [a, b]);
  model.compile({
    optimizer: new optimizers.SGD({
      learningRate: new optimizers.schedules.ExponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 1 }),
    }),
    loss: { a: new losses.Huber({ delta: 1 }), b: new losses.CategoricalCrossentropy() },
    lossWeights: { a: 1, b: 2 },
  });
  const path = join(dir, 'floats.keras');
  await model.save(path);
  const text = configText(path);
  for (const field of [
    '"momentum": 0.0',
    '"initial_learning_rate": 1.0',
    '"decay_rate": 1.0',
    '"decay_steps": 10,',
    '"delta": 1.0',
    '"label_smoothing": 0.0',
    '"axis": -1',
    '"mask_value": 0.0',
    '"dropout": 0.0',
    '"recurrent_dropout": 0.0',
    '"momentum": 1.0',
    '"epsilon": 1.0',
    '"rate": 0.0',
    '"loss_weights": {"a": 1.0, "b": 2.0}',
    '"units": 4,',
  ])
    assert.ok(text.includes(field), `config.json has ${field}`);
  // Adam's and the rest's hyperparameters, with a constant rate.
  model.compile({ optimizer: new optimizers.Adam({ learningRate: 1, beta1: 0, epsilon: 1 }), loss: 'mse' });
  await model.save(path);
  const adam = configText(path);
  for (const field of ['"learning_rate": 1.0', '"beta_1": 0.0', '"beta_2": 0.999', '"epsilon": 1.0'])
    assert.ok(adam.includes(field), `config.json has ${field}`);
  // Python's separators, as json.dumps writes them, and the values read back the same.
  assert.ok(text.startsWith('{"module": "keras.src.models.functional", "class_name": "Functional", "config": {'));
  const again = await loadModel(path);
  assert.equal((again.optimizer as optimizers.Adam).beta1, 0);
});

for (const folder of [
  'mlp',
  'qa',
  'social',
  'inception',
  'residual',
  'siamese',
  'dual_camera',
  'masked_bidirectional',
  'regularized',
]) {
  test(`${folder}: every number Keras wrote as a float, Dendrite writes as a float (and ints as ints)`, async () => {
    const theirs = readFileSync(join(FIXTURES, folder, 'model.keras'));
    const path = join(dir, `${folder}.keras`);
    await (await loadModel(new Uint8Array(theirs))).save(path);
    const ours = typedNumbers(configText(path)) as Record<string, unknown>;
    const keras = typedNumbers(configText(join(FIXTURES, folder, 'model.keras'))) as Record<string, unknown>;
    assert.deepEqual(kindMismatches(ours, keras), []);
    // The comparison saw the floats: the optimizer's, at least.
    assert.match(JSON.stringify(ours), /"rho":"F:0\.9"/);
  });
}

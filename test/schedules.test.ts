import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Input, Model, layers, loadModel, optimizers, random, setSeed } from '../src/index.js';
import { readHdf5, writeHdf5 } from '../src/saving/hdf5.js';
import { FIXTURES } from './helpers/fixtures.js';
import { fixtureData } from './helpers/parity.js';

const { schedules } = optimizers;
const dir = mkdtempSync(join(tmpdir(), 'dendrite-schedules-'));

interface ScheduleRow {
  class_name: string;
  config: Record<string, unknown>;
  steps: number[];
  values: number[];
}
const ROWS = (JSON.parse(readFileSync(join(FIXTURES, 'tables.json'), 'utf8')) as { schedules: ScheduleRow[] })
  .schedules;

/** A schedule built from a Keras config, through the constructor users call. */
function build(row: ScheduleRow): optimizers.schedules.LearningRateSchedule {
  const c = row.config;
  switch (row.class_name) {
    case 'ExponentialDecay':
      return new schedules.ExponentialDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        decayRate: c.decay_rate as number,
        staircase: c.staircase as boolean,
      });
    case 'PiecewiseConstantDecay':
      return new schedules.PiecewiseConstantDecay({
        boundaries: c.boundaries as number[],
        values: c.values as number[],
      });
    case 'PolynomialDecay':
      return new schedules.PolynomialDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        endLearningRate: c.end_learning_rate as number,
        power: c.power as number,
      });
    case 'InverseTimeDecay':
      return new schedules.InverseTimeDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        decayRate: c.decay_rate as number,
      });
    case 'CosineDecay':
      return new schedules.CosineDecay({
        initialLearningRate: c.initial_learning_rate as number,
        decaySteps: c.decay_steps as number,
        alpha: c.alpha as number,
        warmupTarget: c.warmup_target as number,
        warmupSteps: c.warmup_steps as number,
      });
    case 'CosineDecayRestarts':
      return new schedules.CosineDecayRestarts({
        initialLearningRate: c.initial_learning_rate as number,
        firstDecaySteps: c.first_decay_steps as number,
        tMul: c.t_mul as number,
        mMul: c.m_mul as number,
        alpha: c.alpha as number,
      });
    default:
      throw new Error(`no schedule ${row.class_name}`);
  }
}

test("all six of Keras's schedules give Keras's rates (tables.json) within 1e-6 relative", () => {
  assert.deepEqual(
    ROWS.map((r) => r.class_name),
    [
      'ExponentialDecay',
      'PiecewiseConstantDecay',
      'PolynomialDecay',
      'InverseTimeDecay',
      'CosineDecay',
      'CosineDecayRestarts',
    ],
  );
  for (const row of ROWS) {
    const schedule = build(row);
    assert.equal(schedule.className, row.class_name);
    row.steps.forEach((step, i) => {
      const got = schedule.call(step);
      const err = Math.abs(got - row.values[i]) / Math.abs(row.values[i]);
      assert.ok(err <= 1e-6, `${row.class_name} at step ${step}: ${got}, Keras ${row.values[i]}`);
    });
  }
});

test('schedule options are checked: what is wrong and what is expected', () => {
  assert.throws(
    () => new schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }),
    /ExponentialDecay: decaySteps must be positive, got 0/,
  );
  assert.throws(
    () => new schedules.PiecewiseConstantDecay({ boundaries: [5, 3], values: [1, 2, 3] }),
    /boundaries must increase strictly/,
  );
  assert.throws(
    () => new schedules.PiecewiseConstantDecay({ boundaries: [5], values: [1] }),
    /values needs one more entry than boundaries; got 1 boundaries and 1 values/,
  );
  const missing = { initialLearningRate: 0.1 } as unknown as optimizers.schedules.CosineDecayArgs;
  assert.throws(() => new schedules.CosineDecay(missing), /CosineDecay: decaySteps is required/);
  const typo = {
    initialLearningRate: 0.1,
    firstDecaySteps: 5,
    tmul: 2,
  } as unknown as optimizers.schedules.CosineDecayRestartsArgs;
  assert.throws(() => new schedules.CosineDecayRestarts(typo), /got an unexpected option 'tmul'/);
  const text = { initialLearningRate: '0.1', decaySteps: 10 } as unknown as optimizers.schedules.PolynomialDecayArgs;
  assert.throws(
    () => new schedules.PolynomialDecay(text),
    /initialLearningRate must be a finite number, got the string "0.1"/,
  );
  const bad = { learningRate: 'fast' } as unknown as optimizers.SGDArgs;
  assert.throws(() => new optimizers.SGD(bad), /SGD: learningRate must be a finite number, a LearningRateSchedule/);
});

function scheduleModel(schedule: optimizers.schedules.LearningRateSchedule): Model {
  setSeed(81);
  const input = Input({ shape: [4] });
  const model = new Model(input, new layers.Dense(2).apply(new layers.Dense(6, { activation: 'tanh' }).apply(input)));
  model.compile({ optimizer: new optimizers.Adam({ learningRate: schedule }), loss: 'mse' });
  return model;
}

test("a model compiled with a schedule saves it in Keras's form, without a rate variable, and resumes on it", async () => {
  for (const row of ROWS) {
    const schedule = build(row);
    const model = scheduleModel(schedule);
    const x = random.uniform([16, 4]);
    const y = random.uniform([16, 2]);
    for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
    const path = join(dir, `${row.class_name}.keras`);
    await model.save(path);
    const archive = unzipSync(new Uint8Array(readFileSync(path)));
    const config = JSON.parse(strFromU8(archive['config.json'])) as {
      compile_config: { optimizer: { config: { learning_rate: unknown } } };
    };
    const lr = config.compile_config.optimizer.config.learning_rate as Record<string, unknown>;
    assert.deepEqual(Object.keys(lr), ['module', 'class_name', 'config', 'registered_name']);
    assert.equal(lr.module, 'keras.optimizers.schedules');
    assert.equal(lr.class_name, row.class_name);
    assert.equal(lr.registered_name, null);
    // Keras's config keys, each with the value Keras wrote for this schedule.
    for (const [k, v] of Object.entries(row.config)) assert.deepEqual((lr.config as Record<string, unknown>)[k], v, k);
    // Keras keeps a schedule out of the optimizer's variables: iterations, then Adam's 2 moments per weight.
    const vars = (await readHdf5(archive['model.weights.h5'], 'saved')).groups.get('optimizer')!.groups.get('vars')!;
    assert.equal(vars.arrays.size, 1 + 2 * model.trainableWeights.length);

    const again = await loadModel(path);
    const opt = again.optimizer!;
    assert.ok(opt.schedule instanceof schedules.LearningRateSchedule);
    assert.equal(opt.schedule.className, row.class_name);
    assert.deepEqual(opt.schedule.getConfig(), schedule.getConfig());
    assert.equal(opt.iterations, 3);
    assert.equal(opt.learningRate, schedule.call(3));
    for (let i = 0; i < 2; i++) {
      await model.trainOnBatch(x, y);
      await again.trainOnBatch(x, y);
    }
    again.weights.forEach((w, i) =>
      assert.deepEqual(w.value.values, model.weights[i].value.values, `${row.class_name}: ${w.path}`),
    );
  }
});

test('a .keras file Keras wrote with a schedule loads with it, and its optimizer state', async () => {
  // The mlp fixture, as Keras writes it when RMSprop follows a schedule: learning_rate is the
  // schedule's config and optimizer/vars has no rate (iterations, then the velocities).
  const archive = unzipSync(new Uint8Array(readFileSync(join(FIXTURES, 'mlp', 'model.keras'))));
  const config = JSON.parse(strFromU8(archive['config.json'])) as {
    compile_config: { optimizer: { config: Record<string, unknown> } };
  };
  const row = ROWS.find((r) => r.class_name === 'CosineDecayRestarts')!;
  config.compile_config.optimizer.config.learning_rate = {
    module: 'keras.optimizers.schedules',
    class_name: row.class_name,
    config: { ...row.config, name: 'SGDRDecay' },
    registered_name: null,
  };
  const tree = await readHdf5(archive['model.weights.h5'], 'mlp');
  const vars = tree.groups.get('optimizer')!.groups.get('vars')!;
  const kept = [...vars.arrays.entries()].filter(([k]) => k !== '1').map(([, a]) => a);
  vars.arrays = new Map(kept.map((a, i) => [String(i), a]));
  const edited = zipSync({
    ...archive,
    'config.json': strToU8(JSON.stringify(config)),
    'model.weights.h5': await writeHdf5(tree),
  });
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (m: unknown) => warnings.push(m);
  let model: Model;
  try {
    model = await loadModel(edited);
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
  const opt = model.optimizer as optimizers.RMSprop;
  assert.ok(opt.schedule instanceof schedules.CosineDecayRestarts);
  assert.equal(opt.schedule.name, 'SGDRDecay');
  assert.equal(opt.iterations, 1);
  assert.equal(opt.kerasState(model.trainableWeights).slots.length, model.trainableWeights.length);
  const { xs, ys } = fixtureData('mlp');
  await model.trainOnBatch(xs, ys);
  assert.equal(opt.iterations, 2);

  // A schedule Dendrite does not have is refused by name, and loads with { compile: false }.
  config.compile_config.optimizer.config.learning_rate = {
    module: null,
    class_name: 'MySchedule',
    config: {},
    registered_name: 'my_package>MySchedule',
  };
  const custom = zipSync({ ...archive, 'config.json': strToU8(JSON.stringify(config)) });
  await assert.rejects(
    loadModel(custom),
    /cannot restore the compile settings .*learning-rate schedule my_package>MySchedule is not one Dendrite has .*\{ compile: false \}/,
  );
  assert.equal((await loadModel(custom, { compile: false })).optimizer, undefined);
});

test('a plain function of the step still trains; the file keeps its current rate, as before', async () => {
  const model = scheduleModel(
    new schedules.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }),
  );
  model.compile({ optimizer: new optimizers.SGD({ learningRate: (step: number) => 0.1 / (1 + step) }), loss: 'mse' });
  await model.trainOnBatch(random.uniform([4, 4]), random.uniform([4, 2]));
  await model.save(join(dir, 'fn.keras'));
  const again = await loadModel(join(dir, 'fn.keras'));
  assert.equal(again.optimizer!.schedule, null);
  assert.equal(again.optimizer!.learningRate, 0.05);
});

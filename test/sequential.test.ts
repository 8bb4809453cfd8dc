import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input,
  InputLayer,
  Model,
  Sequential,
  layers,
  loadModel,
  random,
  setSeed,
  type KerasTensor,
} from '../src/index.js';

test('Sequential.layers leaves out the input layer, however the input was given, as Keras 3 does', () => {
  const byShape = new Sequential([new layers.Dense(3, { inputShape: [4] }), new layers.Dense(1)]);
  const byInput = new Sequential([Input({ shape: [4] }), new layers.Dense(3), new layers.Dense(1)]);
  const byLayer = new Sequential([new InputLayer({ shape: [4] }), new layers.Dense(3), new layers.Dense(1)]);
  for (const model of [byShape, byInput, byLayer]) {
    assert.deepEqual(
      model.layers.map((l) => l.className),
      ['Dense', 'Dense'],
    );
    assert.equal(model.inputLayer?.className, 'InputLayer');
    assert.deepEqual(model.outputs[0].shape, [null, 1]);
  }
});

test('an unbuilt Sequential called on a tensor builds from it, eagerly and symbolically', () => {
  setSeed(1);
  const eager = new Sequential([new layers.Dense(3), new layers.Dense(2)]);
  const y = eager.apply(random.uniform([5, 4]));
  assert.deepEqual(y.shape, [5, 2]);
  assert.ok(eager.built);
  assert.equal(eager.countParams(), 4 * 3 + 3 + 3 * 2 + 2);

  const symbolic = new Sequential([new layers.Dense(3), new layers.Dense(2)]);
  const x = Input({ shape: [4] });
  const model = new Model(x, symbolic.apply(x));
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  assert.deepEqual(model.predict(random.uniform([2, 4])).shape, [2, 2]);
});

test('a Sequential whose first layer is a built model takes its input from it', () => {
  const x = Input({ shape: [6] });
  const base = new Model(x, new layers.Dense(4).apply(x));
  const stacked = new Sequential([base, new layers.Dense(1)]);
  assert.ok(stacked.built);
  const lines: string[] = [];
  stacked.summary({ printFn: (l) => lines.push(l) });
  assert.ok(lines.some((l) => /\(Functional\)\s+\(None, 4\)\s+28/.test(l)));
  assert.ok(lines.some((l) => /Total params: 33/.test(l)));
});

test('Sequential refuses what it cannot stack, and changes nothing when it does', () => {
  const seq = new Sequential([new layers.Dense(3, { inputShape: [4] })]);
  assert.throws(
    () => seq.add('dense' as unknown as KerasTensor),
    /Sequential.add expects a layer or an Input\(\), got the string "dense"/,
  );
  assert.throws(() => seq.add(seq), /cannot be added to itself/);
  assert.throws(() => seq.add(Input({ shape: [4] })), /an input can only be added first/);
  assert.throws(() => seq.add(new layers.Conv2D(2, 3)), /Conv2D/);
  assert.equal(seq.layers.length, 1);
  assert.deepEqual(seq.outputs[0].shape, [null, 3]);
  assert.throws(() => new Sequential([], { nmae: 'x' } as never), /Sequential got an unexpected option 'nmae'/);
  assert.throws(() => new Sequential(new layers.Dense(1) as never), /Sequential expects a list of layers/);
});

test('a Sequential started with Input() saves with its InputLayer first and loads back', async () => {
  const seq = new Sequential([Input({ shape: [4], name: 'features' }), new layers.Dense(2)]);
  const again = await loadModel(await saveToBytes(seq));
  assert.equal(again.className, 'Sequential');
  assert.deepEqual(
    again.layers.map((l) => l.className),
    ['Dense'],
  );
  assert.deepEqual(again.getWeights()[0].arraySync(), seq.getWeights()[0].arraySync());
});

async function saveToBytes(model: Sequential): Promise<Uint8Array> {
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'dendrite-seq-')), 'seq.keras');
  await model.save(path);
  return readFileSync(path);
}

test('models nested past the limit are refused clearly, not with a stack overflow', () => {
  let m = new Sequential([new layers.Dense(2, { inputShape: [2] })]);
  assert.throws(() => {
    for (let i = 0; i < 3000; i++) m = new Sequential([m]);
  }, /would nest 501 models inside one another; at most 500 are supported/);
  assert.deepEqual(m.predict(random.uniform([1, 2])).shape, [1, 2]);
});

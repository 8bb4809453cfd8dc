import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Input, Model, Tensor, layers, loadModel, setSeed, tensor } from '../src/index.js';
import * as ops from '../src/ops/index.js';
import { layerFromKeras, layerToKeras } from '../src/layers/keras_config.js';
import { FIXTURES, fixtureArray, maxRelativeError } from './helpers/fixtures.js';
import { checkParity, fixtureData } from './helpers/parity.js';

const FOLDER = 'masked_bidirectional';
const dir = mkdtempSync(join(tmpdir(), 'dendrite-masking-'));

interface Entry {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[];
}
type Archive = Record<string, Uint8Array>;

function fixtureArchive(): Archive {
  return unzipSync(new Uint8Array(readFileSync(join(FIXTURES, FOLDER, 'model.keras'))));
}

function configOf(archive: Archive): { config: { layers: Entry[] } } {
  return JSON.parse(strFromU8(archive['config.json'])) as { config: { layers: Entry[] } };
}

/** The fixture's file with its config.json edited. */
function editedFixture(edit: (layers: Entry[]) => void): Uint8Array {
  const archive = fixtureArchive();
  const config = configOf(archive);
  edit(config.config.layers);
  return zipSync({ ...archive, 'config.json': strToU8(JSON.stringify(config)) });
}

const entry = (ls: Entry[], name: string): Entry => ls.find((l) => l.name === name)!;

/** The fixture's architecture built through the API, where masks flow implicitly. */
function fixtureModelFromApi(): Model {
  const tokens = Input({ shape: [8], dtype: 'int32', name: 'tokens' });
  const signal = Input({ shape: [8, 3], name: 'signal' });
  const a = new layers.Bidirectional(new layers.LSTM(5)).apply(
    new layers.Embedding(40, 6, { maskZero: true }).apply(tokens),
  );
  const b = new layers.GRU(4).apply(new layers.Masking().apply(signal));
  const out = new layers.Dense(1, { activation: 'sigmoid' }).apply(layers.concatenate([a, b]));
  return new Model([tokens, signal], out);
}

test("Keras 3's masked model loads: its NotEqual and Any nodes compute the masks it passes to Bidirectional and GRU", async () => {
  const model = await loadModel(join(FIXTURES, FOLDER, 'model.keras'));
  const byName = (n: string) => model.getLayer(n);
  assert.equal(byName('not_equal').className, 'NotEqual');
  assert.equal(byName('any').className, 'Any');
  assert.equal(byName('masking').className, 'Masking');
  // The masks are the op nodes' outputs, passed explicitly as Keras's `layer(x, mask=m)`.
  const bi = byName('bidirectional').inboundNodes[0];
  assert.equal(bi.masks?.[0]?.sourceLayer.name, 'not_equal');
  const gru = byName('gru').inboundNodes[0];
  assert.equal(gru.masks?.[0]?.sourceLayer.name, 'any');
  assert.equal(gru.masks?.[0]?.dtype, 'bool');
  assert.deepEqual(gru.masks?.[0]?.shape, [null, 8]);
  // The summary lists a call's masks among its connections, as Keras 3's does.
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  const row = lines.findIndex((l) => l.startsWith('gru (GRU)'));
  assert.match(lines[row], /masking\[0\]\[0\]/);
  assert.match(lines[row + 1], /^\s+any\[0\]\[0\]/);
  // Operations are not layers of the weights file: Keras writes no group for them.
  assert.deepEqual(model.weights.length, 12);
});

test("masked_bidirectional loaded from Keras's file: predictions, loss, gradients and one RMSprop step match Keras", async () => {
  await checkParity(FOLDER, await loadModel(join(FIXTURES, FOLDER, 'model.keras')));
});

test('masked_bidirectional built through the API, masks flowing implicitly, matches Keras too', async () => {
  await checkParity(FOLDER, fixtureModelFromApi());
});

test("the loaded model uses the file's explicit masks, not masks its layers would make", async () => {
  const { xs } = fixtureData(FOLDER);
  const want = fixtureArray(FOLDER, 'pred0.npy');
  // Without mask_zero the Embedding makes no mask: Keras still masks, through the NotEqual node.
  const noImplicit = await loadModel(
    editedFixture((ls) => {
      entry(ls, 'embedding_2').config.mask_zero = false;
    }),
  );
  assert.ok(maxRelativeError(noImplicit.predict(xs) as Tensor, want) <= 1e-5);
  // And with the explicit mask kwargs dropped, as Dendrite writes its own models, the implicit
  // masks of Embedding and Masking give the same result.
  const implicit = await loadModel(
    editedFixture((ls) => {
      for (const l of ls) for (const n of l.inbound_nodes) delete n.kwargs.mask;
    }),
  );
  assert.ok(maxRelativeError(implicit.predict(xs) as Tensor, want) <= 1e-5);
  assert.equal(implicit.getLayer('gru').inboundNodes[0].masks, null);
});

test('saving a loaded masked model writes the op nodes and mask kwargs back as Keras wrote them', async () => {
  const original = await loadModel(join(FIXTURES, FOLDER, 'model.keras'));
  const path = join(dir, 'masked.keras');
  await original.save(path);
  const ours = configOf(unzipSync(new Uint8Array(readFileSync(path)))).config.layers;
  const theirs = configOf(fixtureArchive()).config.layers;
  const opEntry = (ls: Entry[], n: string) => {
    const { module, class_name, config, registered_name } = entry(ls, n) as Entry & Record<string, unknown>;
    return { module, class_name, config, registered_name, args: entry(ls, n).inbound_nodes[0].args };
  };
  for (const n of ['not_equal', 'not_equal_1', 'any']) assert.deepEqual(opEntry(ours, n), opEntry(theirs, n), n);
  for (const n of ['bidirectional', 'gru']) {
    assert.deepEqual(entry(ours, n).inbound_nodes[0].kwargs.mask, entry(theirs, n).inbound_nodes[0].kwargs.mask, n);
  }
  const again = await loadModel(path);
  const { xs } = fixtureData(FOLDER);
  assert.deepEqual(
    Array.from((again.predict(xs) as Tensor).values),
    Array.from((original.predict(xs) as Tensor).values),
  );
});

test('an operation Dendrite does not know fails to load with its class named', async () => {
  const file = editedFixture((ls) => {
    entry(ls, 'any').class_name = 'Cumsum';
  });
  await assert.rejects(loadModel(file), /'any' .*Cumsum.*keras\.src\.ops\.numpy/);
  const twoTensors = editedFixture((ls) => {
    const n = entry(ls, 'not_equal').inbound_nodes[0];
    n.args = [n.args[0], n.args[0]];
  });
  await assert.rejects(loadModel(twoTensors), /not_equal.*compares a tensor with a number/);
});

test('Masking: zeroes fully masked steps, masks them, validates its options, and round-trips its config', () => {
  const masking = new layers.Masking({ maskValue: 2 });
  const x = tensor([
    [
      [2, 2],
      [1, 2],
      [2, 2],
    ],
  ]);
  assert.deepEqual(Array.from(masking.apply(x).values), [0, 0, 1, 2, 0, 0]);
  const mask = masking.computeMask([x], [null]);
  assert.deepEqual(Array.from(mask![0]!.values), [0, 1, 0]);
  assert.equal(mask![0]!.dtype, 'bool');
  assert.deepEqual(masking.apply(Input({ shape: [null, 2] })).shape, [null, null, 2]);
  assert.equal(new layers.Masking().maskValue, 0);
  assert.throws(
    () => new layers.Masking({ maskValue: 0, units: 3 } as never),
    /Masking got an unexpected option 'units'/,
  );
  assert.throws(
    () => new layers.Masking({ maskValue: '0' as never }),
    /Masking: maskValue must be a finite number, got "0"/,
  );
  assert.throws(() => new layers.Masking({ maskValue: Number.NaN }), /finite number, got NaN/);
  assert.throws(
    () => new layers.Masking().apply(Input({ shape: [] })),
    /Masking layer 'masking_\d+' expects .*got shape \(None,\)/,
  );

  const { className, config } = layers.serializeLayer(masking);
  assert.equal(className, 'Masking');
  assert.equal(config.maskValue, 2);
  assert.deepEqual(layers.deserializeLayer(className, config).getConfig(), config);
  const keras = layerToKeras(masking);
  assert.equal(keras.config.mask_value, 2);
  const again = layerFromKeras(keras);
  assert.ok(again instanceof layers.Masking);
  assert.equal(again.maskValue, 2);
  assert.equal(again.name, masking.name);
});

test('Masking → GRU built through the API: masked steps are skipped, and the model saves and loads', async () => {
  setSeed(81);
  const signal = Input({ shape: [5, 3], name: 'signal' });
  const gru = new layers.GRU(4);
  const model = new Model(signal, gru.apply(new layers.Masking().apply(signal)));
  // Two real steps, then padding: the same as running the GRU on the two real steps alone.
  const real = [
    [0.5, -1, 2],
    [1, 0.25, -0.5],
  ];
  const padded = tensor([[...real, [0, 0, 0], [0, 0, 0], [0, 0, 0]]]);
  const got = model.predict(padded);
  const alone = gru.apply(tensor([real]));
  assert.ok(maxRelativeError(got, alone) <= 1e-6, 'padding changes nothing');

  const path = join(dir, 'masking_gru.keras');
  await model.save(path);
  const written = configOf(unzipSync(new Uint8Array(readFileSync(path)))).config.layers;
  // Dendrite writes no explicit masks: Keras recomputes them from the Masking layer on loading.
  assert.deepEqual(
    written.map((l) => l.class_name),
    ['InputLayer', 'Masking', 'GRU'],
  );
  assert.deepEqual(entry(written, gru.name).inbound_nodes[0].kwargs, {});
  assert.deepEqual(entry(written, written[1].name).config.mask_value, 0);
  const again = await loadModel(path);
  assert.deepEqual(Array.from((again.predict(padded) as Tensor).values), Array.from(got.values));
});

test('a call explicitly given no mask ignores the mask of its input, and saves and loads that way', async () => {
  setSeed(82);
  const signal = Input({ shape: [4, 2] });
  const masked = new layers.Masking().apply(signal);
  const model = new Model(signal, new layers.SimpleRNN(3).apply(masked, { mask: [null] }));
  const x = tensor([
    [
      [1, 2],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
  ]);
  const path = join(dir, 'no_mask.keras');
  await model.save(path);
  const written = configOf(unzipSync(new Uint8Array(readFileSync(path)))).config.layers;
  // `mask: null` would mean "the input's own mask" to Keras.
  assert.deepEqual(written[2].inbound_nodes[0].kwargs, { mask: [null] });
  const again = await loadModel(path);
  assert.deepEqual(Array.from((again.predict(x) as Tensor).values), Array.from(model.predict(x).values));
  const implicit = new Model(signal, new layers.SimpleRNN(3).apply(masked));
  implicit.setWeights(model.getWeights());
  const [withMask, without] = [implicit.predict(x).values, model.predict(x).values];
  assert.notDeepEqual(Array.from(withMask), Array.from(without), 'the padding runs through the RNN');
});

test('any: whether some element over the axes is nonzero, as a bool tensor', () => {
  const x = new Tensor(new Uint8Array([0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0]), [2, 3, 2], 'bool');
  assert.deepEqual(Array.from(ops.any(x, -1).values), [0, 1, 0, 1, 1, 0]);
  assert.deepEqual(ops.any(x, -1, true).shape, [2, 3, 1]);
  assert.deepEqual(Array.from(ops.any(x, [0, 2]).values), [1, 1, 0]);
  assert.deepEqual(Array.from(ops.any(tensor([[0, -0.5, Number.NaN]]), 0).values), [0, 1, 1]);
  assert.equal(ops.any(x).values[0], 1);
  assert.equal(ops.any(x).dtype, 'bool');
});

test('an explicit mask given to apply must be a bool tensor shaped like the leading axes of its input', () => {
  const x = Input({ shape: [4, 3] });
  const gru = new layers.GRU(2);
  assert.throws(() => gru.apply(x, { mask: x }), /GRU layer 'gru_\d+' got a float32 mask; masks are bool tensors/);
  assert.throws(() => gru.apply(x, { mask: [null, null] }), /GRU layer 'gru_\d+' got 2 masks for 1 input/);
  // Eager calls take a mask too, as Keras's layer(x, mask=m).
  const data = tensor([
    [
      [1, 2, 3],
      [0, 0, 0],
    ],
  ]);
  const m = new Tensor(new Uint8Array([1, 0]), [1, 2], 'bool');
  const masked = gru.apply(data, { mask: m });
  const first = gru.apply(tensor([[[1, 2, 3]]]));
  assert.ok(maxRelativeError(masked, first) <= 1e-6);
  assert.throws(
    () => gru.apply(data, { mask: new Tensor(new Uint8Array([1, 0, 1]), [1, 3], 'bool') }),
    /mask of shape \(1, 3\) does not match the leading axes of its input \(1, 2, 3\)/,
  );
  assert.throws(() => gru.apply(data, { traning: true } as never), /apply got an unexpected option 'traning'/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { Input, Model, layers, loadModel, zeros } from '../src/index.js';
import { FIXTURES, fixtureArray, maxAbsError } from './helpers/fixtures.js';
import { fixtureData } from './helpers/parity.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-files-'));
const mlpFile = join(FIXTURES, 'mlp', 'model.keras');

/** The mlp fixture's architecture, built in TypeScript with fresh weights. */
function mlp(): Model {
  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(32, { activation: 'relu' }).apply(x);
  return new Model(input, new layers.Dense(10, { activation: 'softmax' }).apply(x));
}

/** Everything written to stderr while `fn` runs (console.error included), with the result or error. */
async function stderrOf(fn: () => Promise<unknown>): Promise<{ text: string; error: unknown }> {
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stderr.write;
  let error: unknown = null;
  try {
    await fn();
  } catch (e) {
    error = e;
  } finally {
    process.stderr.write = write;
  }
  return { text: chunks.join(''), error };
}

test("loadWeights takes a .keras file, by path or bytes, as Keras's load_weights does", async () => {
  const { manifest: m } = fixtureData('mlp');
  const check = (model: Model): void =>
    m.weights.forEach((w, i) => assert.equal(maxAbsError(model.weights[i].value, fixtureArray('mlp', w.file)), 0));
  const byPath = mlp();
  await byPath.loadWeights(mlpFile);
  check(byPath);
  const byBytes = mlp();
  await byBytes.loadWeights(new Uint8Array(readFileSync(mlpFile)));
  check(byBytes);
  const buffer = readFileSync(mlpFile);
  const byBuffer = mlp();
  await byBuffer.loadWeights(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
  check(byBuffer);
});

test('no HDF5 diagnostics reach stderr: failing and succeeding loads, saves; the error says why instead', async () => {
  const model = mlp();
  const notHdf5 = join(dir, 'not.weights.h5');
  writeFileSync(notHdf5, 'this is not an HDF5 file at all');
  // HDF5's signature, then garbage: the library itself has to fail on it.
  const broken = join(dir, 'broken.weights.h5');
  writeFileSync(
    broken,
    Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 7)]),
  );
  const runs: [string, () => Promise<unknown>, RegExp | null][] = [
    ['a .keras file', () => model.loadWeights(mlpFile), null],
    [
      'a text file',
      () => model.loadWeights(notHdf5),
      /is neither a \.weights\.h5 file \(HDF5\) nor a \.keras file \(zip\)/,
    ],
    [
      'a broken HDF5 file',
      () => model.loadWeights(broken),
      /broken\.weights\.h5' is not a readable HDF5 file: .*\(.+\)/,
    ],
    ['a model', () => loadModel(mlpFile), null],
    ['a save', () => model.saveWeights(join(dir, 'ok.weights.h5')), null],
    [
      'a weights file as a model',
      () => loadModel(join(dir, 'ok.weights.h5')),
      /is a weights file \(HDF5\), not a \.keras model: build the model, then call model\.loadWeights/,
    ],
  ];
  for (const [what, run, fails] of runs) {
    const { text, error } = await stderrOf(run);
    assert.ok(!text.includes('HDF5-DIAG'), `${what}: stderr has HDF5's report:\n${text.slice(0, 300)}`);
    assert.equal(text, '', `${what}: stderr`);
    if (fails) {
      assert.ok(error instanceof Error, `${what} fails`);
      assert.match(error.message, fails);
      assert.ok(!error.message.includes('name not defined'), error.message);
    } else assert.equal(error, null, `${what}: ${String(error)}`);
  }
  // The failed loads changed nothing; the good one loaded the fixture's weights.
  const fresh = mlp();
  fresh.setWeights(fresh.getWeights().map((t) => zeros(t.shape)));
  await assert.rejects(fresh.loadWeights(broken));
  fresh.getWeights().forEach((t) => assert.ok(t.values.every((v) => v === 0)));
  // Thousands of failures leave the HDF5 library working (its memory is not corrupted).
  const bytes = new Uint8Array(readFileSync(broken));
  for (let i = 0; i < 2500; i++) await assert.rejects(fresh.loadWeights(bytes));
  const weights = unzipSync(new Uint8Array(readFileSync(mlpFile)))['model.weights.h5'];
  await fresh.loadWeights(weights);
  assert.ok(fresh.getWeights()[0].values.some((v) => v !== 0));
});

test('save, saveWeights, loadModel and loadWeights name what they expect when given no path or a wrong one', async () => {
  const model = mlp();
  const untyped = model as unknown as {
    save: (p?: unknown) => Promise<void>;
    saveWeights: (p?: unknown) => Promise<void>;
    loadWeights: (p?: unknown) => Promise<void>;
  };
  const load = loadModel as unknown as (p?: unknown, a?: unknown) => Promise<Model>;
  await assert.rejects(untyped.save(), {
    name: 'TypeError',
    message: /^model\.save expects the path of the file to write, ending in \.keras, got undefined\.$/,
  });
  await assert.rejects(untyped.save(42), /model\.save expects the path .* got number 42/);
  await assert.rejects(
    untyped.saveWeights(undefined),
    /model\.saveWeights expects the path of the file to write, ending in \.weights\.h5, got undefined/,
  );
  await assert.rejects(load(42), {
    name: 'TypeError',
    message: "loadModel expects a path or the file's bytes (Uint8Array/ArrayBuffer), got number 42.",
  });
  await assert.rejects(
    load(undefined),
    /loadModel expects a path or the file's bytes \(Uint8Array\/ArrayBuffer\), got undefined/,
  );
  await assert.rejects(load(''), /got an empty string/);
  await assert.rejects(load([1, 2]), /got an array of length 2/);
  await assert.rejects(untyped.loadWeights(null), /model\.loadWeights expects a path or the file's bytes .* got null/);
  await assert.rejects(
    load(mlpFile, { compile: 'yes' }),
    /loadModel: compile must be true or false, got the string "yes"/,
  );
  await assert.rejects(load(mlpFile, { compiled: false }), /loadModel got an unexpected option 'compiled'/);
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../src/index.js';
import { readHdf5, writeHdf5 } from '../src/saving/hdf5.js';
import {
  type RawEntry,
  bombEntry,
  kerasConfig,
  kerasFile,
  kerasParts,
  rawZip,
  stored,
  strToU8,
  withBigChunk,
  withHugeDataset,
  withLinkCycle,
} from './helpers/hostile_files.js';
import type { LoadCase } from './helpers/load_child.js';
import { runLoadCases } from './helpers/load_checks.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-hostile-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const GiB = 2 ** 30;

interface Hostile {
  name: string;
  kind: LoadCase['kind'];
  bytes: Uint8Array;
  /** The error expected, or null for a load that must succeed. */
  error: RegExp | null;
  options?: LoadCase['options'];
}

/** The mlp fixture's config.json, changed by `edit`. */
function mlpConfig(edit: (layers: Record<string, unknown>[]) => void): Uint8Array {
  const config = kerasConfig('mlp') as { config: { layers: Record<string, unknown>[] } };
  edit(config.config.layers);
  return strToU8(JSON.stringify(config));
}

async function hostileFiles(): Promise<Hostile[]> {
  const parts = kerasParts('mlp');
  const weights = parts['model.weights.h5'];
  const keras = (changes: Record<string, Uint8Array>, extra: RawEntry[] = []): Uint8Array =>
    kerasFile({ ...parts, ...changes }, extra);
  const cycle = await withLinkCycle(weights);
  const oneTooMany = await withHugeDataset(cycle, 'layers/dense/vars/2', 16);
  const unused = await withHugeDataset(weights, 'unused', GiB / 4);
  // The first kernel replaced by a dataset that declares 2^28 values: its shape is checked, it is never read.
  const tree = await readHdf5(weights, 'mlp');
  tree.groups.get('layers')!.groups.get('dense')!.groups.get('vars')!.arrays.delete('0');
  const hugeKernel = await withHugeDataset(await writeHdf5(tree), 'layers/dense/vars/0', GiB / 4);
  const bigChunk = await withBigChunk(weights, 2048);
  const huge = mlpConfig((layers) => {
    (layers[3].config as { units: number }).units = 5e8;
  });
  const wide = mlpConfig((layers) => {
    (layers[1].config as { units: number }).units = 5e6;
  });
  const deep = strToU8(`{"class_name": "Functional", "config": {"name": ${'['.repeat(5000)}${']'.repeat(5000)}}}`);
  const lambda = mlpConfig((layers) => {
    layers[2] = {
      module: 'keras.layers',
      class_name: 'Lambda',
      config: {
        name: 'dense_1',
        trainable: true,
        function: {
          class_name: '__lambda__',
          config: { code: '4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMIAAAAfABkARQAUwA=', defaults: null, closure: null },
        },
        output_shape: null,
        arguments: {},
      },
      registered_name: null,
      name: 'dense_1',
      inbound_nodes: layers[2].inbound_nodes,
    };
  });
  const damaged = keras({});
  const at = Buffer.from(damaged).indexOf('"class_name": "Functional"');
  damaged[at + 2] = 'C'.charCodeAt(0); // Class_name in config.json, its CRC unchanged
  return [
    { name: 'a hard link that loops, in .weights.h5', kind: 'loadWeights', bytes: cycle, error: null },
    {
      name: 'a hard link that loops, in .keras',
      kind: 'loadModel',
      bytes: keras({ 'model.weights.h5': cycle }),
      error: null,
    },
    {
      name: 'one dataset too many, and a loop (the model keeps its weights)',
      kind: 'loadWeights',
      bytes: oneTooMany,
      error: /layer 'dense_\d+' \(Dense\) has 2 weights, .* has 3 at layers\/dense\/vars/,
    },
    {
      name: 'a whole-tree read of a file with a loop',
      kind: 'readHdf5',
      bytes: cycle,
      error: /the group at \/layers\/dense\/loop is the one at \/layers \(a hard link\)/,
    },
    { name: 'an unused 1 GiB dataset, in .weights.h5', kind: 'loadWeights', bytes: unused, error: null },
    {
      name: 'an unused 1 GiB dataset, in .keras',
      kind: 'loadModel',
      bytes: keras({ 'model.weights.h5': unused }),
      error: null,
    },
    {
      name: 'a kernel declaring 2^28 values',
      kind: 'loadWeights',
      bytes: hugeKernel,
      error:
        /kernel of layer 'dense_\d+' \(Dense\) has shape \(64, 32\), .* has \(268435456,\) at layers\/dense\/vars\/0/,
    },
    {
      name: 'a 64 × 32 kernel compressed in one chunk of 2048 × 2048',
      kind: 'loadWeights',
      bytes: bigChunk,
      error:
        /dataset layers\/dense\/vars\/0, for dense_\d+\/kernel, is stored in chunks of shape \(2048, 2048\), larger than the data, of shape \(64, 32\)/,
    },
    {
      name: 'an unneeded 3 GiB zip bomb, loadModel',
      kind: 'loadModel',
      bytes: keras({}, [bombEntry('assets/bomb.bin', 3 * GiB)]),
      error: null,
    },
    {
      name: 'an unneeded 3 GiB zip bomb, loadWeights',
      kind: 'loadWeights',
      bytes: keras({}, [bombEntry('assets/bomb.bin', 3 * GiB)]),
      error: null,
    },
    {
      name: 'config.json inflating past the size it claims',
      kind: 'loadModel',
      bytes: kerasFile({ 'metadata.json': parts['metadata.json'], 'model.weights.h5': weights }, [
        { ...bombEntry('config.json', GiB), size: 5000 },
      ]),
      error: /entry config\.json inflates to more than the 5,000 bytes it claims/,
    },
    {
      name: 'config.json claiming 3 GiB',
      kind: 'loadModel',
      bytes: kerasFile({ 'metadata.json': parts['metadata.json'], 'model.weights.h5': weights }, [
        bombEntry('config.json', 3 * GiB),
      ]),
      error: /entry config\.json claims 3,221,225,472 bytes uncompressed, more than the 67,108,864 allowed/,
    },
    {
      name: 'model.weights.h5 as a 3 GiB zip bomb',
      kind: 'loadModel',
      bytes: kerasFile({ 'metadata.json': parts['metadata.json'], 'config.json': parts['config.json'] }, [
        bombEntry('model.weights.h5', 3 * GiB),
      ]),
      error:
        /entry model\.weights\.h5 claims 3,221,225,472 bytes uncompressed, more than the [\d,]+ allowed \(4 times its compressed size, plus 64 MiB; loadModel's maxParams option raises it\)/,
    },
    {
      name: 'a Dense of 500 million units',
      kind: 'loadModel',
      bytes: keras({ 'config.json': huge }),
      error:
        /model 'mlp' would hold more than 1,060,845 parameters \(one float32 for each 4 of the 49,076 bytes of its weights file, plus 1,048,576\): layer 'dense_2' asks for a weight 'kernel' of shape \(32, 500000000\) \(16,000,000,000 values\) after 3,136 values in the layers before it\. .*pass a larger maxParams/,
    },
    {
      name: 'a Dense of 5 million units (a 1.2 GiB kernel)',
      kind: 'loadModel',
      bytes: keras({ 'config.json': wide }),
      error:
        /would hold more than 1,060,845 parameters .*: layer 'dense' asks for a weight 'kernel' of shape \(64, 5000000\) \(320,000,000 values\) after 0 values/,
    },
    {
      name: 'a config nested 5000 deep',
      kind: 'loadModel',
      bytes: keras({ 'config.json': deep }),
      error: /config\.json nests objects and lists more than 100 deep \(at character \d+\)/,
    },
    {
      name: 'a Keras Lambda layer',
      kind: 'loadModel',
      bytes: keras({ 'config.json': lambda }),
      error: /Lambda layer in a saved model holds Python code, which Dendrite never runs/,
    },
    {
      name: 'a damaged entry',
      kind: 'loadModel',
      bytes: damaged,
      error: /entry config\.json fails its CRC-32 check: the file is damaged/,
    },
    {
      name: 'two config.json entries',
      kind: 'loadModel',
      bytes: keras({}, [stored('config.json', parts['config.json'])]),
      error: /entry config\.json appears more than once in the archive/,
    },
  ];
}

test('hostile files load correctly or fail clearly, in bounded time and memory: link cycles, huge datasets, zip bombs, huge configs', async () => {
  const files = await hostileFiles();
  const cases: LoadCase[] = files.map((f, i) => {
    const file = join(dir, `case${i}.${f.bytes[0] === 0x50 ? 'keras' : 'weights.h5'}`);
    writeFileSync(file, f.bytes);
    return { name: f.name, kind: f.kind, file, options: f.options };
  });
  const run = runLoadCases(cases, 30_000);
  files.forEach((f, i) => {
    const r = run.results[i];
    console.log(
      `  ${f.name} (${f.bytes.length.toLocaleString('en-US')} bytes): ${r.crashed ?? `${r.ok ? 'loaded' : 'refused'} in ${r.ms} ms, peak memory +${r.peakMiB - r.beforeMiB} MiB`}`,
    );
  });
  files.forEach((f, i) => {
    const r = run.results[i];
    if (f.error === null) assert.ok(r.ok, `${f.name}: ${r.error}`);
    else {
      assert.ok(!r.ok, `${f.name} must fail`);
      assert.match(r.error!, f.error, f.name);
      assert.ok(r.clear, `${f.name}: ${r.error}`);
      if (f.kind === 'loadWeights') assert.ok(r.unchanged, `${f.name}: the weights changed`);
    }
    assert.ok(r.ms < 10_000, `${f.name} took ${r.ms} ms`);
  });
  // Every file above is at most a few MiB: none may cost more than a few times that.
  const peak = Math.max(...run.results.map((r) => r.peakMiB));
  assert.ok(peak - run.idleMiB < 200, `peak memory ${peak} MiB, ${run.idleMiB} MiB before the first case`);
});

test('maxParams: a model of more parameters is refused before its weights exist; the option is checked', async () => {
  const file = kerasFile(kerasParts('mlp'));
  await assert.rejects(
    loadModel(file, { maxParams: 3000 }),
    /model 'mlp' would hold more than 3,000 parameters \(the maxParams given\): layer 'dense_1' asks for a weight 'kernel' of shape \(32, 32\) \(1,024 values\) after 2,080/,
  );
  const model = await loadModel(file, { maxParams: 3466 });
  assert.equal(model.countParams(), 3466);
  for (const bad of [0, -1, 1.5, Number.NaN, '10'])
    await assert.rejects(loadModel(file, { maxParams: bad as number }), {
      name: 'TypeError',
      message: /loadModel: maxParams must be a whole number above 0, got/,
    });
  // A weights entry that inflates more than 4 times is allowed as far as the maxParams given.
  const parts = kerasParts('mlp');
  const zeroed = rawZip([
    stored('metadata.json', parts['metadata.json']),
    stored('config.json', parts['config.json']),
    { ...bombEntry('model.weights.h5', 80 * 2 ** 20) },
  ]);
  await assert.rejects(
    loadModel(zeroed),
    /claims 83,886,080 bytes uncompressed, more than the [\d,]+ allowed \(4 times/,
  );
  await assert.rejects(loadModel(zeroed, { maxParams: 2 ** 20 }), /fails its CRC-32 check/);
});

// Fuzzes loadModel and loadWeights with mutated Keras fixtures: truncated, bit-flipped, fields
// set to huge values, bytes inserted, zip entries added, HDF5 links and datasets added. Each load
// must end in a correct model or an Error that says what is wrong, and a failed loadWeights must
// leave the weights as they were. Runs in its own process (see fuzz_loading.test.ts), so a hang or
// a crash is reported with the seed that replays it. Prints a JSON line before each case and one
// at the end.
//   node --max-old-space-size=256 --import tsx test/helpers/fuzz_loading_child.ts <seed> <runs>
import fc from 'fast-check';
import { loadModel, zeros } from '../../src/index.js';
import {
  bombEntry,
  strToU8,
  deflated,
  editHdf5,
  kerasFile,
  kerasParts,
  stored,
  withBigChunk,
  withHugeDataset,
  withLinkCycle,
} from './hostile_files.js';
import { mlpModel, snapshot, unclear } from './load_checks.js';

const [seed, numRuns] = process.argv.slice(2).map(Number);
const parts = kerasParts('mlp');
const weights = parts['model.weights.h5'];
const keras = kerasFile(parts);

/** One change to a file's bytes. */
type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'huge'; at: number; value: number; width: 2 | 4 | 8 }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'number'; at: number; value: number }
  | { kind: 'entry'; name: string; what: 'junk' | 'bomb' | 'copy' }
  | { kind: 'hdf5'; what: 'cycle' | 'huge-unused' | 'huge-needed' | 'soft-loop' | 'extra-dataset' | 'big-chunk' };

const position = fc.nat({ max: 1 << 20 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('number' as const),
    at: position,
    value: fc.constantFrom(5e8, 5e6, 65536, 1e300, -1, 0, 0.5, 2 ** 31, Number.MAX_SAFE_INTEGER),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('huge' as const),
    at: position,
    value: fc.constantFrom(0xffffffff, 0x7fffffff, 2 ** 30, 2 ** 31 + 7, 0x10000),
    width: fc.constantFrom(2 as const, 4 as const, 8 as const),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.array(fc.nat({ max: 255 }), { maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant('entry' as const),
    name: fc.constantFrom('config.json', 'metadata.json', 'model.weights.h5', 'assets/x.bin', 'variables.h5'),
    what: fc.constantFrom('junk' as const, 'bomb' as const, 'copy' as const),
  }),
  fc.record({
    kind: fc.constant('hdf5' as const),
    what: fc.constantFrom(
      'cycle' as const,
      'huge-unused' as const,
      'huge-needed' as const,
      'soft-loop' as const,
      'extra-dataset' as const,
      'big-chunk' as const,
    ),
  }),
);

/**
 * Where the mutations land: the .keras archive; the weights file, bare or inside an archive (with
 * the CRC made to match, so that HDF5 meets the damage); or config.json inside an archive.
 */
type Target = 'keras' | 'weights' | 'weights-in-keras' | 'config-in-keras';

async function mutate(bytes: Uint8Array, target: Target, m: Mutation): Promise<Uint8Array> {
  const at = bytes.length > 0 && 'at' in m ? m.at % bytes.length : 0;
  const out = Uint8Array.from(bytes);
  switch (m.kind) {
    case 'number': {
      // A number of the JSON text (a layer's units, a shape, a node index) replaced by another.
      const text = new TextDecoder().decode(bytes);
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/g)];
      if (numbers.length === 0) return out;
      const n = numbers[m.at % numbers.length];
      return strToU8(`${text.slice(0, n.index)}${m.value}${text.slice(n.index + n[0].length)}`);
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'flip':
      out[at] ^= 1 << m.bit;
      return out;
    case 'byte':
      out[at] = m.value;
      return out;
    case 'huge':
      for (let i = 0; i < m.width && at + i < out.length; i++) out[at + i] = Math.floor(m.value / 256 ** i) & 0xff;
      return out;
    case 'insert':
      return Uint8Array.from([...bytes.subarray(0, at), ...m.bytes, ...bytes.subarray(at)]);
    case 'entry': {
      if (target !== 'keras') return out;
      const extra =
        m.what === 'bomb'
          ? bombEntry(m.name, 2 ** 31)
          : m.what === 'copy'
            ? deflated(m.name, parts[m.name] ?? weights)
            : stored(
                m.name,
                Uint8Array.from({ length: 100 }, (_, i) => (i * 37) & 0xff),
              );
      return kerasFile(parts, [extra]);
    }
    case 'hdf5': {
      if (target !== 'weights' && target !== 'weights-in-keras') return out;
      try {
        return await hdf5Edit(bytes, m.what);
      } catch {
        return out; // bytes already too damaged for h5wasm to open for writing
      }
    }
  }
}

function hdf5Edit(bytes: Uint8Array, what: Extract<Mutation, { kind: 'hdf5' }>['what']): Promise<Uint8Array> {
  switch (what) {
    case 'cycle':
      return withLinkCycle(bytes);
    case 'huge-unused':
      return withHugeDataset(bytes, 'layers/dense/unused', 2 ** 28);
    case 'huge-needed':
      return editHdf5(bytes, (f) => f.create_soft_link('/huge', '/layers/dense_1/vars/2')).then((b) =>
        withHugeDataset(b, 'huge', 2 ** 28),
      );
    case 'soft-loop':
      return editHdf5(bytes, (f) => {
        f.create_soft_link('/layers/dense/loop2', '/layers/dense/loop1');
        f.create_soft_link('/layers/dense/loop1', '/layers/dense/loop2');
      });
    case 'extra-dataset':
      return withHugeDataset(bytes, 'optimizer/vars/99', 2 ** 20);
    case 'big-chunk':
      return withBigChunk(bytes, 1024);
  }
}

/** Which load meets which file: loadModel only meets archives (bare weights it refuses at once). */
const cases = fc.constantFrom<[Target, 'loadModel' | 'loadWeights']>(
  ['keras', 'loadModel'],
  ['keras', 'loadWeights'],
  ['weights', 'loadWeights'],
  ['weights-in-keras', 'loadModel'],
  ['weights-in-keras', 'loadWeights'],
  ['config-in-keras', 'loadModel'],
);
let run = 0;
/** How the loads ended: 'loaded', or each kind of error (its message without names and numbers). */
const outcomes = new Map<string, number>();
const tally = (e?: unknown): void => {
  const key =
    e === undefined
      ? 'loaded'
      : (e instanceof Error ? e.message : String(e)).replace(/'[^']*'|"[^"]*"|\d[\d,.]*/g, '…').slice(0, 90);
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
};
const print = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);

const property = fc.asyncProperty(
  cases,
  fc.array(mutation, { minLength: 1, maxLength: 3 }),
  async ([target, load], ms) => {
    let bytes = target === 'keras' ? keras : target === 'config-in-keras' ? parts['config.json'] : weights;
    // Entries and HDF5 objects are added first, so that the byte changes after them stay; the
    // big chunk first of all, since it rewrites the file from a whole-tree read (which would read
    // a huge dataset added before it).
    const order = (m: Mutation): number =>
      m.kind === 'hdf5' && m.what === 'big-chunk' ? 0 : m.kind === 'entry' || m.kind === 'hdf5' ? 1 : 2;
    for (const m of [...ms].sort((a, b) => order(a) - order(b))) bytes = await mutate(bytes, target, m);
    if (target === 'weights-in-keras') bytes = kerasFile({ ...parts, 'model.weights.h5': bytes });
    if (target === 'config-in-keras') bytes = kerasFile({ ...parts, 'config.json': bytes });
    print({ run: ++run, target, load, mutations: ms, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
    if (load === 'loadModel') {
      try {
        const model = await loadModel(bytes);
        model.predict(zeros([1, 64]));
        tally();
      } catch (e) {
        tally(e);
        if (unclear(e)) throw new Error(`loadModel failed unclearly: ${e instanceof Error ? e.stack : String(e)}`);
      }
      return;
    }
    const model = mlpModel();
    const before = snapshot(model);
    try {
      await model.loadWeights(bytes);
      tally();
    } catch (e) {
      tally(e);
      if (unclear(e)) throw new Error(`loadWeights failed unclearly: ${e instanceof Error ? e.stack : String(e)}`);
      const after = snapshot(model);
      if (!after.every((w, i) => w.every((v, k) => Object.is(v, before[i][k]))))
        throw new Error(`a failed loadWeights changed the weights: ${(e as Error).message}`);
    }
  },
);

print({ ready: true, peakMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
const start = Date.now();
const result = await fc.check(property, { seed, numRuns, endOnFailure: true });
print({
  done: true,
  failed: result.failed,
  runs: result.numRuns,
  ms: Date.now() - start,
  peakMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  outcomes: Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])),
  counterexample: result.counterexample,
  error: result.errorInstance instanceof Error ? result.errorInstance.message : result.errorInstance,
});

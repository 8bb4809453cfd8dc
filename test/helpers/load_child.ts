// Loads files that may be hostile, in a process of its own so that a hang, a crash or a huge
// allocation is reported by the parent instead of taking the test runner down. Prints one JSON
// line as each case starts and one as it ends, with the process's peak memory so far.
//   node --max-old-space-size=256 --import tsx test/helpers/load_child.ts <cases.json>
import { readFileSync } from 'node:fs';
import { type Model, loadModel } from '../../src/index.js';
import { readHdf5 } from '../../src/saving/hdf5.js';
import { mlpModel, snapshot, unclear } from './load_checks.js';

export interface LoadCase {
  name: string;
  /** loadModel on the file, loadWeights into the mlp fixture's architecture, or a whole-tree readHdf5. */
  kind: 'loadModel' | 'loadWeights' | 'readHdf5';
  file: string;
  options?: { maxParams?: number; compile?: boolean };
}

export interface LoadResult {
  name: string;
  ok: boolean;
  error?: string;
  /** For an error: whether it is an Error that explains itself (not a TypeError from inside). */
  clear?: boolean;
  /** For a failed loadWeights: whether the model's weights are as they were. */
  unchanged?: boolean;
  ms: number;
  /** The process's peak resident memory before the case and after it, in MiB. */
  beforeMiB: number;
  peakMiB: number;
}

const peakMiB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadCase[];
const print = (line: object): boolean => process.stdout.write(`${JSON.stringify(line)}\n`);
print({ ready: true, peakMiB: peakMiB() });
for (const c of cases) {
  print({ name: c.name, started: true });
  const model = c.kind === 'loadWeights' ? mlpModel() : null;
  const before = model ? snapshot(model) : [];
  const beforeMiB = peakMiB();
  const start = Date.now();
  const result: Omit<LoadResult, 'ms' | 'beforeMiB' | 'peakMiB'> = { name: c.name, ok: true };
  try {
    if (model) await model.loadWeights(c.file);
    else if (c.kind === 'readHdf5') await readHdf5(new Uint8Array(readFileSync(c.file)), c.name);
    else await loadModel(c.file, c.options);
  } catch (e) {
    result.ok = false;
    result.error = e instanceof Error ? e.message : String(e);
    result.clear = !unclear(e);
    if (model) result.unchanged = sameWeights(model, before);
  }
  print({ ...result, ms: Date.now() - start, beforeMiB, peakMiB: peakMiB() });
}

function sameWeights(model: Model, before: Float32Array[]): boolean {
  return snapshot(model).every(
    (w, i) => w.length === before[i].length && w.every((v, k) => Object.is(v, before[i][k])),
  );
}

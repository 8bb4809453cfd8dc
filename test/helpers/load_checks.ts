/**
 * What the loading tests share: the model the weights fixtures fit, how a failure is judged, and
 * running hostile loads in a child process with a heap cap and a timeout (load_child.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Input, Model, layers } from '../../src/index.js';
import type { LoadCase, LoadResult } from './load_child.js';

/** The mlp fixture's architecture, built in TypeScript with fresh weights. */
export function mlpModel(): Model {
  const input = Input({ shape: [64] });
  let x = new layers.Dense(32, { activation: 'relu' }).apply(input);
  x = new layers.Dense(32, { activation: 'relu' }).apply(x);
  return new Model(input, new layers.Dense(10, { activation: 'softmax' }).apply(x));
}

export const snapshot = (model: Model): Float32Array[] => model.weights.map((w) => Float32Array.from(w.value.values));

/**
 * Whether an error is one the JavaScript engine raised from inside the code (a property of
 * undefined, a stack overflow, a failed allocation) rather than one that says what is wrong with
 * the file. HDF5's own "memory allocation failed for …" is a clear refusal: a header that declares
 * more than WebAssembly's 2 GiB, refused before any of it is touched.
 */
export function unclear(e: unknown): boolean {
  if (!(e instanceof Error)) return true;
  return /Cannot read propert|Cannot set propert|is not a function|is not iterable|Cannot convert|Maximum call stack|Invalid (typed )?array length|Array buffer allocation failed|Cannot destructure|is not defined|out of memory|offset is out of bounds/i.test(
    e.message,
  );
}

export interface ChildRun {
  /** One per case, in order; a case the child hung or died in fails with `crashed` set. */
  results: (LoadResult & { crashed?: string })[];
  /** Peak resident memory of the child once it had loaded Dendrite, before any case (MiB). */
  idleMiB: number;
}

/**
 * Runs load cases in a child process with a 256 MiB heap, each run of the child limited to
 * `timeoutMs`. When the child hangs or dies, the case it was in fails with the reason, and a new
 * child runs the cases after it.
 */
export function runLoadCases(cases: readonly LoadCase[], timeoutMs: number): ChildRun {
  const folder = mkdtempSync(join(tmpdir(), 'dendrite-load-job-'));
  const results: ChildRun['results'] = [];
  let idleMiB = 0;
  let rest = cases;
  while (rest.length > 0) {
    const job = join(folder, `cases${results.length}.json`);
    writeFileSync(job, JSON.stringify(rest));
    let stdout: string;
    let failure: string | undefined;
    try {
      stdout = execFileSync(
        process.execPath,
        ['--max-old-space-size=256', '--import', 'tsx', join(import.meta.dirname, 'load_child.ts'), job],
        { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; signal?: string; status?: number };
      stdout = err.stdout ?? '';
      failure = `${err.signal === 'SIGTERM' ? `the child timed out after ${timeoutMs} ms` : `the child died (status ${err.status}, signal ${err.signal})`}: ${(err.stderr ?? '').slice(-800)}`;
    }
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LoadResult & { started?: boolean; ready?: boolean });
    idleMiB ||= lines.find((l) => l.ready)?.peakMiB ?? 0;
    const done = lines.filter((l) => !l.started && !l.ready);
    results.push(...done);
    rest = rest.slice(done.length);
    if (failure === undefined) break;
    if (rest.length === 0) throw new Error(`the child failed after its last case: ${failure}`);
    results.push({
      name: rest[0].name,
      ok: false,
      error: failure,
      crashed: failure,
      clear: false,
      ms: timeoutMs,
      beforeMiB: 0,
      peakMiB: 0,
    });
    rest = rest.slice(1);
  }
  rmSync(folder, { recursive: true, force: true });
  return { results, idleMiB };
}

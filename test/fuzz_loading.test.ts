import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const CHILD = join(import.meta.dirname, 'helpers', 'fuzz_loading_child.ts');
// A new seed each run explores new files; DENDRITE_FUZZ_SEED replays one.
const SEED = Number(process.env.DENDRITE_FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.DENDRITE_FUZZ_RUNS ?? 1000);

interface Line {
  run?: number;
  ready?: boolean;
  done?: boolean;
  failed?: boolean;
  runs?: number;
  ms?: number;
  peakMiB?: number;
  counterexample?: unknown;
  error?: string;
}

test(`fuzzed .keras and .weights.h5 files load correctly or fail with a clear Error, in bounded time and memory (seed ${SEED})`, () => {
  let stdout: string;
  let failure = '';
  try {
    stdout = execFileSync(
      process.execPath,
      ['--max-old-space-size=256', '--import', 'tsx', CHILD, String(SEED), String(RUNS)],
      {
        timeout: 60_000,
        encoding: 'utf8',
        maxBuffer: 64 * 2 ** 20,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; signal?: string; status?: number };
    stdout = err.stdout ?? '';
    failure = `${err.signal === 'SIGTERM' ? 'hung (timed out after 60 s)' : `crashed (status ${err.status}, signal ${err.signal})`}: ${(err.stderr ?? '').slice(-1500)}`;
  }
  const lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const last = lines.filter((l) => l.run !== undefined).pop();
  const replay = `replay with DENDRITE_FUZZ_SEED=${SEED} node scripts/test.mjs test/fuzz_loading.test.ts`;
  assert.equal(failure, '', `the fuzzing child ${failure}\nin case ${JSON.stringify(last)}\n${replay}`);
  const done = lines.find((l) => l.done)!;
  assert.ok(!done.failed, `${done.error}\ncounterexample: ${JSON.stringify(done.counterexample)}\n${replay}`);
  const idle = lines.find((l) => l.ready)!.peakMiB!;
  // Each run's line carries the peak after its mutations, before its load: a rise between two
  // lines comes from the first run's load or the second's mutations.
  const runs = lines.filter((l) => l.run !== undefined);
  const rises = runs.slice(1).map((l, i) => ({ rise: l.peakMiB! - runs[i].peakMiB!, runs: [runs[i], l] }));
  const costliest = rises.reduce((a, b) => (b.rise > a.rise ? b : a), { rise: 0, runs: [] as Line[] });
  console.log(
    `  ${done.runs} fuzzed loads in ${done.ms} ms; peak memory ${done.peakMiB} MiB, ${idle} MiB before the first`,
  );
  // The fixtures are about 50 KB; the largest sizes the mutations claim are 1–2 GiB.
  assert.ok(
    done.peakMiB! - idle < 400,
    `peak memory ${done.peakMiB} MiB against ${idle} MiB idle; +${costliest.rise} MiB from the load of the ` +
      `first or the mutations of the second of ${JSON.stringify(costliest.runs)}\n${replay}`,
  );
});

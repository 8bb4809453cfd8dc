// Property-based fuzzing (fast-check) of ops arguments and tensor shapes, and of every native kernel
// entry point: each case must end in a clear Error or a correct result, never a crash or a hang.
// Each group runs in a child process (test/helpers/fuzz_child.ts), so a segfault or a hang fails
// this test with the property and seed that replay it. The seed is fixed so that runs are
// reproducible; FUZZ_SEED and FUZZ_RUNS explore further (FUZZ_RUNS=20000 takes a few minutes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { loadNativeAddon } from '../src/backend/native/loader.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20250101);
const RUNS = Number(process.env.FUZZ_RUNS ?? 0);
const CHILD = 'test/helpers/fuzz_child.ts';
// Runs per property; a few seconds per group on two cores.
const groups: { group: string; runs: number }[] = [{ group: 'ops', runs: RUNS || 2500 }];
// The kernels are the native addon's: on the TypeScript backend's pass they were fuzzed already.
if (loadNativeAddon().addon && process.env.DENDRITE_BACKEND !== 'js')
  groups.push({ group: 'kernels', runs: RUNS || 20000 });

interface Line {
  name: string;
  started?: boolean;
  ok?: boolean;
  error?: string;
}

function runGroup(
  group: string,
  runs: number,
): Promise<{ lines: Line[]; signal: string | null; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const args = ['--import', 'tsx', CHILD, group, String(SEED), String(runs)];
    execFile(
      process.execPath,
      args,
      { timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Line);
        resolve({
          lines,
          signal: e?.signal ?? null,
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stderr,
        });
      },
    );
  });
}

// All groups start at once; each test awaits its own.
const results = groups.map(({ group, runs }) => ({ group, runs, done: runGroup(group, runs) }));

for (const { group, runs, done } of results) {
  test(`fuzz ${group}: every case ends in a clear Error or a correct result (seed ${SEED}, ${runs} runs)`, async (t) => {
    const { lines, signal, code, stderr } = await done;
    const replay = `node --import tsx ${CHILD} ${group} ${SEED} ${runs}`;
    const finished = new Set(lines.filter((l) => l.ok !== undefined).map((l) => l.name));
    const running = lines.find((l) => l.started && !finished.has(l.name));
    assert.equal(
      signal,
      null,
      `the fuzz child died with ${signal} (a crash, or a hang past the timeout) in '${running?.name}'; replay: ${replay}`,
    );
    assert.equal(
      code,
      0,
      `the fuzz child failed (${stderr.trim().split('\n').slice(-3).join(' ')}); replay: ${replay}`,
    );
    for (const line of lines.filter((l) => l.ok !== undefined)) {
      await t.test(line.name, () => assert.ok(line.ok, `${line.error}\nreplay: ${replay}`));
    }
    assert.ok(finished.size > 0, 'no property ran');
  });
}

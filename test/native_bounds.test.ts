// Calls that once crashed or hung the process through the backend the library installs: sizes whose
// products wrap to 0 in 64-bit arithmetic (so every bounds check passed) and negative dims. Each
// runs in a child process, so a segfault or a hang fails its test instead of killing the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { loadNativeAddon } from '../src/backend/native/loader.js';

const native = loadNativeAddon().addon !== null;

/** Runs `body` (JavaScript, with `be` the native backend and `f(n)` a Float32Array) in a child; resolves with its output. */
function probe(body: string): Promise<{ code: number | null; signal: string | null; out: string }> {
  const code = `
    import { createNativeBackend } from './src/backend/native/backend.ts';
    import { loadNativeAddon } from './src/backend/native/loader.ts';
    const be = createNativeBackend(loadNativeAddon().addon);
    const f = (n) => new Float32Array(n);
    try { ${body}; console.log('RETURNED'); } catch (e) { console.log('THREW ' + e.message); }`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '-e', code],
      { timeout: 20_000, killSignal: 'SIGKILL' },
      (err, stdout) => {
        const e = err as (Error & { code?: number | string; signal?: string }) | null;
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, out: stdout });
      },
    );
  });
}

const BIG = 2 ** 32;
const CASES: [name: string, body: string, expected: RegExp][] = [
  [
    'matmul with 2^32 sizes',
    `be.matmul(f(4), f(4), f(4), ${BIG}, ${BIG}, ${BIG}, false, false, null, 'linear', false)`,
    /^THREW matmul: .*\ba\b/,
  ],
  ['reduceSum with 2^32 sizes', `be.reduceSum(f(4), ${BIG}, ${BIG}, ${BIG}, f(4))`, /^THREW reduceSum: .*\bx\b/],
  ['softmax with 2^32 sizes', `be.softmax(f(4), f(4), ${BIG}, ${BIG})`, /^THREW softmax: .*\bx\b/],
  ['copyBlock with 2^32 sizes', `be.copyBlock(f(4), ${BIG}, ${BIG}, f(4), ${BIG}, 0)`, /^THREW copyBlock: .*\bx\b/],
  [
    'transpose with negative dims',
    'be.transpose(f(4), [-2, -2], [1, 0], f(4))',
    /^THREW transpose: .*negative dimension -2/,
  ],
  [
    'transpose with a repeated axis',
    'be.transpose(f(4), [2, 2], [0, 0], f(4))',
    /^THREW transpose: perm must be a permutation/,
  ],
  [
    'matmul with a fractional size',
    `be.matmul(f(4), f(4), f(4), 1.5, 2, 2, false, false, null, 'linear', false)`,
    /^THREW matmul: m must be a non-negative integer, got 1.5/,
  ],
  [
    'matmul with a zero next to a huge size',
    `be.matmul(f(4), f(4), f(4), ${2 ** 50}, 0, 0, false, false, null, 'linear', false)`,
    /^RETURNED/,
  ],
  [
    'gate kernel with no units and a huge batch',
    `be.lstmGatesForward(f(0), f(0), f(0), f(0), f(0), null, ${2 ** 52}, 0, 'tanh', 'sigmoid')`,
    /^RETURNED/,
  ],
  [
    'conv2d with an inconsistent output size',
    "be.conv2d(f(4), f(1), null, f(9), { batch: 1, inH: 2, inW: 2, inC: 1, outH: 3, outW: 3, outC: 1, kH: 1, kW: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, groups: 1 }, 'linear')",
    /^THREW conv2d: geometry has 3 outputs/,
  ],
  [
    'conv2d with a dilation far wider than the input',
    `be.conv2d(f(4), f(2), null, f(4), { batch: 1, inH: 2, inW: 2, inC: 1, outH: 2, outW: 2, outC: 1, kH: 2, kW: ` +
      `1, strideH: 1, strideW: 1, dilationH: ${2 ** 30}, dilationW: 1, padTop: ${2 ** 29}, padLeft: 0, groups: 1 ` +
      `}, 'linear')`,
    /^RETURNED/,
  ],
];

// Start every child at once (they are independent); each test awaits its own.
const runs = native ? CASES.map(([, body]) => probe(body)) : [];

CASES.forEach(([name, , expected], i) => {
  test(`native backend: ${name} neither crashes nor hangs`, async (t) => {
    if (!native) return t.skip('native addon not built');
    const r = await runs[i];
    assert.equal(r.signal, null, `the child died with ${r.signal} (a crash or a hang): ${r.out}`);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out.trim(), expected);
  });
});

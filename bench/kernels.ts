// Per-call latency of the kernels a small training step is made of, at the W1 (MLP, batch 128)
// and W2 (LSTM 32 / 16 units, batch 128) shapes, native vs the TypeScript reference:
//   npx tsx bench/kernels.ts [--rounds R] [--only SUBSTRING] [--json]
// Small models are bound by per-call latency, not FLOPs, so this reports median µs per call over
// R rounds (the median, not the best, because other processes share the machine).
import { jsBackend } from '../src/backend/js/index.js';
import { createNativeBackend } from '../src/backend/native/backend.js';
import { loadNativeAddon } from '../src/backend/native/loader.js';
import type { Backend } from '../src/backend/backend.js';
import { fillUniform } from './data.js';

interface Case {
  name: string;
  flop: number;
  make(be: Backend): () => void;
}

// matmul out[m×n] = op(A)[m×k]·op(B)[k×n]; transposed operands are stored transposed, as in backward.
function mm(
  name: string,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
  bias: boolean,
  act: 'linear' | 'relu',
  acc: boolean,
): Case {
  return {
    name: `matmul ${name} ${m}×${n}×${k}${tA ? ' Aᵀ' : ''}${tB ? ' Bᵀ' : ''}${bias ? ' +bias' : ''}${act !== 'linear' ? ` ${act}` : ''}${acc ? ' +=' : ''}`,
    flop: 2 * m * n * k,
    make(be) {
      const a = fillUniform(m * k, 1),
        b = fillUniform(k * n, 2),
        c = new Float32Array(m * n),
        bv = bias ? fillUniform(n, 3) : null;
      return () => be.matmul(a, b, c, m, n, k, tA, tB, bv, act, acc);
    },
  };
}

function cases(): Case[] {
  const B = 128;
  const out: Case[] = [
    // W1 forward
    mm('W1 fwd1', B, 32, 64, false, false, true, 'relu', false),
    mm('W1 fwd2', B, 32, 32, false, false, true, 'relu', false),
    mm('W1 fwd3', B, 10, 32, false, false, true, 'linear', false),
    // W1 backward: weight grads xᵀ·dy, input grads dy·Wᵀ
    mm('W1 dW1', 64, 32, B, true, false, false, 'linear', false),
    mm('W1 dW2', 32, 32, B, true, false, false, 'linear', false),
    mm('W1 dW3', 32, 10, B, true, false, false, 'linear', false),
    mm('W1 dx3', B, 32, 10, false, true, false, 'linear', false),
    mm('W1 dx2', B, 32, 32, false, true, false, 'linear', false),
    // W2 per time step: z += h·U and dh += dz·Uᵀ
    mm('W2 hU32', B, 128, 32, false, false, false, 'linear', true),
    mm('W2 hU16', B, 64, 16, false, false, false, 'linear', true),
    mm('W2 dhU32', B, 32, 128, false, true, false, 'linear', true),
    mm('W2 dhU16', B, 16, 64, false, true, false, 'linear', true),
    // W2 per sequence: input projection and its gradients over all T·B = 25,600 rows
    mm('W2 proj32', 200 * B, 128, 64, false, false, true, 'linear', false),
    mm('W2 dxproj32', 200 * B, 64, 128, false, true, false, 'linear', false),
    mm('W2 dK32', 64, 128, 200 * B, true, false, false, 'linear', false),
    mm('W2 dU32', 32, 128, 200 * B, true, false, false, 'linear', false),
    mm('W2 proj16', 200 * B, 64, 32, false, false, true, 'linear', false),
    mm('W2 dK16', 32, 64, 200 * B, true, false, false, 'linear', false),
  ];
  const sm = (
    name: string,
    f: (be: Backend, x: Float32Array, y: Float32Array, o: Float32Array, l: Float32Array) => void,
  ): Case => ({
    name,
    flop: 0,
    make(be) {
      const x = fillUniform(B * 10, 4),
        y = new Float32Array(B * 10),
        o = new Float32Array(B * 10),
        l = new Float32Array(B);
      for (let r = 0; r < B; r++) y[r * 10 + (r % 10)] = 1;
      return () => f(be, x, y, o, l);
    },
  });
  out.push(
    sm('softmax 128×10', (be, x, _y, o) => be.softmax(x, o, B, 10)),
    sm('softmaxCrossEntropy 128×10', (be, x, y, o, l) => be.softmaxCrossEntropy(x, y, B, 10, l, o)),
    sm('softmaxGrad 128×10', (be, x, y, o) => be.softmaxGrad(x, y, o, B, 10)),
  );
  for (const n of [32, 10]) {
    out.push({
      name: `reduceSum [1,128,${n}]→${n}`,
      flop: 0,
      make(be) {
        const x = fillUniform(B * n, 5),
          o = new Float32Array(n);
        return () => be.reduceSum(x, 1, B, n, o);
      },
    });
  }
  out.push(
    {
      name: 'unaryGrad relu 128×32',
      flop: 0,
      make(be) {
        const x = fillUniform(B * 32, 6),
          y = fillUniform(B * 32, 7),
          dy = fillUniform(B * 32, 8),
          o = new Float32Array(B * 32);
        return () => be.unaryGrad('relu', x, y, dy, o, 0);
      },
    },
    {
      name: 'binary add [128,32]+[32]',
      flop: 0,
      make(be) {
        const a = fillUniform(B * 32, 9),
          b = fillUniform(32, 10),
          o = new Float32Array(B * 32);
        return () => be.binary('add', a, [B, 32], b, [32], o, [B, 32]);
      },
    },
    {
      name: 'binary mul 128×32 (same shape)',
      flop: 0,
      make(be) {
        const a = fillUniform(B * 32, 9),
          b = fillUniform(B * 32, 10),
          o = new Float32Array(B * 32);
        return () => be.binary('mul', a, [B, 32], b, [B, 32], o, [B, 32]);
      },
    },
  );
  for (const n of [64 * 32, 32]) {
    out.push({
      name: `rmspropUpdate n=${n}`,
      flop: 0,
      make(be) {
        const w = fillUniform(n, 11),
          g = fillUniform(n, 12),
          ms = new Float32Array(n);
        return () => be.rmspropUpdate(w, g, ms, null, 1e-9, 0.9, 0, 1e-7);
      },
    });
  }
  // Batch rows from a small and from a W1big-sized table (100,000 rows: DRAM misses), and W2's
  // embedding gradient (25,600 lookups into 10,000 rows).
  for (const rowsInTable of [1000, 100000]) {
    out.push({
      name: `gather 128 rows of 64 from ${rowsInTable}`,
      flop: 0,
      make(be) {
        const table = fillUniform(rowsInTable * 64, 13),
          idx = new Int32Array(B),
          o = new Float32Array(B * 64);
        let s = 1;
        return () => {
          for (let i = 0; i < B; i++) {
            s = (s * 1103515245 + 12345) >>> 0;
            idx[i] = s % rowsInTable;
          }
          be.gather(table, 64, idx, o);
        };
      },
    });
  }
  out.push({
    name: 'scatterAdd 25600 rows of 64 into 10000',
    flop: 0,
    make(be) {
      const dt = new Float32Array(10000 * 64),
        dy = fillUniform(200 * B * 64, 14),
        idx = new Int32Array(200 * B);
      for (let i = 0; i < idx.length; i++) idx[i] = (i * 7919 + 13) % 10000;
      return () => be.scatterAdd(dy, 64, idx, dt);
    },
  });
  for (const u of [32, 16]) {
    out.push({
      name: `lstmGatesForward 128×${u}`,
      flop: 0,
      make(be) {
        const z = fillUniform(B * 4 * u, 14),
          cp = fillUniform(B * u, 15),
          hp = fillUniform(B * u, 16),
          c = new Float32Array(B * u),
          h = new Float32Array(B * u);
        return () => be.lstmGatesForward(z, cp, hp, c, h, null, B, u, 'tanh', 'sigmoid');
      },
    });
    out.push({
      name: `lstmGatesBackward 128×${u}`,
      flop: 0,
      make(be) {
        const g = fillUniform(B * 4 * u, 17),
          cp = fillUniform(B * u, 18),
          c = fillUniform(B * u, 19),
          dh = fillUniform(B * u, 20),
          dc = fillUniform(B * u, 21);
        const dz = new Float32Array(B * 4 * u),
          dhp = new Float32Array(B * u),
          dcp = new Float32Array(B * u);
        return () => be.lstmGatesBackward(g, cp, c, dh, null, dc, dz, dhp, dcp, null, B, u, 'tanh', 'sigmoid');
      },
    });
  }
  return out;
}

/**
 * Median µs per call over `rounds` rounds of ~2 ms each: [wall, process CPU]. On a shared machine
 * the CPU figure leaves out the time other processes held the core (run with
 * DENDRITE_NUM_THREADS=1 so that it is one thread's time).
 */
function time(fn: () => void, rounds: number): [number, number] {
  for (let i = 0; i < 50; i++) fn();
  let t0 = performance.now();
  let per = 1;
  while (performance.now() - t0 < 2) {
    for (let i = 0; i < per; i++) fn();
    per *= 2;
  }
  t0 = performance.now();
  for (let i = 0; i < per; i++) fn();
  const calls = Math.max(1, Math.round((per * 2) / Math.max(1e-3, performance.now() - t0)));
  const wall: number[] = [],
    cpu: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const s = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    wall.push(Number(process.hrtime.bigint() - s) / 1e3 / calls);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / calls);
  }
  const med = (a: number[]): number => a.sort((x, y) => x - y)[a.length >> 1];
  return [med(wall), med(cpu)];
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (k: string): string | undefined => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rounds = Number(opt('--rounds') ?? 15);
  const only = opt('--only');
  const load = loadNativeAddon();
  if (!load.addon) throw new Error(`native addon not available: ${load.reason}`);
  const native = createNativeBackend(load.addon);
  const rows: { kernel: string; nativeUs: number; nativeCpuUs: number; jsUs: number; gflops: number }[] = [];
  for (const c of cases()) {
    if (only && !c.name.includes(only)) continue;
    const [nativeUs, nativeCpuUs] = time(c.make(native), rounds);
    // The reference is only timed where it takes well under a second.
    const jsUs = c.flop > 5e7 ? NaN : time(c.make(jsBackend), Math.max(3, rounds >> 2))[0];
    rows.push({ kernel: c.name, nativeUs, nativeCpuUs, jsUs, gflops: c.flop ? c.flop / nativeUs / 1e3 : 0 });
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify({ isa: load.addon.isa(), rows }, null, 1));
    return;
  }
  console.log(`isa ${load.addon.isa()}, threads ${load.addon.threads()}, median of ${rounds} rounds`);
  console.log(
    'kernel'.padEnd(44) +
      'native µs'.padStart(11) +
      'cpu µs'.padStart(9) +
      'js µs'.padStart(10) +
      'GFLOP/s'.padStart(9),
  );
  for (const r of rows) {
    console.log(
      r.kernel.padEnd(44) +
        r.nativeUs.toFixed(2).padStart(11) +
        r.nativeCpuUs.toFixed(2).padStart(9) +
        r.jsUs.toFixed(2).padStart(10) +
        (r.gflops ? r.gflops.toFixed(1) : '').padStart(9),
    );
  }
}

main();

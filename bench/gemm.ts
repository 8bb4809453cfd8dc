// GEMM micro-benchmark of the native kernel, called straight through the addon (no op overhead):
//   npx tsx bench/gemm.ts [--threads N] [--isa avx512|avx2|generic] [--seconds S] [--json]
// Shapes are M×K×N as issue 4 writes them. GFLOP/s is reported against wall time and against the
// process's CPU time; on a busy machine the CPU-time figure is the one that describes the kernel.
import { pathToFileURL } from 'node:url';
import { loadNativeAddon } from '../src/backend/native/loader.js';
import type { NativeAddon } from '../src/backend/native/addon.js';
import { fillUniform } from './data.js';

export interface GemmBenchRow {
  shape: string;
  transA: boolean;
  transB: boolean;
  threads: number;
  isa: string;
  gflops: number;
  /** 2·M·K·N per product over user+system CPU seconds (all threads together). */
  gflopsCpu: number;
  microsPerCall: number;
}

export const GEMM_BENCH_SHAPES: readonly (readonly [number, number, number])[] = [
  [512, 512, 512],
  [128, 64, 32],
  [128, 32, 10],
  [128, 288, 500],
];

function timeOne(
  addon: NativeAddon,
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  seconds: number,
): [number, number, number] {
  const a = fillUniform(m * k, 1);
  const b = fillUniform(k * n, 2);
  const c = new Float32Array(m * n);
  const flop = 2 * m * k * n;
  for (let i = 0; i < 5; i++) addon.matmul(a, b, c, m, n, k, tA, tB, null, 0, false);
  // Best of several rounds: the least disturbed one is the kernel's own speed.
  let bestWall = Infinity;
  let bestCpu = Infinity;
  const rounds = 5;
  // Sized for ~50 GFLOP/s so that a round lasts about seconds / rounds.
  const perRound = Math.max(1, Math.ceil(seconds / rounds / (flop / 50e9)));
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) addon.matmul(a, b, c, m, n, k, tA, tB, null, 0, false);
    const wall = Number(process.hrtime.bigint() - t0) / 1e9 / perRound;
    const du = process.cpuUsage(cpu0);
    const cpu = (du.user + du.system) / 1e6 / perRound;
    bestWall = Math.min(bestWall, wall);
    if (cpu > 0) bestCpu = Math.min(bestCpu, cpu);
  }
  return [flop / bestWall / 1e9, flop / bestCpu / 1e9, bestWall * 1e6];
}

/** Measures every shape (and, for 512³, every transpose combination) on the native addon. */
export function measureNativeGemm(opts: { threads?: number; isa?: string; seconds?: number } = {}): GemmBenchRow[] {
  const loaded = loadNativeAddon();
  if (!loaded.addon) throw new Error(`native addon not available: ${loaded.reason}`);
  const addon = loaded.addon;
  const prevThreads = addon.threads();
  const prevIsa = addon.isa();
  if (opts.isa && !addon.forceIsa(opts.isa)) throw new Error(`this CPU cannot run the ${opts.isa} kernels`);
  addon.setThreads(opts.threads ?? 1);
  const rows: GemmBenchRow[] = [];
  try {
    for (const [m, k, n] of GEMM_BENCH_SHAPES) {
      const combos: [boolean, boolean][] =
        m === 512
          ? [
              [false, false],
              [true, false],
              [false, true],
              [true, true],
            ]
          : [[false, false]];
      for (const [tA, tB] of combos) {
        const [gflops, gflopsCpu, micros] = timeOne(addon, m, k, n, tA, tB, opts.seconds ?? 0.5);
        rows.push({
          shape: `${m}×${k}×${n}`,
          transA: tA,
          transB: tB,
          threads: addon.threads(),
          isa: addon.isa(),
          gflops,
          gflopsCpu,
          microsPerCall: micros,
        });
      }
    }
  } finally {
    addon.setThreads(prevThreads);
    addon.forceIsa(prevIsa);
  }
  return rows;
}

function main(): void {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const rows = measureNativeGemm({
    threads: value('--threads') ? Number(value('--threads')) : 1,
    isa: value('--isa'),
    seconds: value('--seconds') ? Number(value('--seconds')) : 0.5,
  });
  if (args.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const addon = loadNativeAddon().addon;
  const peak = addon ? addon.peakGflops(0.3) : 0;
  console.log(
    `native GEMM, ${rows[0].isa}, ${rows[0].threads} thread(s); one core's FMA peak now: ${peak.toFixed(1)} GFLOP/s`,
  );
  console.log('M×K×N          op(A) op(B)   GFLOP/s (wall)  GFLOP/s (cpu)   µs/call');
  for (const r of rows) {
    console.log(
      `${r.shape.padEnd(14)} ${(r.transA ? 'Aᵀ' : 'A').padEnd(5)} ${(r.transB ? 'Bᵀ' : 'B').padEnd(7)} ` +
        `${r.gflops.toFixed(1).padStart(14)} ${r.gflopsCpu.toFixed(1).padStart(14)} ${r.microsPerCall.toFixed(2).padStart(9)}`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

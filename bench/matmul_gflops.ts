// GEMM throughput as Dendrite's users get it: through the public `ops.matMul` on the active
// backend, so per-op overhead is included (that is what the training shapes feel).
import { ops, random, setSeed } from '../src/index.js';

export interface GemmRow {
  /** M×K×N, as issue 4 writes the shapes. */
  shape: string;
  gflops: number;
  /** Where the number comes from: the public op, or a direct kernel bench. */
  via: string;
}

/** 512³, then the training shapes of W1 (128×64×32, 128×32×10) and 128×288×500. */
export const GEMM_SHAPES: readonly (readonly [number, number, number])[] = [
  [512, 512, 512],
  [128, 64, 32],
  [128, 32, 10],
  [128, 288, 500],
];

/** Repeats one matMul until `seconds` have passed and returns GFLOP/s (2·M·K·N per product). */
function throughput(m: number, k: number, n: number, seconds: number): number {
  setSeed(7);
  const a = random.uniform([m, k]);
  const b = random.uniform([k, n]);
  for (let i = 0; i < 3; i++) ops.matMul(a, b).dataSync(); // warm-up: pools, caches, lazy init
  let reps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    ops.matMul(a, b);
    reps++;
    elapsed = performance.now() - t0;
  }
  return (2 * m * k * n * reps) / (elapsed * 1e6);
}

export function measureMatMul(quick: boolean): GemmRow[] {
  return GEMM_SHAPES.map(([m, k, n]) => ({
    shape: `${m}×${k}×${n}`,
    gflops: throughput(m, k, n, quick ? 0.3 : 1),
    via: 'ops.matMul',
  }));
}

export interface GemmReport {
  rows: GemmRow[];
  /** One core's float32 FMA peak as the addon measures it now, when the addon loads. */
  peakGflops: number | null;
  note: string | null;
}

/**
 * The public op on the active backend, plus (when the native addon loads) helper 1's kernel
 * micro-benchmark from bench/gemm.ts: one thread, no op overhead, every transpose at 512³.
 */
export async function measureGemm(quick: boolean): Promise<GemmReport> {
  const rows = measureMatMul(quick);
  try {
    const { measureNativeGemm } = await import('./gemm.js');
    const { loadNativeAddon } = await import('../src/backend/native/loader.js');
    for (const r of measureNativeGemm({ threads: 1, seconds: quick ? 0.2 : 0.5 })) {
      const op = r.transA || r.transB ? ` (${r.transA ? 'Aᵀ' : 'A'}·${r.transB ? 'Bᵀ' : 'B'})` : '';
      rows.push({
        shape: `${r.shape}${op}`,
        gflops: r.gflops,
        via: `native kernel, ${r.isa}, ${r.threads} thread (CPU-time figure ${r.gflopsCpu.toFixed(1)})`,
      });
    }
    return { rows, peakGflops: loadNativeAddon().addon?.peakGflops(0.3) ?? null, note: null };
  } catch (e) {
    return {
      rows,
      peakGflops: null,
      note: `native GEMM micro-benchmark not run: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
}

// Turns one run's measurements into tables (console and docs/benchmarks.md) and JSON. Nothing
// here measures; every number printed comes from the BenchResult it is given.
import type { GemmRow } from './matmul_gflops.js';
import { MAX_WARMUP, type Outcome } from './measure.js';

export interface Engine {
  id: string;
  label: string;
}

export interface Row {
  id: string;
  title: string;
  /** Training FLOPs per epoch (3× forward conv+dense); absent for predict rows. */
  trainFlops?: number;
  results: Record<string, Outcome>;
}

export interface BenchResult {
  date: string;
  command: string;
  quick: boolean;
  machine: { cpu: string; cores: number; node: string; platform: string };
  /** 1-minute load average at the start and the end: other work on the machine skews every engine. */
  load: [number, number];
  dendriteBackend: string;
  protocol: { warmup: number; warmupSeconds: number; measured: number; budgetSeconds: number };
  /** Dendrite first, then each peer. */
  engines: Engine[];
  train: Row[];
  predict: Row[];
  gemm: GemmRow[];
  /** One core's float32 FMA peak measured by the native addon in this run, if it loaded. */
  peakGflops: number | null;
  /** Peak RSS of the bench process after Dendrite's runs (peers run in their own processes). */
  rssMB: { dendrite: number };
  notes: string[];
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

function cell(o: Outcome | undefined): string {
  if (!o) return '—';
  return o.status === 'ok' ? num(o.value) : `${o.status}: ${o.reason}`;
}

/** How many times faster Dendrite is than a peer (>1: Dendrite wins). */
function speedup(d: Outcome | undefined, p: Outcome | undefined, higherIsBetter: boolean): string {
  if (d?.status !== 'ok' || p?.status !== 'ok') return '—';
  const r = higherIsBetter ? d.value / p.value : p.value / d.value;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '/')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The tables of a run, as Markdown (which also reads well on a terminal). */
export function renderTables(r: BenchResult): string {
  const [dendrite, ...peers] = r.engines;
  const names = r.engines.map((e) => e.label);
  const out: string[] = [];
  if (r.train.length) {
    out.push(`Training, ms per epoch (median of ${r.protocol.measured} after warm-up; lower is better)`, '');
    out.push(
      table(
        ['workload', ...names],
        r.train.map((w) => [`${w.id} ${w.title}`, ...r.engines.map((e) => cell(w.results[e.id]))]),
      ),
    );
  }
  if (r.predict.length) {
    out.push('', 'Prediction, samples per second (median; higher is better)', '');
    out.push(
      table(
        ['workload', ...names],
        r.predict.map((w) => [`${w.id} ${w.title}`, ...r.engines.map((e) => cell(w.results[e.id]))]),
      ),
    );
  }
  if (peers.length > 0) {
    out.push('', `Dendrite's speed-up over each peer (peer time / Dendrite time; >1 means Dendrite is faster)`, '');
    const ratioRows = [
      ...r.train.map((w) => [w.id, ...peers.map((p) => speedup(w.results[dendrite.id], w.results[p.id], false))]),
      ...r.predict.map((w) => [w.id, ...peers.map((p) => speedup(w.results[dendrite.id], w.results[p.id], true))]),
    ];
    out.push(table(['workload', ...peers.map((p) => p.label)], ratioRows));
  }
  const peak = r.peakGflops
    ? `; one core's FMA peak measured now: ${num(r.peakGflops)}, ×${r.machine.cores} cores`
    : '';
  out.push('', `Achieved training GFLOP/s (3 × forward conv/dense/LSTM FLOPs per epoch ÷ epoch time${peak})`, '');
  out.push(
    table(
      ['workload', ...names],
      r.train.map((w) => [
        w.id,
        ...r.engines.map((e) => {
          const o = w.results[e.id];
          return o?.status === 'ok' && w.trainFlops ? num(w.trainFlops / (o.value * 1e6)) : '—';
        }),
      ]),
    ),
  );
  out.push('', `GEMM GFLOP/s, Dendrite (${r.dendriteBackend} backend; wall time)`, '');
  out.push(
    table(
      ['M×K×N', 'GFLOP/s', 'measured through'],
      r.gemm.map((g) => [g.shape, num(g.gflops), g.via]),
    ),
  );
  out.push('', `Peak RSS of Dendrite's process: ${num(r.rssMB.dendrite)} MB (data sets of every workload included).`);
  for (const n of r.notes) out.push(`Note: ${n}`);
  return out.join('\n');
}

/** docs/benchmarks.md: the latest table, with the machine and the command that produced it. */
export function renderDoc(r: BenchResult): string {
  return [
    '# Benchmarks',
    '',
    'Written by `npm run bench -- --docs` from the numbers of that run; nothing here is typed by hand.',
    "Every engine runs the same models (issue 4's W1–W4, P1, P4: float32, random data, RMSprop, Keras",
    'defaults) on the same sizes, side by side in one run (each peer in its own child process); a peer that fails or would take too',
    'long is shown as such.',
    '',
    `- Date: ${r.date}`,
    `- Command: \`${r.command}\`${r.quick ? ' (quick: fewer samples and epochs than the full benchmark)' : ''}`,
    `- Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.platform}, Node ${r.machine.node}`,
    `- Load average (1 min) at start / end: ${r.load[0].toFixed(2)} / ${r.load[1].toFixed(2)} on ${r.machine.cores} cores`,
    `- Dendrite backend: ${r.dendriteBackend}`,
    `- Peers: ${
      r.engines
        .slice(1)
        .map((e) => e.label)
        .join(', ') || 'none'
    }`,
    `- Protocol: warm-up of at least ${r.protocol.warmup} epoch (or predict pass) and ` +
      `${r.protocol.warmupSeconds} s (at most ${MAX_WARMUP} epochs), then the median of ${r.protocol.measured}; a ` +
      `measurement estimated above ${r.protocol.budgetSeconds} s per epoch (or pass) is skipped`,
    '',
    renderTables(r),
    '',
  ].join('\n');
}

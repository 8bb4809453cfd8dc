// `npm run bench`: issue 4's benchmark. Trains and predicts the notebook's workloads with Dendrite,
// then the same models with tfjs (CPU, WASM) and, if present, PyTorch, in one run; prints the
// tables (or --json) and with --docs rewrites docs/benchmarks.md from this run's numbers.
//
//   --quick          fewer samples and epochs (a few minutes)
//   --json           machine-readable result on stdout (progress stays on stderr)
//   --docs           write docs/benchmarks.md
//   --budget <s>     skip a measurement estimated above this many seconds per epoch
//   --only W1,P1     run only these workloads
//   --peers a,b      peers to include, from tfjs-cpu, tfjs-wasm, torch (default: all)
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ChildRequest, runChild } from './child.js';
import { dendriteBackend, dendritePredict, dendriteTraining } from './dendrite_engine.js';
import { DataCache, type Item, type Runner, describe, planItems, runItem } from './items.js';
import { measureGemm } from './matmul_gflops.js';
import type { Outcome, Protocol } from './measure.js';
import { type BenchResult, type Engine, type Row, renderDoc, renderTables } from './report.js';
import { sizeProfile, trainFlopsPerEpoch } from './spec.js';
import { PYTHON, TORCH_SCRIPT, torchVersion } from './torch.js';

type PeerId = 'tfjs-cpu' | 'tfjs-wasm' | 'torch';
const ALL_PEERS: readonly PeerId[] = ['tfjs-cpu', 'tfjs-wasm', 'torch'];

interface Options {
  quick: boolean;
  json: boolean;
  docs: boolean;
  budget: number | undefined;
  only: Set<string> | null;
  peers: PeerId[];
}

function isPeer(s: string): s is PeerId {
  return (ALL_PEERS as readonly string[]).includes(s);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, json: false, docs: false, budget: undefined, only: null, peers: [...ALL_PEERS] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--json') o.json = true;
    else if (a === '--docs') o.docs = true;
    else if (a === '--budget') o.budget = Number(value());
    else if (a === '--only') o.only = new Set(value().split(','));
    else if (a === '--peers') {
      const names = value()
        .split(',')
        .filter((s) => s !== '' && s !== 'none');
      const bad = names.filter((s) => !isPeer(s));
      if (bad.length) throw new Error(`unknown peer(s) ${bad.join(', ')}; known: ${ALL_PEERS.join(', ')}`);
      o.peers = names.filter(isPeer);
    } else throw new Error(`unknown option ${a}; see the header of bench/bench.ts`);
  }
  return o;
}

const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const name = /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
    const flags = /^flags\s*:\s*(.+)$/m.exec(info)?.[1]?.split(' ') ?? [];
    return flags.includes('avx512f') ? `${name} (AVX-512)` : flags.includes('avx2') ? `${name} (AVX2)` : name;
  } catch {
    return os.cpus()[0]?.model ?? 'unknown CPU';
  }
}

const rssMB = (): number => process.resourceUsage().maxRSS / 1024;

/** Dendrite runs in this process, first and alone, so its peak RSS is read before any peer. */
async function runDendrite(items: Item[], protocol: Protocol): Promise<Map<string, Outcome>> {
  const runner: Runner = { label: 'Dendrite', train: dendriteTraining, predict: dendritePredict };
  const data = new DataCache();
  const res = new Map<string, Outcome>();
  for (const item of items) {
    log(`  Dendrite ${item.id} ...`);
    res.set(item.id, await runItem(runner, item, protocol, data));
    log(`    ${item.id}: ${describe(res.get(item.id))}`);
  }
  return res;
}

interface PeerRun {
  engine: Engine;
  results: Map<string, Outcome>;
  rssMB: number | null;
}

/** One peer engine in its child process; the cap stops a single step that runs for minutes. */
async function runPeer(
  id: string,
  label: (version: string) => string,
  command: string,
  args: string[],
  req: ChildRequest,
): Promise<PeerRun> {
  const { protocol } = req;
  const capMs =
    1000 * (protocol.budgetSeconds * (protocol.warmup + protocol.measured + 1) + protocol.warmupSeconds + 15);
  log(`${label('')}:`);
  const r = await runChild(command, args, req, capMs, (item, o) => log(`    ${item}: ${describe(o)}`));
  return { engine: { id, label: label(r.version ?? '?') }, results: r.results, rssMB: r.rssMB };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const profile = sizeProfile(opts.quick, opts.budget);
  const pick = <T extends { id: string }>(xs: T[]): T[] => (opts.only ? xs.filter((x) => opts.only?.has(x.id)) : xs);
  const train = pick(profile.train);
  const predict = pick(profile.predict);
  const items = planItems(train, predict, profile.train);
  const protocol: Protocol = {
    warmup: profile.warmupEpochs,
    warmupSeconds: profile.warmupSeconds,
    measured: profile.measuredEpochs,
    budgetSeconds: profile.budgetSeconds,
  };
  const notes: string[] = [];
  const started = performance.now();
  const loadAtStart = os.loadavg()[0];

  log(`Dendrite, ${dendriteBackend()} backend${opts.quick ? ' (quick)' : ''}:`);
  const engines: Engine[] = [{ id: 'dendrite', label: `Dendrite (${dendriteBackend()})` }];
  const results = new Map<string, Map<string, Outcome>>([['dendrite', await runDendrite(items, protocol)]]);
  log('  GEMM ...');
  const gemm = await measureGemm(opts.quick);
  if (gemm.note) notes.push(gemm.note);
  const afterDendrite = rssMB();
  const peerRss: string[] = [];

  const peers: PeerRun[] = [];
  // Node itself with tsx's loader (not the tsx wrapper, which would put a second process between).
  const tfjsChild = fileURLToPath(new URL('./tfjs_child.ts', import.meta.url));
  for (const backend of ['cpu', 'wasm'] as const) {
    const id: PeerId = backend === 'cpu' ? 'tfjs-cpu' : 'tfjs-wasm';
    if (!opts.peers.includes(id)) continue;
    const name = backend === 'cpu' ? 'CPU' : 'WASM';
    peers.push(
      await runPeer(
        id,
        (v) => (v ? `tfjs ${v} ${name}` : `tfjs ${name}`),
        process.execPath,
        ['--import', 'tsx', tfjsChild],
        { protocol, items, options: { backend } },
      ),
    );
  }
  if (opts.peers.includes('torch')) {
    const version = torchVersion();
    if (!version)
      notes.push('PyTorch is absent (/usr/bin/python3 cannot import torch; `apt-get install python3-torch` adds it).');
    else {
      for (const threads of [1, 2]) {
        const label = (v: string): string => `PyTorch ${v || version} (${threads} thread${threads > 1 ? 's' : ''})`;
        peers.push(
          await runPeer(`torch-${threads}`, label, PYTHON, [TORCH_SCRIPT], { protocol, items, options: { threads } }),
        );
      }
    }
  }
  for (const p of peers) {
    engines.push(p.engine);
    results.set(p.engine.id, p.results);
    if (p.rssMB !== null) peerRss.push(`${p.engine.label} ${Math.round(p.rssMB).toLocaleString('en-US')} MB`);
  }
  if (peerRss.length)
    notes.push(`Peak RSS of each peer's child process (those that ran to the end): ${peerRss.join('; ')}.`);

  const row = (id: string, title: string, trainFlops?: number): Row => ({
    id,
    title,
    trainFlops,
    results: Object.fromEntries(
      engines.flatMap((e) => {
        const o = results.get(e.id)?.get(id);
        return o ? [[e.id, o]] : [];
      }),
    ),
  });
  const argv = process.argv.slice(2).join(' ');
  const result: BenchResult = {
    date: new Date().toISOString(),
    command:
      process.env.npm_lifecycle_event === 'bench'
        ? `npm run bench${argv ? ` -- ${argv}` : ''}`
        : `npx tsx bench/bench.ts${argv ? ` ${argv}` : ''}`,
    quick: opts.quick,
    machine: {
      cpu: cpuModel(),
      cores: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
    },
    load: [loadAtStart, os.loadavg()[0]],
    dendriteBackend: dendriteBackend(),
    protocol,
    engines,
    train: train.map((t) => row(t.id, t.title, trainFlopsPerEpoch(t))),
    predict: predict.map((p) => row(p.id, p.title)),
    gemm: gemm.rows,
    peakGflops: gemm.peakGflops,
    rssMB: { dendrite: afterDendrite },
    notes,
  };
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `\n${renderTables(result)}\n`);
  if (opts.docs) {
    const path = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
    writeFileSync(path, renderDoc(result));
    log(`wrote ${path}`);
  }
}

main().catch((e: unknown) => {
  log(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});

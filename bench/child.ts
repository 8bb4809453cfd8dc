// Peers run in child processes, one per engine, for two reasons: a single training step of some
// peer workloads takes minutes (tfjs CPU on W2/W4) and only a process can be stopped mid-step, and
// each engine's peak RSS is then its own. Protocol: the request as JSON on stdin; the child
// prints one JSON line per event on stdout ({"event":"start"|"result"|"done", ...}).
import { spawn } from 'node:child_process';
import type { Item } from './items.js';
import { type Outcome, type Protocol, seconds } from './measure.js';

export interface ChildRequest {
  protocol: Protocol;
  items: Item[];
  /** Engine settings: the tfjs backend, the torch thread count. */
  options: Record<string, string | number>;
}

export interface ChildResult {
  results: Map<string, Outcome>;
  /** The largest peak RSS of the engine's processes, in MB. */
  rssMB: number | null;
  version: string | null;
}

type ChildEvent =
  | { event: 'ready'; version: string }
  | { event: 'start'; id: string }
  | { event: 'probe'; id: string; ms: number; samples: number }
  | { event: 'result'; id: string; outcome: Outcome }
  | { event: 'done'; rssMB: number; version: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Validates an outcome from another process (JSON is untyped; trust nothing). */
function toOutcome(x: unknown): Outcome {
  if (!isRecord(x)) return { status: 'failed', reason: 'malformed result from the peer process' };
  const reason = typeof x.reason === 'string' ? x.reason : '';
  if (x.status === 'ok' && typeof x.value === 'number' && Array.isArray(x.runs)) {
    return { status: 'ok', value: x.value, runs: x.runs.filter((r): r is number => typeof r === 'number') };
  }
  if (x.status === 'skipped')
    return { status: 'skipped', reason, estimate: typeof x.estimate === 'number' ? x.estimate : NaN };
  return { status: 'failed', reason: reason || 'malformed result from the peer process' };
}

function parseEvent(line: string): ChildEvent | null {
  let x: unknown;
  try {
    x = JSON.parse(line);
  } catch {
    return null; // a library's own stdout chatter
  }
  if (!isRecord(x)) return null;
  if (x.event === 'ready' && typeof x.version === 'string') return { event: 'ready', version: x.version };
  if (x.event === 'start' && typeof x.id === 'string') return { event: 'start', id: x.id };
  if (x.event === 'probe' && typeof x.id === 'string' && typeof x.ms === 'number' && typeof x.samples === 'number') {
    return { event: 'probe', id: x.id, ms: x.ms, samples: x.samples };
  }
  if (x.event === 'result' && typeof x.id === 'string')
    return { event: 'result', id: x.id, outcome: toOutcome(x.outcome) };
  if (x.event === 'done')
    return {
      event: 'done',
      rssMB: typeof x.rssMB === 'number' ? x.rssMB : NaN,
      version: typeof x.version === 'string' ? x.version : '?',
    };
  return null;
}

interface Attempt {
  results: Map<string, Outcome>;
  /** The item running when the process ended, if any. */
  current: string | null;
  killed: boolean;
  /** The current item's latest probe step, if it got that far. */
  probe: { ms: number; samples: number } | null;
  code: number | null;
  rssMB: number | null;
  version: string | null;
}

function attempt(
  command: string,
  args: string[],
  req: ChildRequest,
  capMs: number,
  onResult: (id: string, o: Outcome) => void,
): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that the kill reaches anything it started as well.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    const a: Attempt = {
      results: new Map(),
      current: null,
      killed: false,
      probe: null,
      code: null,
      rssMB: null,
      version: null,
    };
    let timer: NodeJS.Timeout | undefined;
    let buffer = '';
    const onLine = (line: string): void => {
      const e = parseEvent(line);
      if (!e) return;
      if (e.event === 'ready') {
        a.version = e.version; // told up front: a child stopped at the cap never reaches 'done'
      } else if (e.event === 'start') {
        a.current = e.id;
        a.probe = null;
        clearTimeout(timer);
        timer = setTimeout(() => {
          a.killed = true;
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        }, capMs);
      } else if (e.event === 'probe') {
        a.probe = { ms: e.ms, samples: e.samples };
      } else if (e.event === 'result') {
        clearTimeout(timer);
        a.results.set(e.id, e.outcome);
        onResult(e.id, e.outcome);
        a.current = null;
      } else {
        a.rssMB = e.rssMB;
        a.version = e.version;
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (buffer) onLine(buffer);
      a.code = code;
      resolve(a);
    });
    child.stdin.on('error', () => {}); // a child that dies early closes its stdin; 'close' reports it
    child.stdin.end(JSON.stringify(req));
  });
}

/** The outcome of an item stopped at the cap, with an estimate from its probe step if it had one. */
function capped(capMs: number, probe: Attempt['probe'], item: Item | undefined): Outcome {
  const cap = `stopped at the ${Math.round(capMs / 1000)} s cap`;
  if (!probe || !item) return { status: 'skipped', reason: cap, estimate: NaN };
  // Linear in samples, as measure.ts's own skip estimate; a first step also pays for set-up.
  const estimate = (probe.ms * item.samples) / probe.samples;
  return {
    status: 'skipped',
    reason: `${cap}; a ${probe.samples}-sample step took ${(probe.ms / 1000).toFixed(1)} s, ~${seconds(estimate / 1000)} s/epoch scaled`,
    estimate,
  };
}

/**
 * Runs every item in a child process; an item still running after `capMs` is killed and reported
 * as skipped, and a fresh child carries on with the rest.
 */
export async function runChild(
  command: string,
  args: string[],
  req: ChildRequest,
  capMs: number,
  onResult: (id: string, o: Outcome) => void,
): Promise<ChildResult> {
  const out: ChildResult = { results: new Map(), rssMB: null, version: null };
  let remaining = req.items;
  while (remaining.length > 0) {
    const a = await attempt(command, args, { ...req, items: remaining }, capMs, onResult);
    for (const [id, o] of a.results) out.results.set(id, o);
    out.rssMB = Math.max(out.rssMB ?? 0, a.rssMB ?? 0) || null;
    out.version ??= a.version;
    if (a.current) {
      const item = remaining.find((i) => i.id === a.current);
      const o: Outcome = a.killed
        ? capped(capMs, a.probe, item)
        : { status: 'failed', reason: `peer process exited with code ${a.code}` };
      out.results.set(a.current, o);
      onResult(a.current, o);
    }
    const next = remaining.filter((i) => !out.results.has(i.id));
    if (next.length === remaining.length) {
      // Nothing started: the process cannot run at all; say so for every item.
      for (const i of next)
        out.results.set(i.id, { status: 'failed', reason: `peer process exited with code ${a.code} before starting` });
      break;
    }
    remaining = next;
  }
  return out;
}

/** The request's top level; items come from our own parent process, written from the same types. */
function isRequest(x: unknown): x is ChildRequest {
  return isRecord(x) && Array.isArray(x.items) && isRecord(x.protocol) && isRecord(x.options);
}

/** Child side: the request from stdin. */
export async function readRequest(): Promise<ChildRequest> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += String(chunk);
  const x: unknown = JSON.parse(text);
  if (!isRequest(x)) throw new Error('bad child request');
  return x;
}

/** Child side: one event line on stdout. */
export function emit(e: ChildEvent): void {
  process.stdout.write(`${JSON.stringify(e)}\n`);
}

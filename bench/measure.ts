// The timing protocol every JS engine goes through, so that Dendrite and its peers are measured
// the same way: probe a step, skip what would blow the time budget, warm up, then the median of N
// epochs. bench/torch_peer.py implements the same protocol in Python.

/** One engine's handle on one workload's compiled model and data. */
export interface TrainSession {
  /** One optimizer step on the first `samples` samples; resolves once its work is done. */
  step(samples: number): Promise<void>;
  /**
   * Trains `epochs` epochs over all samples and resolves to each completed epoch's wall time in ms.
   * `stopAfterBatch` is asked after every batch; training ends early once it answers true.
   */
  fitEpochs(epochs: number, stopAfterBatch: () => boolean): Promise<number[]>;
  /** Frees engine memory (tfjs tensors) before the next workload. */
  dispose?(): void;
}

export interface PredictSession {
  /** Predicts the first `samples` samples in the workload's batches, forcing the results. */
  predict(samples: number): Promise<void>;
  dispose?(): void;
}

/** A measured number, or why there is none. */
export type Outcome =
  | { status: 'ok'; value: number; runs: number[] }
  | { status: 'skipped'; reason: string; estimate: number }
  | { status: 'failed'; reason: string };

export interface Protocol {
  /** Warm-up lasts at least this many epochs (or predict passes)... */
  warmup: number;
  /**
   * ...and at least this long, up to MAX_WARMUP of them: one 2 ms epoch does not warm a JIT (V8
   * runs Dendrite's and tfjs's step code), so a fixed epoch count measured compilation on small
   * workloads and steady speed on big ones. Every engine gets the same rule.
   */
  warmupSeconds: number;
  measured: number;
  budgetSeconds: number;
}

/** The most warm-up epochs or passes, whatever warmupSeconds asks. */
export const MAX_WARMUP = 200;

/** Whether warm-up goes on after `done` runs that took `elapsedMs` in all. */
function warming(p: Protocol, done: number, elapsedMs: number): boolean {
  return done < p.warmup || (elapsedMs < p.warmupSeconds * 1000 && done < MAX_WARMUP);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The first line of an error, short enough for a table cell. */
export function shortReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const line = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
}

/** Seconds for a reason text: whole seconds with separators from 100 up. */
export function seconds(s: number): string {
  return s >= 100 ? Math.round(s).toLocaleString('en-US') : s.toFixed(1);
}

function skipped(estimateMs: number, basis: string, unit = 'epoch'): Outcome {
  const s = estimateMs / 1000;
  return { status: 'skipped', reason: `estimated ${seconds(s)} s/${unit} (${basis})`, estimate: estimateMs };
}

/**
 * Watches the warm-up epoch batch by batch and calls it off once the epoch is clearly over budget:
 * the estimate is the time so far plus the remaining batches at the pace of the latest ones (the
 * first batches of a fresh model are slow everywhere: JIT, kernel set-up, pools).
 */
class Watchdog {
  private readonly t0 = performance.now();
  private last = this.t0;
  private readonly recent: number[] = [];
  private done = 0;
  estimate = 0;
  constructor(
    private readonly batches: number,
    private readonly budgetMs: number,
  ) {}
  /** True to stop training now. Only the first epoch is judged; after it the run is committed. */
  readonly afterBatch = (): boolean => {
    if (this.done >= this.batches) return false;
    const now = performance.now();
    this.recent.push(now - this.last);
    if (this.recent.length > 3) this.recent.shift();
    this.last = now;
    this.done++;
    const elapsed = now - this.t0;
    this.estimate = elapsed + (this.batches - this.done) * median(this.recent);
    return this.estimate > this.budgetMs && (this.done >= 5 || elapsed > this.budgetMs);
  };
}

/** Median ms per epoch, or skipped/failed. */
export async function measureTraining(
  open: () => Promise<TrainSession>,
  samples: number,
  batch: number,
  p: Protocol,
  /** Told each probe step's time, so that a run stopped from outside can still give an estimate. */
  onProbe: (ms: number, samples: number) => void = () => {},
): Promise<Outcome> {
  let s: TrainSession | undefined;
  try {
    const session = await open();
    s = session;
    const budgetMs = p.budgetSeconds * 1000;
    const batches = Math.ceil(samples / batch);
    // A tiny step first: one full batch of W4 on tfjs CPU alone takes minutes, and no epoch can be
    // faster than one small step per batch, so this rules out hopeless runs cheaply.
    const probe = Math.min(8, batch);
    onProbe(await timed(() => session.step(probe)), probe); // pays for graph building and kernel set-up
    const tProbe = await timed(() => session.step(probe));
    onProbe(tProbe, probe);
    if (tProbe * batches > 4 * budgetMs) return skipped((tProbe * samples) / probe, `${probe}-sample step scaled`);
    // The watchdog judges the first epoch only (see Watchdog).
    const watch = new Watchdog(batches, budgetMs);
    let done = 0;
    for (let elapsed = 0; warming(p, done, elapsed); done++) {
      const t = await s.fitEpochs(1, watch.afterBatch);
      if (t.length < 1) return skipped(watch.estimate, 'warm-up epoch called off');
      elapsed += t[0];
    }
    const runs = await s.fitEpochs(p.measured, () => false);
    return { status: 'ok', value: median(runs), runs };
  } catch (e) {
    return { status: 'failed', reason: shortReason(e) };
  } finally {
    s?.dispose?.();
  }
}

/** Median samples/s of whole predict passes, or skipped/failed. */
export async function measurePredict(
  open: () => Promise<PredictSession>,
  samples: number,
  batch: number,
  p: Protocol,
): Promise<Outcome> {
  let s: PredictSession | undefined;
  try {
    s = await open();
    const session = s;
    const budgetMs = p.budgetSeconds * 1000;
    await s.predict(Math.min(batch, samples));
    const tBatch = await timed(() => session.predict(Math.min(batch, samples)));
    const est = tBatch * Math.ceil(samples / batch);
    if (est > budgetMs) return skipped(est, `one ${batch}-sample batch`, 'pass');
    for (let done = 0, elapsed = 0; warming(p, done, elapsed); done++)
      elapsed += await timed(() => session.predict(samples));
    const runs: number[] = [];
    for (let i = 0; i < p.measured; i++) runs.push((samples * 1000) / (await timed(() => session.predict(samples))));
    return { status: 'ok', value: median(runs), runs };
  } catch (e) {
    return { status: 'failed', reason: shortReason(e) };
  } finally {
    s?.dispose?.();
  }
}

import type { Logs } from './callbacks.js';

interface Stream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** stdout on Node; undefined in a browser (where lines go to console.log). */
function stdout(): Stream | undefined {
  const p = (globalThis as { process?: { stdout?: Stream } }).process;
  return p?.stdout;
}

function formatValue(v: number): string {
  if (v === 0) return '0.0000e+00';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? v.toFixed(4) : v.toExponential(4);
}

export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(' - ');
}

function formatDuration(seconds: number): string {
  if (seconds >= 3600)
    return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}

function perUnit(seconds: number, count: number, unit: 'sample' | 'step'): string {
  const t = seconds / Math.max(count, 1);
  return t >= 1
    ? `${t.toFixed(0)}s/${unit}`
    : t >= 1e-3
      ? `${(t * 1e3).toFixed(0)}ms/${unit}`
      : `${(t * 1e6).toFixed(0)}us/${unit}`;
}

/**
 * Keras's progress bar, counted in samples as the notebook shows it:
 * `1000/1000 [==============================] - 0s 45us/sample - loss: 11.7`.
 * On a terminal it redraws in place with an ETA; in a log (no TTY) it prints one line when done.
 */
export class ProgressBar {
  private readonly start = Date.now();
  private lastDraw = 0;
  private readonly out = stdout();
  private readonly live: boolean;
  /** The count reached so far: the total once done when the length was unknown. */
  private seen = 0;

  /**
   * `total` counts samples (arrays) or steps (a stream of batches, `unit: 'step'`); null when a
   * generator's length is unknown, shown as Keras shows it: `12/Unknown`.
   */
  constructor(
    private readonly total: number | null,
    private readonly verbose: 0 | 1 | 2,
    private readonly unit: 'sample' | 'step' = 'sample',
    private readonly width = 30,
  ) {
    this.live = verbose === 1 && !!this.out?.isTTY;
  }

  update(seen: number, logs: Logs): void {
    this.seen = seen;
    if (!this.live) return;
    const now = Date.now();
    const total = this.total;
    if ((total === null || seen < total) && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const tail =
      total === null || seen >= total
        ? `${formatDuration(elapsed)} ${perUnit(elapsed, seen, this.unit)}`
        : `ETA: ${formatDuration((elapsed / Math.max(seen, 1)) * (total - seen))}`;
    const metrics = formatLogs(logs);
    const head = total === null ? `${seen}/Unknown` : this.bar(seen, total);
    this.out!.write(`\r${head} - ${tail}${metrics ? ` - ${metrics}` : ''}\x1b[K`);
  }

  finish(logs: Logs): void {
    const elapsed = (Date.now() - this.start) / 1000;
    const metrics = formatLogs(logs);
    if (this.verbose === 0) return;
    if (this.verbose === 2) {
      emit(` - ${formatDuration(elapsed)} - ${metrics}\n`, this.out);
      return;
    }
    // A stream that ended early (or whose length was unknown) shows the count it reached.
    const total = this.unit === 'step' ? this.seen : (this.total ?? this.seen);
    const line = `${this.bar(total, total)} - ${formatDuration(elapsed)} ${perUnit(elapsed, total, this.unit)}${metrics ? ` - ${metrics}` : ''}`;
    emit(this.live ? `\r${line}\x1b[K\n` : `${line}\n`, this.out);
  }

  private bar(seen: number, total: number): string {
    const digits = String(total).length;
    const filled = Math.floor((this.width * Math.min(seen, total)) / Math.max(total, 1));
    const arrow = seen < total && filled > 0 ? '>' : '';
    const eq = '='.repeat(seen >= total ? this.width : Math.max(filled - 1, 0));
    const body = (eq + arrow).padEnd(this.width, '.').slice(0, this.width);
    return `${String(seen).padStart(digits)}/${total} [${body}]`;
  }
}

export function emit(text: string, out = stdout()): void {
  if (out) out.write(text);
  else console.log(text.replace(/\n$/, ''));
}

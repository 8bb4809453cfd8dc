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

function perSample(seconds: number, samples: number): string {
  const t = seconds / Math.max(samples, 1);
  return t >= 1
    ? `${t.toFixed(0)}s/sample`
    : t >= 1e-3
      ? `${(t * 1e3).toFixed(0)}ms/sample`
      : `${(t * 1e6).toFixed(0)}us/sample`;
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

  constructor(
    private readonly total: number,
    private readonly verbose: 0 | 1 | 2,
    private readonly width = 30,
  ) {
    this.live = verbose === 1 && !!this.out?.isTTY;
  }

  update(seen: number, logs: Logs): void {
    if (!this.live) return;
    const now = Date.now();
    if (seen < this.total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const done = seen >= this.total;
    const tail = done
      ? `${formatDuration(elapsed)} ${perSample(elapsed, seen)}`
      : `ETA: ${formatDuration((elapsed / Math.max(seen, 1)) * (this.total - seen))}`;
    const metrics = formatLogs(logs);
    this.out!.write(`\r${this.bar(seen)} - ${tail}${metrics ? ` - ${metrics}` : ''}\x1b[K`);
  }

  finish(logs: Logs): void {
    const elapsed = (Date.now() - this.start) / 1000;
    const metrics = formatLogs(logs);
    if (this.verbose === 0) return;
    if (this.verbose === 2) {
      emit(` - ${formatDuration(elapsed)} - ${metrics}\n`, this.out);
      return;
    }
    const line = `${this.bar(this.total)} - ${formatDuration(elapsed)} ${perSample(elapsed, this.total)}${metrics ? ` - ${metrics}` : ''}`;
    emit(this.live ? `\r${line}\x1b[K\n` : `${line}\n`, this.out);
  }

  private bar(seen: number): string {
    const digits = String(this.total).length;
    const filled = Math.floor((this.width * Math.min(seen, this.total)) / Math.max(this.total, 1));
    const arrow = seen < this.total && filled > 0 ? '>' : '';
    const eq = '='.repeat(seen >= this.total ? this.width : Math.max(filled - 1, 0) + (filled > 0 ? 0 : 0));
    const body = (eq + arrow).padEnd(this.width, '.').slice(0, this.width);
    return `${String(seen).padStart(digits)}/${this.total} [${body}]`;
  }
}

export function emit(text: string, out = stdout()): void {
  if (out) out.write(text);
  else console.log(text.replace(/\n$/, ''));
}

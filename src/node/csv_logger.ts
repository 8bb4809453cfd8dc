import { appendFileSync, writeFileSync } from 'node:fs';
import { Callback, type Logs } from '../training/callbacks.js';
import { checkOptions, optionNames } from '../layers/options.js';

export interface CSVLoggerArgs {
  separator?: string;
  append?: boolean;
}

/** Streams each epoch's logs to a CSV file (Node only). */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  private readonly separator: string;
  private readonly append: boolean;

  constructor(
    readonly filename: string,
    args: CSVLoggerArgs = {},
  ) {
    super();
    checkOptions('CSVLogger', args, optionNames<CSVLoggerArgs>({ separator: true, append: true }));
    this.separator = args.separator ?? ',';
    this.append = args.append ?? false;
  }

  override onTrainBegin(): void {
    this.keys = null;
    if (!this.append) writeFileSync(this.filename, '');
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      if (!this.append) appendFileSync(this.filename, `${['epoch', ...this.keys].join(this.separator)}\n`);
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? '' : String(logs[k])))];
    appendFileSync(this.filename, `${row.join(this.separator)}\n`);
  }
}

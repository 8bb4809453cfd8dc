import { Callback } from '../training/callbacks.js';

/** Browser builds: there is no file system to log to. */
export class CSVLogger extends Callback {
  constructor(readonly filename: string) {
    super();
    throw new Error('CSVLogger writes files and is only available on Node.js; use a LambdaCallback in the browser.');
  }
}

import { Callback } from '../training/callbacks.js';

/** Browser builds: there is no file system to save checkpoints to. */
export class ModelCheckpoint extends Callback {
  constructor(readonly filepath: string) {
    super();
    throw new Error('ModelCheckpoint writes files and is only available on Node.js.');
  }
}

export function formatPath(): string {
  throw new Error('ModelCheckpoint is only available on Node.js.');
}

/** Whole-file reads and writes for saving and loading models (Node.js; the browser build has its own). */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

/**
 * Replaces the file at `path` with `bytes` atomically: the bytes go to a new file in the same
 * folder, are flushed to the disk, and that file is then renamed over `path`. A process killed at
 * any moment, or a full disk, leaves either the previous file or the new one at `path`, never a
 * part of one (a checkpoint written every epoch must survive the kill that stops a long fit). A
 * killed write can leave its temporary file (`.<name>.<pid>.<random>.tmp`) behind.
 */
export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  // Through a symbolic link to the file it names, as writing in place would.
  const target = await realpath(path).catch(() => path);
  const folder = dirname(target);
  const temp = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // The new file keeps the permissions of the one it replaces.
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o666,
  );
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', mode);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw new Error(`Cannot write '${path}': ${(e as Error).message}`);
  }
  await syncFolder(folder);
}

/**
 * Flushes a folder's entries, so that the rename survives a power cut too. Some systems (Windows)
 * cannot open a folder; there the rename is as durable as the system makes it.
 */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Nothing to do: the file is written and renamed either way.
  } finally {
    await handle?.close().catch(() => {});
  }
}

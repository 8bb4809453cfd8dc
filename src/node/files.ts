/** Whole-file reads and writes for saving and loading models (Node.js; the browser build has its own). */
import { readFile, writeFile } from 'node:fs/promises';

export async function readBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}

export async function writeBytes(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(path, bytes);
}

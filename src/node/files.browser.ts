/** Browser builds: no file system. Models load from bytes there (`loadModel(uint8Array)`). */
export async function readBytes(path: string): Promise<Uint8Array> {
  throw new Error(
    `Cannot read '${path}': there is no file system in the browser; pass the file's bytes (a Uint8Array or ArrayBuffer) instead.`,
  );
}

export async function writeBytes(path: string): Promise<void> {
  throw new Error(`Cannot write '${path}': there is no file system in the browser.`);
}

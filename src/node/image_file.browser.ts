/** Browser builds: plotModel returns the SVG text; there is no file to write, and no PNG renderer. */
export function checkImagePath(path: unknown): asserts path is string {
  throw new Error(
    `plotModel: cannot write ${JSON.stringify(path)}: there is no file system in the browser; use the SVG text plotModel returns.`,
  );
}

export async function imageBytes(path: string): Promise<Uint8Array> {
  checkImagePath(path);
  return new Uint8Array();
}

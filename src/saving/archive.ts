/**
 * The `.keras` file: a zip of `metadata.json`, `config.json` and `model.weights.h5` (Keras 3's
 * saving_lib layout). fflate does the zip; this file only names the parts.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

export interface KerasArchive {
  metadata: Record<string, unknown>;
  config: Record<string, unknown>;
  weights: Uint8Array;
}

export function readKerasArchive(bytes: Uint8Array, what: string): KerasArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new Error(`${what} is not a .keras file (a zip archive): ${(e as Error).message}`);
  }
  const need = (name: string): Uint8Array => {
    const f = files[name];
    if (!f)
      throw new Error(
        `${what} has no ${name}; a .keras file holds ${['metadata.json', 'config.json', 'model.weights.h5'].join(', ')}. It has: ${Object.keys(files).join(', ') || 'nothing'}.`,
      );
    return f;
  };
  const json = (name: string): Record<string, unknown> => {
    try {
      return JSON.parse(strFromU8(need(name))) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${what}: ${name} is not valid JSON: ${(e as Error).message}`);
    }
  };
  return { metadata: json('metadata.json'), config: json('config.json'), weights: need('model.weights.h5') };
}

export function writeKerasArchive(archive: KerasArchive): Uint8Array {
  return zipSync({
    'metadata.json': strToU8(JSON.stringify(archive.metadata)),
    'config.json': strToU8(JSON.stringify(archive.config)),
    // Stored, not deflated: the weights hardly compress, and Keras stores them the same way.
    'model.weights.h5': [archive.weights, { level: 0 }],
  });
}

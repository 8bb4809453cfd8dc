/**
 * The `.keras` file: a zip of `metadata.json`, `config.json` and `model.weights.h5` (Keras 3's
 * saving_lib layout). fflate does the zip; this file only names the parts.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { isKerasFloat } from './keras_floats.js';
import { pythonJson } from './python_json.js';

export interface KerasArchive {
  metadata: Record<string, unknown>;
  config: Record<string, unknown>;
  weights: Uint8Array;
}

/** Whether bytes are a zip archive (a .keras file), by the zip's local-header signature. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
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
    // Written as Python's json writes them, floats as floats: Keras checks some of their types.
    'metadata.json': strToU8(pythonJson(archive.metadata, isKerasFloat)),
    'config.json': strToU8(pythonJson(archive.config, isKerasFloat)),
    // Stored, not deflated: the weights hardly compress, and Keras stores them the same way.
    'model.weights.h5': [archive.weights, { level: 0 }],
  });
}

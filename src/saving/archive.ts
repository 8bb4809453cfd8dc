/**
 * The `.keras` file: a zip of `metadata.json`, `config.json` and `model.weights.h5` (Keras 3's
 * saving_lib layout). fflate writes the zip; zip_reader.ts reads only the entries asked for.
 */
import { strToU8, zipSync } from 'fflate';
import { isKerasFloat } from './keras_floats.js';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './limits.js';
import { pythonJson } from './python_json.js';
import { openZip } from './zip_reader.js';

export interface KerasArchive {
  metadata: Record<string, unknown>;
  config: Record<string, unknown>;
  weights: Uint8Array;
}

/** An opened .keras file, whose entries are inflated one by one, when asked for. */
export interface KerasArchiveReader {
  /** config.json or metadata.json, parsed: at most 64 MiB, nested at most 100 deep. */
  json(name: 'config.json' | 'metadata.json'): Record<string, unknown>;
  /** model.weights.h5's size uncompressed, as the archive claims it, and in the archive. */
  readonly weightsSizes: { size: number; compressedSize: number };
  /** model.weights.h5's bytes, if it claims at most `limit` of them (`why` explains the limit). */
  weights(limit: number, why: string): Uint8Array;
}

const PARTS = ['metadata.json', 'config.json', 'model.weights.h5'];

/** Whether bytes are a zip archive (a .keras file), by the zip's local-header signature. */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Opens a .keras file: reads its directory and checks that it has the three parts, inflating nothing yet. */
export function openKerasArchive(bytes: Uint8Array, what: string): KerasArchiveReader {
  const zip = openZip(bytes, what);
  for (const name of PARTS) {
    if (!zip.sizes(name))
      throw new Error(
        `${what} has no ${name}; a .keras file holds ${PARTS.join(', ')}. ` +
          `It has: ${zip.names.slice(0, 20).join(', ') || 'nothing'}${zip.names.length > 20 ? ', …' : ''}.`,
      );
  }
  return {
    json: (name) => parseJson(zip.read(name, MAX_JSON_BYTES, 'the limit for a JSON part'), what, name),
    weightsSizes: zip.sizes('model.weights.h5')!,
    weights: (limit, why) => zip.read('model.weights.h5', limit, why),
  };
}

/** Parses a JSON part, refusing one nested past MAX_JSON_DEPTH before parsing it. */
function parseJson(bytes: Uint8Array, what: string, name: string): Record<string, unknown> {
  return parseJsonObject(new TextDecoder().decode(bytes), what, name);
}

/**
 * Parses JSON text that must hold an object (a config), refusing text past MAX_JSON_BYTES or nested
 * past MAX_JSON_DEPTH before parsing it: the limits every config reader shares.
 */
export function parseJsonObject(text: string, what: string, name: string): Record<string, unknown> {
  if (text.length > MAX_JSON_BYTES) {
    throw new Error(`${what}: ${name} is ${text.length} characters, past the limit of ${MAX_JSON_BYTES} for a config.`);
  }
  const tooDeep = nestingPast(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0)
    throw new Error(
      `${what}: ${name} nests objects and lists more than ${MAX_JSON_DEPTH} deep (at character ${tooDeep}); ` +
        'a Keras config nests about 10 deep.',
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what}: ${name} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${what}: ${name} holds ${Array.isArray(value) ? 'a list' : String(value)}, not a JSON object.`);
  return value as Record<string, unknown>;
}

/**
 * Where JSON text first nests deeper than `depth` (an index), or -1. Every reader of a config
 * recurses through it, so depth is what would overflow the stack, in JSON.parse or after it.
 */
function nestingPast(text: string, depth: number): number {
  let level = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++level > depth) return i;
    } else if (c === 0x5d || c === 0x7d) level--;
  }
  return -1;
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

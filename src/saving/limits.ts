/**
 * How much a file may make Dendrite allocate while it loads. A file's bytes are untrusted: a few
 * kilobytes can declare a billion parameters, a dataset of a gigabyte, or a zip entry that
 * inflates a thousandfold. Each limit here follows from the size of the file itself, so a small
 * file can only take a little memory, and `loadModel`'s `maxParams` raises them for a file the
 * caller trusts. docs/security.md lists them.
 */

const MiB = 2 ** 20;

/** The most bytes config.json and metadata.json may hold: Keras configs of thousands of layers take a few. */
export const MAX_JSON_BYTES = 64 * MiB;
/** The deepest a config may nest: Keras's nest about 10 deep, a model in a model in a model about 30. */
export const MAX_JSON_DEPTH = 100;

/** Parameters a model may have beyond what its weights file could hold as float32. */
const PARAM_SLACK = 2 ** 20;
/** Bytes a weights entry of a .keras file may inflate to beyond its own limit, for the HDF5 structure. */
const ENTRY_SLACK = 64 * MiB;
/** What each parameter may take in a weights file: itself and up to three optimizer slots, as float32. */
const BYTES_PER_PARAM = 16;
/**
 * How far a deflated weights entry may inflate, by default. Keras and Dendrite store the weights
 * uncompressed; random float32 weights deflate to about 90% of their size.
 */
const WEIGHTS_INFLATION = 4;

/**
 * The most parameters a model may have, and why: `maxParams` when the caller gives it, otherwise
 * what a weights file of `weightsBytes` can hold (one float32 per 4 bytes), plus slack.
 */
export function paramsLimit(weightsBytes: number, maxParams?: number): { limit: number; why: string } {
  if (maxParams !== undefined) return { limit: maxParams, why: 'the maxParams given' };
  return {
    limit: Math.floor(weightsBytes / 4) + PARAM_SLACK,
    why:
      `one float32 for each 4 of the ${weightsBytes.toLocaleString('en-US')} bytes of its weights file, ` +
      `plus ${PARAM_SLACK.toLocaleString('en-US')}`,
  };
}

/**
 * The most bytes a .keras file's model.weights.h5 may inflate to, and why: for a model of at most
 * `maxParams` parameters (given by the caller, or the model's own count), 16 bytes each; otherwise
 * 4 times its compressed size.
 */
export function weightsEntryLimit(compressedSize: number, maxParams?: number): { limit: number; why: string } {
  if (maxParams !== undefined) {
    return {
      limit: BYTES_PER_PARAM * maxParams + ENTRY_SLACK,
      why: `${BYTES_PER_PARAM} bytes for each of ${maxParams.toLocaleString('en-US')} parameters, plus 64 MiB`,
    };
  }
  return {
    limit: WEIGHTS_INFLATION * compressedSize + ENTRY_SLACK,
    why: `${WEIGHTS_INFLATION} times its compressed size, plus 64 MiB; loadModel's maxParams option raises it`,
  };
}

/**
 * `model.save`, `loadModel`, `model.saveWeights` and `model.loadWeights`: Keras 3's `.keras` and
 * `.weights.h5` files, so that a model moves between Python and TypeScript.
 */
import { isZip, openKerasArchive, writeKerasArchive } from '../saving/archive.js';
import { isHdf5, openHdf5, writeHdf5 } from '../saving/hdf5.js';
import { paramsLimit, weightsEntryLimit } from '../saving/limits.js';
import { checkOptions, describeValue } from '../layers/options.js';
import type { CustomObjects } from '../layers/serialization.js';
import { withWeightBudget } from '../layers/weight_budget.js';
import { readBytes, writeBytes } from '../node/files.js';
import { compileFromKeras, compileToKeras } from '../training/keras_compile.js';
import type { CompileArgs } from '../training/compile_config.js';
import type { Functional } from './functional.js';
import { modelFromKeras, modelToKeras } from './keras_config.js';
import type { Model } from './model.js';
import { assignOptimizerState, assignWeights, weightsTree } from './weights_file.js';
import type { Optimizer } from '../training/optimizers.js';

/** A file path (Node.js), or a file's bytes (anywhere, the browser included). */
export type FileSource = string | Uint8Array | ArrayBuffer;

/** The Keras version whose file layout this writes; Keras records its version in metadata.json. */
const KERAS_VERSION = '3.15.1';

async function bytesOf(source: FileSource, method: string): Promise<{ bytes: Uint8Array; what: string }> {
  if (typeof source === 'string' && source.length > 0) return { bytes: await readBytes(source), what: `'${source}'` };
  if (source instanceof Uint8Array) return { bytes: source, what: 'the given bytes' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), what: 'the given bytes' };
  throw new TypeError(
    `${method} expects a path or the file's bytes (Uint8Array/ArrayBuffer), got ${source === '' ? 'an empty string' : describeValue(source)}.`,
  );
}

function requireExtension(path: unknown, ext: string, method: string): asserts path is string {
  if (typeof path !== 'string')
    throw new TypeError(
      `${method} expects the path of the file to write, ending in ${ext}, got ${describeValue(path)}.`,
    );
  if (!path.endsWith(ext))
    throw new Error(`${method}: the file name must end in ${ext} (Keras 3's format), got '${path}'.`);
}

/** A `.keras` file's bytes: metadata.json, config.json (with the compile config) and model.weights.h5. */
async function encodeModel(
  model: Functional,
  compileArgs: CompileArgs | undefined,
  optimizer: Optimizer | undefined,
): Promise<Uint8Array> {
  const config = modelToKeras(model);
  const compile = compileArgs ? compileToKeras(compileArgs, optimizer) : null;
  config.compile_config = compile ?? {};
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const dateSaved = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return writeKerasArchive({
    metadata: { keras_version: KERAS_VERSION, date_saved: dateSaved, saved_by: 'dendrite' },
    config,
    // The optimizer's state goes with its compile settings, so that training resumes where it stopped.
    weights: await writeHdf5(weightsTree(model, compile ? optimizer : undefined)),
  });
}

export async function saveModel(model: Model, path: string, compileArgs: CompileArgs | undefined): Promise<void> {
  requireExtension(path, '.keras', 'model.save');
  await writeBytes(path, await encodeModel(model, compileArgs, model.optimizer));
}

export interface LoadModelArgs {
  /** Compile the model as it was saved (Keras's `compile=True`), when the file holds compile settings. Default true. */
  compile?: boolean;
  /**
   * The most parameters the model may have; a config asking for more is refused before its
   * weights are allocated. Default: as many float32 values as the file's weights take bytes / 4,
   * plus 1,048,576. Raise it for a trusted file whose weights are compressed.
   */
  maxParams?: number;
  /** User layer classes by class name or registered name (`my_package>Scale`), for this load only. */
  customObjects?: CustomObjects;
}

/**
 * Rebuilds a model from a `.keras` file: architecture, weights, and compile settings when it has
 * them. Reads config.json, metadata.json and model.weights.h5 and nothing else in the archive,
 * each within a limit that follows from the file's size (see docs/security.md), and runs no code
 * from the file.
 */
export async function loadModel(source: FileSource, args: LoadModelArgs = {}): Promise<Model> {
  checkOptions('loadModel', args, ['compile', 'maxParams', 'customObjects']);
  if (args.customObjects !== undefined && (typeof args.customObjects !== 'object' || args.customObjects === null))
    throw new TypeError(
      `loadModel: customObjects must be a record of layer classes, got ${describeValue(args.customObjects)}.`,
    );
  if (args.compile !== undefined && typeof args.compile !== 'boolean')
    throw new TypeError(`loadModel: compile must be true or false, got ${describeValue(args.compile)}.`);
  const { maxParams } = args;
  if (maxParams !== undefined && !(Number.isSafeInteger(maxParams) && maxParams > 0))
    throw new TypeError(`loadModel: maxParams must be a whole number above 0, got ${describeValue(maxParams)}.`);
  const { bytes, what } = await bytesOf(source, 'loadModel');
  if (isHdf5(bytes))
    throw new Error(
      `${what} is a weights file (HDF5), not a .keras model: build the model, then call model.loadWeights on it.`,
    );
  const archive = openKerasArchive(bytes, what);
  const config = archive.json('config.json');
  // Dendrite needs nothing in metadata.json, but a .keras file without a sound one is damaged.
  archive.json('metadata.json');
  const entry = weightsEntryLimit(archive.weightsSizes.compressedSize, maxParams);
  const weights = archive.weights(entry.limit, entry.why);
  const model = buildWithin(paramsLimit(weights.length, maxParams), config, what, args.customObjects ?? {});
  await openHdf5(weights, `${what} (model.weights.h5)`, (file) => {
    assignWeights(model, file, what);
    const compile = config.compile_config;
    if (args.compile !== false && compile && typeof compile === 'object' && Object.keys(compile).length > 0) {
      try {
        model.compile(compileFromKeras(compile as Record<string, unknown>));
      } catch (e) {
        throw new Error(
          `${what}: cannot restore the compile settings of model '${model.name}': ${(e as Error).message}. ` +
            'Load it with { compile: false } and compile it yourself.',
        );
      }
      if (model.optimizer) assignOptimizerState(model, model.optimizer, file, what);
    }
  });
  return model;
}

/**
 * Builds the model a config describes, with at most `limit` parameters: each weight is counted
 * before it is allocated, so a config asking for billions is refused having allocated nothing.
 */
function buildWithin(
  { limit, why }: { limit: number; why: string },
  config: Record<string, unknown>,
  what: string,
  customObjects: CustomObjects,
): Model {
  const name = (config.config as Record<string, unknown> | undefined)?.name;
  const model = typeof name === 'string' ? `model '${name}'` : 'the model';
  const refuse = (detail: string): Error =>
    new Error(
      `${what}: ${model} would hold more than ${limit.toLocaleString('en-US')} parameters (${why}): ${detail}. ` +
        'If the file is trusted and the model that large, pass a larger maxParams to loadModel.',
    );
  return withWeightBudget(limit, refuse, () => modelFromKeras(config, customObjects));
}

export async function saveWeights(model: Functional, path: string): Promise<void> {
  requireExtension(path, '.weights.h5', 'model.saveWeights');
  await writeBytes(path, await writeHdf5(weightsTree(model)));
}

/**
 * Loads a `.weights.h5` file, or the weights inside a `.keras` file (as Keras's `load_weights`
 * does), told apart by their bytes. Reads only the datasets the model's weights need.
 */
export async function loadWeights(model: Functional, source: FileSource): Promise<void> {
  const { bytes, what } = await bytesOf(source, 'model.loadWeights');
  let weights = bytes;
  let where = what;
  if (isZip(bytes)) {
    const archive = openKerasArchive(bytes, what);
    const params = model.weights.reduce((n, w) => n + w.value.size, 0);
    const entry = weightsEntryLimit(archive.weightsSizes.compressedSize, params);
    weights = archive.weights(entry.limit, `${entry.why}, the model's`);
    where = `${what} (model.weights.h5)`;
  } else if (!isHdf5(bytes)) {
    throw new Error(
      `${what} is neither a .weights.h5 file (HDF5) nor a .keras file (zip): it starts with neither's signature.`,
    );
  }
  await openHdf5(weights, where, (file) => assignWeights(model, file, what));
}

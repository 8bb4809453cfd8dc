/**
 * `Dataset`, in the spirit of tf.data: a lazy, re-iterable stream of elements (tensors, or lists
 * and records of tensors) built from sources and transformations. Nothing runs until a pass is
 * iterated (`for await`, `fit`, `toArray`), and each pass reads its source afresh.
 */
import { drawSeed, seededUniform } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';
import { type Element, checkElement, rowCount, rowOf } from './element.js';
import {
  CachePass,
  batched,
  filtered,
  mapped,
  prefetched,
  repeated,
  shuffled,
  skipped,
  taken,
  unbatched,
  zipped,
} from './transforms.js';

export interface BatchArgs {
  /** Drop a last batch smaller than `batchSize`, so every batch has the same size. */
  dropRemainder?: boolean;
}

export interface ShuffleArgs {
  /** Seeds this shuffle alone; without it, each pass draws its seed from the generator `setSeed` seeds. */
  seed?: number;
  /** A different order each pass (each epoch), as tf.data's default; false repeats the first order. */
  reshuffleEachIteration?: boolean;
}

const BATCH_OPTIONS = optionNames<BatchArgs>({ dropRemainder: true });
const SHUFFLE_OPTIONS = optionNames<ShuffleArgs>({ seed: true, reshuffleEachIteration: true });

/** The elements of each dataset in a list or record given to `Dataset.zip`, in the same structure. */
export type ZippedElement<D> = { -readonly [K in keyof D]: D[K] extends Dataset<infer E> ? E : never };

/** A count ≥ min, or an error naming the call. */
function count(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${where}: ${name} must be a whole number ≥ ${min}, got ${describeValue(value)}.`);
  }
  return value;
}

function checkFunction(where: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${where}: expects a function, got ${describeValue(value)}.`);
}

export class Dataset<T extends Element = Element> implements AsyncIterable<T> {
  /**
   * How many elements one pass yields: a number, `Infinity` for a dataset without end (a
   * `repeat()` with no count), or null when it cannot be known without iterating (a generator,
   * a `filter`), as tf.data's `cardinality`.
   */
  readonly cardinality: number | null;
  private readonly open: () => AsyncIterator<T>;

  private constructor(open: () => AsyncIterator<T>, cardinality: number | null) {
    this.open = open;
    this.cardinality = cardinality;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.open();
  }

  // ---- sources ----------------------------------------------------------------------------

  /**
   * One element per row of the data: a tensor gives its rows; a list or record of tensors
   * (`[x, y]`, `[x, y, sampleWeight]`, `{ image, label }`, nested) gives the same structure with one row
   * of each. Rows are views of the tensors, not copies.
   */
  static fromTensorSlices<const T extends Element>(data: T): Dataset<T> {
    checkElement(data, 'Dataset.fromTensorSlices');
    const n = rowCount(data, 'Dataset.fromTensorSlices');
    return new Dataset(async function* () {
      for (let i = 0; i < n; i++) yield rowOf(data, i);
    }, n);
  }

  /**
   * Elements from a generator. Pass a function that makes one (`() => gen()`, sync or async), so
   * that each pass (each epoch) starts it again; an iterable object can be read only once.
   */
  static fromGenerator<T extends Element>(
    source: (() => Iterable<T> | AsyncIterable<T>) | Iterable<T> | AsyncIterable<T>,
  ): Dataset<T> {
    const where = 'Dataset.fromGenerator';
    const isIterable =
      typeof source === 'object' && source !== null && (Symbol.iterator in source || Symbol.asyncIterator in source);
    if (typeof source !== 'function' && !isIterable) {
      throw new TypeError(
        `${where}: expects a function that returns an iterable, or an iterable, got ${describeValue(source)}.`,
      );
    }
    let used = false;
    return new Dataset(async function* () {
      const made = typeof source === 'function' ? source() : source;
      if (typeof made !== 'object' || made === null || !(Symbol.iterator in made || Symbol.asyncIterator in made)) {
        throw new TypeError(
          `${where}: the function must return an iterable (a generator), got ${describeValue(made)}.`,
        );
      }
      if (typeof source !== 'function' && used && isOneShot(made)) {
        throw new Error(
          `${where}: the generator was already read to its end by an earlier pass; pass a function that creates it (() => gen()) ` +
            'so each pass (each epoch) starts afresh.',
        );
      }
      used = true;
      let index = 0;
      for await (const e of made as AsyncIterable<T>) {
        checkElement(e, `${where} (element ${index++})`);
        yield e;
      }
    }, null);
  }

  /** Scalar int32 tensors from `start` (inclusive) to `stop` (exclusive) by `step`, as Python's `range`. */
  static range(stop: number): Dataset<Tensor>;
  static range(start: number, stop: number, step?: number): Dataset<Tensor>;
  static range(a: number, b?: number, step = 1): Dataset<Tensor> {
    const [start, stop] = b === undefined ? [0, a] : [a, b];
    for (const [name, v] of [
      ['start', start],
      ['stop', stop],
      ['step', step],
    ] as const) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || Math.abs(v) > 2 ** 31 - 1) {
        throw new TypeError(
          `Dataset.range: ${name} must be a whole number in the int32 range, got ${describeValue(v)}.`,
        );
      }
    }
    if (step === 0) throw new Error('Dataset.range: step must not be 0.');
    const n = Math.max(0, Math.ceil((stop - start) / step));
    return new Dataset(async function* () {
      for (let i = 0; i < n; i++) yield new Tensor(new Int32Array([start + i * step]), [], 'int32');
    }, n);
  }

  /** Datasets side by side: each element is a list (or record) of one element from each, until the shortest ends. */
  static zip<const D extends readonly Dataset<Element>[] | { readonly [key: string]: Dataset<Element> }>(
    datasets: D,
  ): Dataset<ZippedElement<D> & Element> {
    const where = 'Dataset.zip';
    const isList = Array.isArray(datasets);
    if (typeof datasets !== 'object' || datasets === null) {
      throw new TypeError(`${where}: expects a list or a record of datasets, got ${describeValue(datasets)}.`);
    }
    const keys = Object.keys(datasets);
    const parts = keys.map((k) => (datasets as { readonly [key: string]: unknown })[k]);
    if (parts.length === 0) throw new Error(`${where}: needs at least one dataset.`);
    parts.forEach((d, i) => {
      if (!(d instanceof Dataset)) {
        throw new TypeError(
          `${where}: ${isList ? `entry ${i}` : `'${keys[i]}'`} is ${describeValue(d)}, not a Dataset.`,
        );
      }
    });
    const sets = parts as Dataset<Element>[];
    const sizes = sets.map((d) => d.cardinality);
    const known = sizes.filter((c): c is number => c !== null);
    const cardinality = known.length === sizes.length ? Math.min(...known) : null;
    // The parts are rebuilt in the structure given, which is what ZippedElement<D> describes.
    const build = (values: unknown[]) =>
      (isList ? values : Object.fromEntries(keys.map((k, i) => [k, values[i]]))) as ZippedElement<D> & Element;
    return new Dataset(() => zipped(sets, build), cardinality);
  }

  // ---- transformations ----------------------------------------------------------------------

  /** Applies `fn` to each element (it may be async); its result is the new element. */
  map<U extends Element>(fn: (element: T) => U | Promise<U>): Dataset<U> {
    checkFunction('Dataset.map', fn);
    return new Dataset(() => mapped(this, fn, 'Dataset.map'), this.cardinality);
  }

  /** Keeps the elements for which `predicate` returns true. */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    checkFunction('Dataset.filter', predicate);
    return new Dataset(
      () => filtered(this, predicate, 'Dataset.filter'),
      this.cardinality === Number.POSITIVE_INFINITY ? this.cardinality : null,
    );
  }

  /** Stacks `batchSize` consecutive elements along a new first axis; all must share structure, shapes and dtypes. */
  batch(batchSize: number, args: BatchArgs = {}): Dataset<T> {
    const size = count('Dataset.batch', 'batchSize', batchSize, 1);
    checkOptions('Dataset.batch', args, BATCH_OPTIONS);
    const drop = args.dropRemainder ?? false;
    if (typeof drop !== 'boolean') {
      throw new TypeError(`Dataset.batch: dropRemainder must be true or false, got ${describeValue(drop)}.`);
    }
    const n = this.cardinality;
    const batches = n === null || !Number.isFinite(n) ? n : drop ? Math.floor(n / size) : Math.ceil(n / size);
    return new Dataset(() => batched(this, size, drop, 'Dataset.batch'), batches);
  }

  /** Splits each element into its rows along the first axis: the inverse of `batch`. */
  unbatch(): Dataset<T> {
    return new Dataset(
      () => unbatched(this, 'Dataset.unbatch'),
      this.cardinality === Number.POSITIVE_INFINITY ? this.cardinality : null,
    );
  }

  /**
   * Shuffles through a buffer of `bufferSize` elements (a buffer as large as the dataset shuffles it
   * uniformly). Reproducible under `setSeed`, or on its own with `seed`.
   */
  shuffle(bufferSize: number, args: ShuffleArgs = {}): Dataset<T> {
    const size = count('Dataset.shuffle', 'bufferSize', bufferSize, 1);
    checkOptions('Dataset.shuffle', args, SHUFFLE_OPTIONS);
    const reshuffle = args.reshuffleEachIteration ?? true;
    if (typeof reshuffle !== 'boolean') {
      throw new TypeError(
        `Dataset.shuffle: reshuffleEachIteration must be true or false, got ${describeValue(reshuffle)}.`,
      );
    }
    if (args.seed !== undefined) count('Dataset.shuffle', 'seed', args.seed, 0);
    let base = args.seed;
    let pass = 0;
    return new Dataset(() => {
      // Each pass gets its own generator: the order depends on the seed and the pass number only.
      base ??= drawSeed();
      const seed = reshuffle ? (base + Math.imul(pass++, 0x9e3779b9)) >>> 0 : base;
      return shuffled(this, size, seededUniform(seed));
    }, this.cardinality);
  }

  /** The dataset `count` times over, or without end when `count` is omitted. */
  repeat(count_?: number): Dataset<T> {
    const times =
      count_ === undefined || count_ === -1 ? Number.POSITIVE_INFINITY : count('Dataset.repeat', 'count', count_, 0);
    const n = this.cardinality;
    const total = times === 0 || n === 0 ? 0 : n === null ? (Number.isFinite(times) ? null : times) : n * times;
    return new Dataset(() => repeated(() => this, times), total);
  }

  /** The first `count` elements. */
  take(count_: number): Dataset<T> {
    const k = count('Dataset.take', 'count', count_, 0);
    const n = this.cardinality;
    return new Dataset(() => taken(this, k), n === null ? null : Math.min(n, k));
  }

  /** All but the first `count` elements. */
  skip(count_: number): Dataset<T> {
    const k = count('Dataset.skip', 'count', count_, 0);
    const n = this.cardinality;
    return new Dataset(() => skipped(this, k), n === null ? null : Math.max(n - k, 0));
  }

  /** Keeps the elements in memory after the first full pass, so later passes (epochs) replay them. */
  cache(): Dataset<T> {
    const store = new CachePass<T>();
    return new Dataset(() => store.run(() => this), this.cardinality);
  }

  /** Reads up to `bufferSize` elements ahead, so an async source overlaps with the work on earlier ones. */
  prefetch(bufferSize = 1): Dataset<T> {
    const size = count('Dataset.prefetch', 'bufferSize', bufferSize, 1);
    return new Dataset(() => prefetched(this, size), this.cardinality);
  }

  /** Every element of one pass, in a list. */
  async toArray(): Promise<T[]> {
    if (this.cardinality === Number.POSITIVE_INFINITY) {
      throw new Error('Dataset.toArray: the dataset has no end; take(n) a finite part first.');
    }
    const out: T[] = [];
    for await (const e of this) out.push(e);
    return out;
  }
}

/** A generator object: iterating it returns itself, so a second pass finds it spent. */
function isOneShot(v: object): boolean {
  const it = v as Partial<Iterable<unknown> & AsyncIterable<unknown>>;
  return it[Symbol.iterator]?.() === v || it[Symbol.asyncIterator]?.() === v;
}

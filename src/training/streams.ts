/**
 * Streaming input for fit, evaluate and predict: a Dataset, a Sequence, or any (async) iterable of
 * batches. This file reads batches and applies Keras's rules for what a batch holds; the loops in
 * stream_loops.ts decide when an epoch ends.
 */
import { Dataset } from '../data/dataset.js';
import { Sequence } from '../data/sequence.js';
import { describeValue } from '../layers/options.js';
import { permutation } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Data } from './data.js';

/** Per-sample weights in a batch. */
export type SampleWeightData = Tensor | Float32Array | readonly number[];
/** One batch for fit and evaluate: `[x, y]` or `[x, y, sampleWeight]`, x and y as arrays are given. */
export type StreamBatch = readonly [Data, Data] | readonly [Data, Data, SampleWeightData] | readonly Data[];
/** One batch for predict: its inputs alone, or `[x]`, `[x, y]`, `[x, y, sampleWeight]` (only x is used). */
export type PredictBatch = Data | StreamBatch;
/** Where batches come from. A Dataset is an AsyncIterable; arrays are data, never a list of batches. */
export type BatchSource<T> = Sequence<T> | Iterable<T> | AsyncIterable<T>;

/** Whether fit's first argument is a stream of batches rather than arrays of samples. */
export function isBatchSource<T>(
  v: T,
): v is Exclude<
  T,
  number | boolean | readonly unknown[] | Tensor | ArrayBufferView | { readonly [key: string]: unknown }
> {
  if (v instanceof Sequence || v instanceof Dataset) return true;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Tensor || ArrayBuffer.isView(v)) {
    return false;
  }
  return Symbol.asyncIterator in v || Symbol.iterator in v;
}

/**
 * Keras's `unpack_x_y_sample_weight`: a list of one to three entries is `[x, y?, sampleWeight?]`;
 * anything else is x alone.
 */
export function unpackBatch(element: unknown, where: string): { x: Data; y?: Data; sw?: SampleWeightData } {
  if (element === undefined || element === null) {
    throw new TypeError(`${where}: the batch is ${describeValue(element)}; expected [x, y] or [x, y, sampleWeight].`);
  }
  if (Array.isArray(element) && element.length >= 1 && element.length <= 3) {
    const [x, y, sw] = element as [Data, Data?, unknown?];
    return { x, y, sw: sw === undefined ? undefined : sampleWeightOf(sw, where) };
  }
  return { x: element as Data };
}

function sampleWeightOf(v: unknown, where: string): SampleWeightData {
  if (v instanceof Tensor || v instanceof Float32Array) return v;
  if (ArrayBuffer.isView(v)) return Float32Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v) && v.every((w) => typeof w === 'number')) return v;
  throw new TypeError(
    `${where}: the batch's sampleWeight is ${describeValue(v)}; give a tensor, a Float32Array or a list of numbers.`,
  );
}

/**
 * Reads batches from a source pass by pass. `next` continues the current pass and opens a new one
 * after the last ended; a Sequence's pass visits every index once (shuffled on request). The
 * first batch can be read ahead (`peek`) to build the model, and is still the first one trained on.
 */
export class BatchReader<T> {
  /** Batches in one pass: a number, Infinity (without end) or null (unknown). */
  readonly length: number | null;
  private current: AsyncIterator<T> | null = null;
  private ahead: IteratorResult<T> | null = null;

  constructor(
    private readonly source: BatchSource<T>,
    private readonly where: string,
    private readonly shuffle = false,
  ) {
    if (source instanceof Sequence) {
      const n = source.length;
      if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
        throw new TypeError(`${where}: the Sequence's length must be a whole number ≥ 0, got ${describeValue(n)}.`);
      }
      this.length = n;
    } else {
      this.length = source instanceof Dataset ? source.cardinality : null;
    }
  }

  /** The first batch of the next pass, kept for `next` to return again. */
  async peek(): Promise<T | undefined> {
    this.ahead ??= await this.pull();
    return this.ahead.done ? undefined : this.ahead.value;
  }

  async next(): Promise<IteratorResult<T>> {
    const r = this.ahead ?? (await this.pull());
    this.ahead = null;
    if (r.done) this.current = null;
    return r;
  }

  /** Ends the pass in progress (a `finally` in a generator runs now). */
  async close(): Promise<void> {
    const it = this.current;
    this.current = null;
    this.ahead = null;
    await it?.return?.();
  }

  /** Keras calls a PyDataset's `on_epoch_end` after each epoch. */
  async epochEnd(): Promise<void> {
    if (this.source instanceof Sequence) await this.source.onEpochEnd();
  }

  private pull(): Promise<IteratorResult<T>> {
    this.current ??= this.open();
    return this.current.next();
  }

  private open(): AsyncIterator<T> {
    const src = this.source;
    if (src instanceof Sequence) return sequencePass(src, this.length ?? 0, this.shuffle, this.where);
    if (Symbol.asyncIterator in src) return src[Symbol.asyncIterator]();
    const it = src[Symbol.iterator]();
    return {
      next: async () => it.next(),
      return: async () => it.return?.() ?? { done: true, value: undefined },
    };
  }
}

async function* sequencePass<T>(seq: Sequence<T>, n: number, shuffle: boolean, where: string): AsyncGenerator<T> {
  const order = shuffle ? permutation(n) : null;
  for (let i = 0; i < n; i++) {
    const index = order ? order[i] : i;
    const item = await seq.getItem(index);
    if (item === undefined) throw new TypeError(`${where}: the Sequence's getItem(${index}) returned undefined.`);
    yield item;
  }
}

/**
 * The passes behind each Dataset transformation, as async generators over a source pass. Each
 * reads its source lazily and closes it when the consumer stops early (a `take`, an error), so a
 * generator's `finally` blocks run.
 */
import { type Element, checkElement, rowCount, rowOf, stackElements } from './element.js';

export async function* mapped<T, U extends Element>(
  source: AsyncIterable<T>,
  fn: (e: T) => U | Promise<U>,
  where: string,
): AsyncGenerator<U> {
  let index = 0;
  for await (const e of source) {
    const out = await fn(e);
    checkElement(out, `${where}: the function's result for element ${index++}`);
    yield out;
  }
}

export async function* filtered<T>(
  source: AsyncIterable<T>,
  keep: (e: T) => boolean | Promise<boolean>,
  where: string,
): AsyncGenerator<T> {
  for await (const e of source) {
    const verdict = await keep(e);
    if (typeof verdict !== 'boolean') {
      throw new TypeError(`${where}: the predicate must return true or false, got ${typeof verdict}.`);
    }
    if (verdict) yield e;
  }
}

export async function* batched<T extends Element>(
  source: AsyncIterable<T>,
  size: number,
  dropRemainder: boolean,
  where: string,
): AsyncGenerator<T> {
  let items: T[] = [];
  let first = 0;
  for await (const e of source) {
    items.push(e);
    if (items.length === size) {
      yield stackElements(items, where, first);
      first += size;
      items = [];
    }
  }
  if (items.length > 0 && !dropRemainder) yield stackElements(items, where, first);
}

export async function* unbatched<T extends Element>(source: AsyncIterable<T>, where: string): AsyncGenerator<T> {
  let index = 0;
  for await (const e of source) {
    const n = rowCount(e, `${where} (element ${index++})`);
    for (let i = 0; i < n; i++) yield rowOf(e, i);
  }
}

/**
 * tf.data's shuffle: a buffer of `size` elements, each output drawn at random from it and its
 * place refilled from the source. `uniform` is this pass's generator.
 */
export async function* shuffled<T>(source: AsyncIterable<T>, size: number, uniform: () => number): AsyncGenerator<T> {
  const buffer: T[] = [];
  for await (const e of source) {
    if (buffer.length < size) {
      buffer.push(e);
      continue;
    }
    const j = Math.floor(uniform() * size);
    const out = buffer[j];
    buffer[j] = e;
    yield out;
  }
  while (buffer.length > 0) {
    const j = Math.floor(uniform() * buffer.length);
    const out = buffer[j];
    buffer[j] = buffer[buffer.length - 1];
    buffer.pop();
    yield out;
  }
}

export async function* repeated<T>(open: () => AsyncIterable<T>, count: number): AsyncGenerator<T> {
  for (let pass = 0; pass < count; pass++) {
    let any = false;
    for await (const e of open()) {
      any = true;
      yield e;
    }
    // An empty source repeated forever would spin without yielding: it ends instead, as tf.data's does.
    if (!any) return;
  }
}

export async function* taken<T>(source: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  if (count === 0) return;
  let n = 0;
  for await (const e of source) {
    yield e;
    if (++n >= count) return;
  }
}

export async function* skipped<T>(source: AsyncIterable<T>, count: number): AsyncGenerator<T> {
  let n = 0;
  for await (const e of source) {
    if (n++ >= count) yield e;
  }
}

/** Pulls up to `size` elements ahead of the consumer, so an async source (a file, a fetch) overlaps with training. */
export async function* prefetched<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const queue: Promise<IteratorResult<T>>[] = [];
  let ended = false;
  try {
    for (;;) {
      while (!ended && queue.length < size + 1) {
        const p = it.next();
        // Marked as handled: a read ahead that fails after the consumer stopped must not surface
        // as an unhandled rejection; the one awaited below still throws.
        p.catch(() => undefined);
        queue.push(p);
      }
      const r = await queue.shift()!;
      if (r.done) {
        ended = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!ended) await it.return?.();
  }
}

/** Keeps the elements of the first complete pass and replays them after; a pass stopped early keeps nothing. */
export class CachePass<T> {
  private complete: T[] | null = null;
  async *run(source: () => AsyncIterable<T>): AsyncGenerator<T> {
    if (this.complete) {
      yield* this.complete;
      return;
    }
    const seen: T[] = [];
    for await (const e of source()) {
      seen.push(e);
      yield e;
    }
    this.complete = seen;
  }
}

export async function* zipped<T>(
  sources: readonly AsyncIterable<unknown>[],
  build: (parts: unknown[]) => T,
): AsyncGenerator<T> {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  try {
    for (;;) {
      const rs = await Promise.all(its.map((it) => it.next()));
      if (rs.some((r) => r.done)) return;
      yield build(rs.map((r) => r.value));
    }
  } finally {
    // The shortest ended (or the consumer stopped): close the others so their generators clean up.
    await Promise.all(its.map((it) => it.return?.()));
  }
}

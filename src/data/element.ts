/**
 * Dataset elements: a tensor, or a list or record of elements. This file knows their structure
 * (walking, rebuilding, stacking rows into a batch and slicing a batch into rows); dataset.ts
 * knows iteration.
 */
import { allocData } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { describeValue } from '../layers/options.js';

/** One element of a dataset: a tensor, or a list (`[x, y]`) or record (`{ image, label }`) of elements. */
export type Element = Tensor | readonly Element[] | { readonly [key: string]: Element };

function isRecord(v: unknown): v is { readonly [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/** Each tensor of an element with where it sits (`[0]`, `.image`), in a fixed order. */
export function leaves(e: Element, path = ''): { path: string; tensor: Tensor }[] {
  if (e instanceof Tensor) return [{ path: path || 'the element', tensor: e }];
  if (Array.isArray(e)) return (e as readonly Element[]).flatMap((v, i) => leaves(v, `${path}[${i}]`));
  return Object.keys(e).flatMap((k) => leaves((e as { readonly [key: string]: Element })[k], `${path}.${k}`));
}

/**
 * Checks that `v` is an element (tensors in lists and records), naming what is not: a generator
 * that yields a number array where a tensor belongs fails at that element, not at `batch`.
 */
export function checkElement(v: unknown, where: string, path = ''): asserts v is Element {
  if (v instanceof Tensor) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => checkElement(item, where, `${path}[${i}]`));
    return;
  }
  if (isRecord(v) && v.constructor === Object) {
    for (const k of Object.keys(v)) checkElement(v[k], where, `${path}.${k}`);
    return;
  }
  throw new TypeError(
    `${where}: ${path ? `${path} of the element` : 'the element'} is ${describeValue(v)}; dataset elements are tensors, ` +
      'or lists and records of tensors (wrap arrays with tensor(...)).',
  );
}

/** The same structure with `fn` applied to each tensor. */
export function mapTensors<T extends Element>(e: T, fn: (t: Tensor, path: string) => Tensor, path = ''): T {
  const walk = (v: Element, p: string): Element => {
    if (v instanceof Tensor) return fn(v, p || 'the element');
    if (Array.isArray(v)) return (v as readonly Element[]).map((item, i) => walk(item, `${p}[${i}]`));
    const rec = v as { readonly [key: string]: Element };
    return Object.fromEntries(Object.keys(rec).map((k) => [k, walk(rec[k], `${p}.${k}`)]));
  };
  // The walk rebuilds exactly the structure it was given, so the type is the input's.
  return walk(e, path) as T;
}

/** The number of rows every tensor of the element shares along axis 0, or an error naming the odd one. */
export function rowCount(e: Element, where: string): number {
  const all = leaves(e);
  if (all.length === 0) throw new Error(`${where}: the element holds no tensors.`);
  for (const { path, tensor } of all) {
    if (tensor.rank === 0) throw new Error(`${where}: ${path} is a scalar; it has no first axis to slice.`);
  }
  const n = all[0].tensor.shape[0];
  const odd = all.find((l) => l.tensor.shape[0] !== n);
  if (odd) {
    throw new Error(
      `${where}: every tensor must have the same size on axis 0, but ${all[0].path} has ${n} and ${odd.path} has ${odd.tensor.shape[0]} ` +
        `(shapes ${formatShape(all[0].tensor.shape)} and ${formatShape(odd.tensor.shape)}).`,
    );
  }
  return n;
}

/** Row `i` of every tensor of the element: views into the same memory, never copies. */
export function rowOf<T extends Element>(e: T, i: number): T {
  return mapTensors(e, (t) => {
    const inner = t.shape.slice(1);
    const size = sizeOf(inner);
    return new Tensor(t.values.subarray(i * size, (i + 1) * size), inner, t.dtype);
  });
}

/**
 * Stacks elements of one structure along a new first axis. The first element fixes structure,
 * shapes and dtypes; an element that differs is named by its index in the dataset (`first + k`).
 */
export function stackElements<T extends Element>(items: readonly T[], where: string, first: number): T {
  const reference = leaves(items[0]);
  const all = items.map((item, k) => {
    const ls = leaves(item);
    const same = ls.length === reference.length && ls.every((l, j) => l.path === reference[j].path);
    if (!same) {
      throw new Error(
        `${where}: element ${first + k} has the structure ${ls.map((l) => l.path).join(', ')}, but element ${first} has ` +
          `${reference.map((l) => l.path).join(', ')}; a batch stacks elements of one structure.`,
      );
    }
    ls.forEach((l, j) => {
      const r = reference[j].tensor;
      const t = l.tensor;
      if (t.dtype !== r.dtype || t.rank !== r.rank || t.shape.some((d, a) => d !== r.shape[a])) {
        throw new Error(
          `${where}: element ${first + k}${l.path === 'the element' ? '' : ` (at ${l.path})`} has shape ${formatShape(t.shape)} and dtype ${t.dtype}, ` +
            `but element ${first} has ${formatShape(r.shape)} and ${r.dtype}; a batch stacks elements of one shape and dtype (pad or resize them first).`,
        );
      }
    });
    return ls;
  });
  let index = 0;
  return mapTensors(items[0], (t) => {
    const j = index++;
    const size = t.size;
    const out = allocData(t.dtype, size * items.length);
    all.forEach((ls, k) => out.set(ls[j].tensor.values, k * size));
    return new Tensor(out, [items.length, ...t.shape], t.dtype);
  });
}

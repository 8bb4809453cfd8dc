/** Layer names: Keras class names declared by each class, and the `dense_1`, `dense_2` counters. */

const nameCounters = new Map<string, number>();

/** A fresh `prefix_N`, counting per prefix from 1 as the notebook's Keras does. */
export function uniqueName(prefix: string): string {
  const n = (nameCounters.get(prefix) ?? 0) + 1;
  nameCounters.set(prefix, n);
  return `${prefix}_${n}`;
}

/** Restarts layer numbering (`dense_1` again), like `keras.backend.clear_session()`. */
export function clearSession(): void {
  nameCounters.clear();
}

/** The class name a layer class declares for itself, or its constructor's name when it declares none. */
export function kerasClassName(ctor: abstract new (...args: never[]) => unknown): string {
  return Object.hasOwn(ctor, 'className') ? (ctor as unknown as { className: string }).className : ctor.name;
}

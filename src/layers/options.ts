/**
 * Rejects options a layer does not know, as TypeScript would at compile time: a JavaScript caller
 * passing `activation` to a pooling layer must hear about it, not have it silently ignored.
 */
export function checkOptions(className: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${className} expects an options object, got ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${className} got an unexpected option '${key}'. Valid options: ${allowed.join(', ')}.`);
    }
  }
}

/**
 * The option names of an options type, as a list the compiler checks: leaving a name out of the
 * record, or naming one the type lacks, fails to compile. Write each options list this way so the
 * runtime check and the TypeScript type cannot drift apart.
 */
export function optionNames<T extends object>(names: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(names);
}

/** A short description of a value for error messages: its type, and the value when it is small. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** Keras's `int or tuple` arguments as a tuple of `rank` numbers. */
export function tupleOf(value: number | readonly number[], rank: number, what: string): number[] {
  const t = typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
  if (t.length !== rank || t.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new Error(
      `${what} must be a positive integer or a list of ${rank} positive integers, got ${JSON.stringify(value)}.`,
    );
  }
  return t;
}

export function toSnakeCase(name: string): string {
  // Keras's own two rules, so that `Conv2D` → `conv2d` and `MaxPooling1D` → `max_pooling1d`.
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras's snake_case option names from Dendrite's camelCase ones (`useBias` → `use_bias`, `beta1` → `beta_1`). */
export function optionToKeras(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^beta(\d)$/, 'beta_$1');
}

/** Dendrite's camelCase option names from Keras's snake_case ones. */
export function optionFromKeras(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

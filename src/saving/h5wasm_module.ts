/**
 * Loads h5wasm, an ES-module-only package. The CommonJS build would compile this `import()` into a
 * `require()`, which cannot load it, so scripts/build.mjs puts the native `import()` back in that
 * build's copy of this file. The literal specifier lets bundlers find the package for browsers.
 */
export function importH5wasm(): Promise<typeof import('h5wasm')> {
  return import('h5wasm');
}

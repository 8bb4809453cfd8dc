/**
 * Browser stand-in for ./loader.ts (no addon, no Node modules): bundlers map the loader here via
 * the package.json "browser" field, so the package entry can call `initBackend()` unconditionally.
 */
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { setBackend } from '../registry.js';

export function initBackend(): Backend['name'] {
  setBackend(jsBackend);
  return 'js';
}

export function nativeInfo(): null {
  return null;
}

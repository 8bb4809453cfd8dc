import type { Backend } from './backend.js';
import { jsBackend } from './js/index.js';

let active: Backend = jsBackend;

/** The backend every op runs on. */
export function getBackend(): Backend {
  return active;
}

/** Switches every subsequent op to `b` (used by the native loader and by parity tests). */
export function setBackend(b: Backend): void {
  active = b;
}

/** The name of the active backend: 'js' or 'native'. */
export function backend(): Backend['name'] {
  return active.name;
}

// The raw kernel interface writes into caller-owned buffers and trusts its sizes, so it is not part
// of the public API (docs/design.md): users get the backend's name and the validated `ops`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dendrite from '../src/index.js';

test('the public module names the active backend but does not hand out its raw kernels', () => {
  const exported: Record<string, unknown> = dendrite;
  for (const name of ['getBackend', 'setBackend', 'jsBackend', 'createNativeBackend']) {
    assert.equal(name in exported, false, `${name} must not be exported`);
  }
  assert.ok(dendrite.backend() === 'js' || dendrite.backend() === 'native');
  assert.equal(typeof dendrite.ops.matMul, 'function');
});

// The native recurrent gate kernels (one LSTM / GRU / SimpleRNN time step) against the reference
// backend, with and without masks and output gradients, for every gate activation.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, GateActivation } from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createNativeBackend } from '../src/backend/native/backend.js';
import { loadNativeAddon } from '../src/backend/native/loader.js';
import { seededValues } from './helpers/gradcheck.js';

const loaded = loadNativeAddon();
const nb: Backend | null = loaded.addon ? createNativeBackend(loaded.addon) : null;

function nativeTest(name: string, fn: (b: Backend) => void): void {
  test(name, (t: TestContext) => {
    if (!nb) {
      t.skip('native addon not built');
      return;
    }
    fn(nb);
  });
}

let seed = 5000;
const rand = (n: number, lo = -1, hi = 1): Float32Array => seededValues(n, seed++, lo, hi);

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= 2e-6 + 2e-5 * Math.abs(expected[i]))) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Runs `step` on both backends from identical copies of `inputs` and compares every buffer afterwards. */
function compare(b: Backend, what: string, inputs: Float32Array[], step: (bk: Backend, bufs: Float32Array[]) => void): void {
  const e = inputs.map((x) => new Float32Array(x));
  const a = inputs.map((x) => new Float32Array(x));
  step(jsBackend, e);
  step(b, a);
  e.forEach((buf, i) => assertClose(a[i], buf, `${what}, buffer ${i}`));
}

const PAIRS: [GateActivation, GateActivation][] = [
  ['tanh', 'sigmoid'], ['tanh', 'hard_sigmoid'], ['relu', 'sigmoid'], ['linear', 'tanh'], ['sigmoid', 'relu'], ['hard_sigmoid', 'linear'],
];
const SHAPES: [number, number][] = [[1, 1], [3, 7], [13, 17], [128, 32]];

function masks(batch: number): (Uint8Array | null)[] {
  return [null, Uint8Array.from({ length: batch }, (_, i) => (i % 3 === 1 ? 0 : 1))];
}

nativeTest('LSTM gates forward and backward', (b) => {
  for (const [act, rec] of PAIRS) {
    for (const [batch, u] of SHAPES) {
      for (const mask of masks(batch)) {
        for (const withOut of [false, true]) {
          const tag = `lstm ${act}/${rec} ${batch}x${u} mask=${mask !== null} dOut=${withOut}`;
          const z = rand(batch * 4 * u, -3, 3);
          const cPrev = rand(batch * u);
          const hPrev = rand(batch * u);
          compare(b, `${tag} forward`, [z, cPrev, hPrev, rand(batch * u), rand(batch * u)],
            (bk, [zz, cp, hp, c, h]) => bk.lstmGatesForward(zz, cp, hp, c, h, mask, batch, u, act, rec));
          // The backward pass reads the forward's activated gates and cell state.
          const gates = new Float32Array(z);
          const c = new Float32Array(batch * u);
          const h = new Float32Array(batch * u);
          jsBackend.lstmGatesForward(gates, cPrev, hPrev, c, h, mask, batch, u, act, rec);
          const dOut = withOut ? rand(batch * u) : null;
          compare(b, `${tag} backward`, [rand(batch * u), rand(batch * u), rand(batch * 4 * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dcNext, dz, dhPrev, dcPrev]) =>
              bk.lstmGatesBackward(gates, cPrev, c, dhNext, dOut, dcNext, dz, dhPrev, dcPrev, mask, batch, u, act, rec));
        }
      }
    }
  }
});

nativeTest('GRU (reset_after) gates forward and backward', (b) => {
  for (const [act, rec] of PAIRS) {
    for (const [batch, u] of SHAPES) {
      for (const mask of masks(batch)) {
        const tag = `gru ${act}/${rec} ${batch}x${u} mask=${mask !== null}`;
        const xg = rand(batch * 3 * u, -3, 3);
        const recBuf = rand(batch * 3 * u, -2, 2);
        const hPrev = rand(batch * u);
        compare(b, `${tag} forward`, [xg, rand(batch * u)], (bk, [x, h]) => bk.gruGatesForward(x, recBuf, hPrev, h, mask, batch, u, act, rec));
        const gates = new Float32Array(xg);
        jsBackend.gruGatesForward(gates, recBuf, hPrev, new Float32Array(batch * u), mask, batch, u, act, rec);
        for (const dOut of [null, rand(batch * u)]) {
          compare(b, `${tag} backward`, [rand(batch * u), rand(batch * 3 * u), rand(batch * 3 * u), rand(batch * u)],
            (bk, [dhNext, dx, drec, dhPrev]) => bk.gruGatesBackward(gates, recBuf, hPrev, dhNext, dOut, dx, drec, dhPrev, mask, batch, u, act, rec));
        }
      }
    }
  }
});

nativeTest('GRU (reset_before) reset and candidate halves, forward and backward', (b) => {
  for (const [act, rec] of PAIRS) {
    for (const [batch, u] of SHAPES) {
      for (const mask of masks(batch)) {
        const tag = `gru-v2 ${act}/${rec} ${batch}x${u} mask=${mask !== null}`;
        const xg = rand(batch * 3 * u, -3, 3);
        const recZR = rand(batch * 2 * u);
        const hRec = rand(batch * u);
        compare(b, `${tag} reset forward`, [xg, rand(batch * u)], (bk, [x, rh]) => bk.gruResetForward(x, recZR, hRec, rh, batch, u, rec));
        const gates = new Float32Array(xg);
        jsBackend.gruResetForward(gates, recZR, hRec, new Float32Array(batch * u), batch, u, rec);
        const recH = rand(batch * u);
        compare(b, `${tag} candidate forward`, [gates, rand(batch * u)], (bk, [x, h]) => bk.gruCandidateForward(x, recH, hRec, h, mask, batch, u, act));
        jsBackend.gruCandidateForward(gates, recH, hRec, new Float32Array(batch * u), mask, batch, u, act);
        for (const dOut of [null, rand(batch * u)]) {
          compare(b, `${tag} candidate backward`, [rand(batch * u), rand(batch * 2 * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dzr, dah, dhPrev]) => bk.gruCandidateBackward(gates, hRec, dhNext, dOut, dzr, dah, dhPrev, mask, batch, u, act, rec));
        }
        const drh = rand(batch * u);
        compare(b, `${tag} reset backward`, [rand(batch * 2 * u), rand(batch * u)],
          (bk, [dzr, dhRec]) => bk.gruResetBackward(gates, hRec, drh, dzr, dhRec, mask, batch, u, rec));
      }
    }
  }
});

nativeTest('SimpleRNN step forward and backward', (b) => {
  for (const [act] of PAIRS) {
    for (const [batch, u] of SHAPES) {
      for (const mask of masks(batch)) {
        const tag = `rnn ${act} ${batch}x${u} mask=${mask !== null}`;
        const hPrev = rand(batch * u);
        compare(b, `${tag} forward`, [rand(batch * u, -3, 3), rand(batch * u)], (bk, [z, h]) => bk.rnnStepForward(z, hPrev, h, mask, batch, u, act));
        const y = rand(batch * u, 0, 1);
        for (const dOut of [null, rand(batch * u)]) {
          compare(b, `${tag} backward`, [rand(batch * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dz, dhPrev]) => bk.rnnStepBackward(y, dhNext, dOut, dz, dhPrev, mask, batch, u, act));
        }
      }
    }
  }
});

nativeTest('recurrent kernels reject undersized buffers instead of writing past them', (b) => {
  assert.throws(() => b.lstmGatesForward(new Float32Array(3), new Float32Array(1), new Float32Array(1), new Float32Array(1),
    new Float32Array(1), null, 1, 1, 'tanh', 'sigmoid'), TypeError);
});

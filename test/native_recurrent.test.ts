// The native recurrent kernels against the reference backend: the gate math of one LSTM / GRU /
// SimpleRNN time step (with and without masks and output gradients, for every gate activation),
// and the whole-sequence LSTM and GRU (masks, goBackwards, recurrent dropout, split across threads).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend, GateActivation, GruSequence, LstmSequence, RecurrentGradients } from '../src/backend/backend.js';
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

function assertCloseTol(actual: Float32Array, expected: Float32Array, what: string, atol: number, rtol: number): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i])))
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assertCloseTol(actual, expected, what, 2e-6, 2e-5);
}

/** Runs `step` on both backends from identical copies of `inputs` and compares every buffer afterwards. */
function compare(
  b: Backend,
  what: string,
  inputs: Float32Array[],
  step: (bk: Backend, bufs: Float32Array[]) => void,
): void {
  const e = inputs.map((x) => new Float32Array(x));
  const a = inputs.map((x) => new Float32Array(x));
  step(jsBackend, e);
  step(b, a);
  e.forEach((buf, i) => assertClose(a[i], buf, `${what}, buffer ${i}`));
}

const PAIRS: [GateActivation, GateActivation][] = [
  ['tanh', 'sigmoid'],
  ['tanh', 'hard_sigmoid'],
  ['relu', 'sigmoid'],
  ['linear', 'tanh'],
  ['sigmoid', 'relu'],
  ['hard_sigmoid', 'linear'],
];
const SHAPES: [number, number][] = [
  [1, 1],
  [3, 7],
  [13, 17],
  [128, 32],
];

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
          compare(b, `${tag} forward`, [z, cPrev, hPrev, rand(batch * u), rand(batch * u)], (bk, [zz, cp, hp, c, h]) =>
            bk.lstmGatesForward(zz, cp, hp, c, h, mask, batch, u, act, rec),
          );
          // The backward pass reads the forward's activated gates and cell state.
          const gates = new Float32Array(z);
          const c = new Float32Array(batch * u);
          const h = new Float32Array(batch * u);
          jsBackend.lstmGatesForward(gates, cPrev, hPrev, c, h, mask, batch, u, act, rec);
          const dOut = withOut ? rand(batch * u) : null;
          compare(
            b,
            `${tag} backward`,
            [rand(batch * u), rand(batch * u), rand(batch * 4 * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dcNext, dz, dhPrev, dcPrev]) =>
              bk.lstmGatesBackward(gates, cPrev, c, dhNext, dOut, dcNext, dz, dhPrev, dcPrev, mask, batch, u, act, rec),
          );
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
        compare(b, `${tag} forward`, [xg, rand(batch * u)], (bk, [x, h]) =>
          bk.gruGatesForward(x, recBuf, hPrev, h, mask, batch, u, act, rec),
        );
        const gates = new Float32Array(xg);
        jsBackend.gruGatesForward(gates, recBuf, hPrev, new Float32Array(batch * u), mask, batch, u, act, rec);
        for (const dOut of [null, rand(batch * u)]) {
          compare(
            b,
            `${tag} backward`,
            [rand(batch * u), rand(batch * 3 * u), rand(batch * 3 * u), rand(batch * u)],
            (bk, [dhNext, dx, drec, dhPrev]) =>
              bk.gruGatesBackward(gates, recBuf, hPrev, dhNext, dOut, dx, drec, dhPrev, mask, batch, u, act, rec),
          );
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
        compare(b, `${tag} reset forward`, [xg, rand(batch * u)], (bk, [x, rh]) =>
          bk.gruResetForward(x, recZR, hRec, rh, batch, u, rec),
        );
        const gates = new Float32Array(xg);
        jsBackend.gruResetForward(gates, recZR, hRec, new Float32Array(batch * u), batch, u, rec);
        const recH = rand(batch * u);
        compare(b, `${tag} candidate forward`, [gates, rand(batch * u)], (bk, [x, h]) =>
          bk.gruCandidateForward(x, recH, hRec, h, mask, batch, u, act),
        );
        jsBackend.gruCandidateForward(gates, recH, hRec, new Float32Array(batch * u), mask, batch, u, act);
        for (const dOut of [null, rand(batch * u)]) {
          compare(
            b,
            `${tag} candidate backward`,
            [rand(batch * u), rand(batch * 2 * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dzr, dah, dhPrev]) =>
              bk.gruCandidateBackward(gates, hRec, dhNext, dOut, dzr, dah, dhPrev, mask, batch, u, act, rec),
          );
        }
        const drh = rand(batch * u);
        compare(b, `${tag} reset backward`, [rand(batch * 2 * u), rand(batch * u)], (bk, [dzr, dhRec]) =>
          bk.gruResetBackward(gates, hRec, drh, dzr, dhRec, mask, batch, u, rec),
        );
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
        compare(b, `${tag} forward`, [rand(batch * u, -3, 3), rand(batch * u)], (bk, [z, h]) =>
          bk.rnnStepForward(z, hPrev, h, mask, batch, u, act),
        );
        const y = rand(batch * u, 0, 1);
        for (const dOut of [null, rand(batch * u)]) {
          compare(
            b,
            `${tag} backward`,
            [rand(batch * u), rand(batch * u), rand(batch * u)],
            (bk, [dhNext, dz, dhPrev]) => bk.rnnStepBackward(y, dhNext, dOut, dz, dhPrev, mask, batch, u, act),
          );
        }
      }
    }
  }
});

nativeTest('recurrent kernels reject undersized buffers instead of writing past them', (b) => {
  assert.throws(
    () =>
      b.lstmGatesForward(
        new Float32Array(3),
        new Float32Array(1),
        new Float32Array(1),
        new Float32Array(1),
        new Float32Array(1),
        null,
        1,
        1,
        'tanh',
        'sigmoid',
      ),
    TypeError,
  );
});

// ---------------------------------------------------------------- whole-sequence LSTM and GRU

interface SeqCase {
  batch: number;
  steps: number;
  features: number;
  units: number;
}
// Awkward sizes, plus one with enough work to be split across threads (batch rows by part).
const SEQ_CASES: SeqCase[] = [
  { batch: 1, steps: 1, features: 1, units: 1 },
  { batch: 3, steps: 5, features: 7, units: 2 },
  { batch: 13, steps: 9, features: 17, units: 5 },
  { batch: 67, steps: 31, features: 48, units: 33 },
  // Too few rows to split, but wide enough for each step's recurrent product to use the pool.
  { batch: 8, steps: 3, features: 40, units: 448 },
];

interface SeqOptions {
  mask: boolean;
  back: boolean;
  drop: boolean;
  bias: boolean;
}

/** What both cells share; gate width G = gates·units, the GRU's bias is [2, G]. */
function sequenceBase(c: SeqCase, gates: number, biasRows: number, opts: SeqOptions): Omit<LstmSequence, 'c'> {
  const { batch: B, steps: T, features: F, units: u } = c;
  const G = gates * u;
  return {
    batch: B,
    steps: T,
    features: F,
    units: u,
    x: rand(B * T * F),
    kernel: rand(F * G, -0.5, 0.5),
    recurrentKernel: rand(u * G, -0.5, 0.5),
    bias: opts.bias ? rand(biasRows * G) : null,
    mask: opts.mask ? Uint8Array.from({ length: T * B }, (_, i) => (i % 5 === 2 ? 0 : 1)) : null,
    recurrentDropMask: opts.drop ? Float32Array.from(rand(B * u, 0, 1), (v) => (v < 0.3 ? 0 : 1 / 0.7)) : null,
    goBackwards: opts.back,
    act: 'tanh',
    recAct: 'sigmoid',
    gates: new Float32Array(T * B * G),
    h: new Float32Array((T + 1) * B * u),
  };
}

function gradients(s: Omit<LstmSequence, 'c'>, G: number, biasSize: number): RecurrentGradients {
  return {
    dx: new Float32Array(s.x.length),
    dKernel: new Float32Array(s.features * G),
    dRecurrentKernel: new Float32Array(s.units * G),
    dBias: s.bias ? new Float32Array(biasSize) : null,
  };
}

const flat = (g: RecurrentGradients): Float32Array[] => [
  g.dx,
  g.dKernel,
  g.dRecurrentKernel,
  ...(g.dBias ? [g.dBias] : []),
];

interface CellUnderTest {
  name: string;
  /** Forward then backward on backend bk from the same inputs; every buffer written, in a fixed order. */
  run(
    bk: Backend,
    c: SeqCase,
    base: Omit<LstmSequence, 'c'>,
    dStep: Float32Array | null,
    dh: Float32Array,
    dc: Float32Array,
  ): Float32Array[];
  gates: number;
  biasRows: number;
}

const CELLS: CellUnderTest[] = [
  {
    name: 'LSTM',
    gates: 4,
    biasRows: 1,
    run(bk, c, base, dStep, dh, dc) {
      const own: LstmSequence = {
        ...base,
        gates: new Float32Array(base.gates.length),
        c: new Float32Array((c.steps + 1) * c.batch * c.units),
        h: new Float32Array(base.h.length),
      };
      bk.lstmSequenceForward(own);
      const g = gradients(own, 4 * c.units, 4 * c.units);
      bk.lstmSequenceBackward(own, dStep, new Float32Array(dh), new Float32Array(dc), g);
      return [own.gates, own.c, own.h, ...flat(g)];
    },
  },
  {
    name: 'GRU',
    gates: 3,
    biasRows: 2,
    run(bk, c, base, dStep, dh) {
      const own: GruSequence = {
        ...base,
        gates: new Float32Array(base.gates.length),
        rec: new Float32Array(base.gates.length),
        h: new Float32Array(base.h.length),
      };
      bk.gruSequenceForward(own);
      const g = gradients(own, 3 * c.units, 6 * c.units);
      bk.gruSequenceBackward(own, dStep, new Float32Array(dh), g);
      return [own.gates, own.rec, own.h, ...flat(g)];
    },
  },
];

for (const cell of CELLS) {
  test(`whole-sequence ${cell.name} forward and backward match the reference, on 1 and 2 threads`, (t: TestContext) => {
    const addon = loaded.addon;
    if (!nb || !addon) {
      t.skip('native addon not built');
      return;
    }
    const threads = addon.threads();
    try {
      for (const c of SEQ_CASES) {
        for (const [mask, back, drop, bias, withStep] of [
          [false, false, false, true, false],
          [true, false, false, true, true],
          [false, true, true, false, true],
          [true, true, true, true, false],
        ]) {
          const base = sequenceBase(c, cell.gates, cell.biasRows, { mask, back, drop, bias });
          const n = c.batch * c.units;
          const dStep = withStep ? rand(c.batch * c.steps * c.units) : null;
          const dh = rand(n);
          const dc = rand(n);
          const expected = cell.run(jsBackend, c, base, dStep, dh, dc);
          for (const th of [1, 2]) {
            addon.setThreads(th);
            const actual = cell.run(nb, c, base, dStep, dh, dc);
            const names = ['gates', 'c or rec', 'h', 'dx', 'dKernel', 'dRecurrentKernel', 'dBias'];
            const tag = `${cell.name} ${JSON.stringify(c)} mask=${mask} back=${back} drop=${drop} bias=${bias} dStep=${withStep} threads=${th}`;
            // Long sums (over steps and rows) in a different order: a looser bound than one step's.
            actual.forEach((buf, i) => assertCloseTol(buf, expected[i], `${tag}: ${names[i]}`, 1e-5, 2e-4));
          }
        }
      }
    } finally {
      addon.setThreads(threads);
    }
  });
}

test('whole-sequence LSTM and GRU reject undersized buffers instead of writing past them', (t: TestContext) => {
  if (!nb) {
    t.skip('native addon not built');
    return;
  }
  const c = { batch: 2, steps: 3, features: 4, units: 5 };
  const base = sequenceBase(c, 4, 1, { mask: false, back: false, drop: false, bias: true });
  assert.throws(
    () =>
      nb.lstmSequenceForward({
        ...base,
        c: new Float32Array((c.steps + 1) * c.batch * c.units),
        gates: new Float32Array(3),
      }),
    TypeError,
  );
  const gru = sequenceBase(c, 3, 2, { mask: false, back: false, drop: false, bias: true });
  // A GRU bias must hold both rows.
  assert.throws(
    () => nb.gruSequenceForward({ ...gru, bias: new Float32Array(15), rec: new Float32Array(gru.gates.length) }),
    TypeError,
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/ops/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';
import {
  checkAgainstReference,
  maxDiff,
  refGru,
  refLstm,
  refSimpleRnn,
  type RefOptions,
} from './helpers/recurrent_reference.js';

const B = 3;
const T = 5;
const F = 4;
const U = 3;

function boolMask(rows: number[][]): Tensor {
  return new Tensor(Uint8Array.from(rows.flat()), [rows.length, rows[0].length], 'bool');
}
// Row 0 all real; row 1 left-padded; row 2 with holes (Keras allows any pattern).
const MASK = boolMask([
  [1, 1, 1, 1, 1],
  [0, 0, 1, 1, 1],
  [1, 0, 1, 0, 0],
]);

const VARIANTS: { name: string; opts: RefOptions; mask: Tensor | null }[] = [
  { name: 'plain', opts: {}, mask: null },
  { name: 'sequences', opts: { returnSequences: true }, mask: null },
  { name: 'backwards', opts: { goBackwards: true, returnSequences: true }, mask: null },
  { name: 'masked', opts: { returnSequences: true }, mask: MASK },
  { name: 'masked last', opts: {}, mask: MASK },
  { name: 'masked backwards', opts: { goBackwards: true }, mask: MASK },
  { name: 'masked zero output', opts: { returnSequences: true, zeroOutputForMask: true }, mask: MASK },
];

const flat = (...ts: Tensor[]): Tensor =>
  ops.concat(
    ts.map((t) => ops.reshape(t, [t.shape[0], -1])),
    1,
  );

test('lstm matches a per-step reference (mask, goBackwards, sequences)', () => {
  const x = randTensor([B, T, F], 1);
  const k = randTensor([F, 4 * U], 2, -0.5, 0.5);
  const r = randTensor([U, 4 * U], 3, -0.5, 0.5);
  const b = randTensor([4 * U], 4, -0.5, 0.5);
  for (const v of VARIANTS) {
    const got = ops.lstm(x, k, r, b, v.mask, v.opts);
    const ref = refLstm(
      x.values as Float32Array,
      [B, T, F],
      k.values as Float32Array,
      r.values as Float32Array,
      b.values as Float32Array,
      U,
      { ...v.opts, mask: v.mask ? (v.mask.values as Uint8Array) : null },
    );
    assert.deepEqual(got.output.shape, v.opts.returnSequences ? [B, T, U] : [B, U], v.name);
    assert.ok(maxDiff(got.output.values, ref.output) < 1e-5, `${v.name}: output`);
    assert.ok(maxDiff(got.h.values, ref.h) < 1e-5, `${v.name}: h`);
    assert.ok(maxDiff(got.c.values, ref.c!) < 1e-5, `${v.name}: c`);
  }
});

test('gru (resetAfter true and false) and simpleRnn match per-step references', () => {
  const x = randTensor([B, T, F], 5);
  const r3 = randTensor([U, 3 * U], 7, -0.5, 0.5);
  const k3 = randTensor([F, 3 * U], 6, -0.5, 0.5);
  for (const resetAfter of [true, false]) {
    const b = randTensor(resetAfter ? [2, 3 * U] : [3 * U], 8, -0.5, 0.5);
    for (const v of VARIANTS) {
      const got = ops.gru(x, k3, r3, b, v.mask, { ...v.opts, resetAfter });
      const ref = refGru(
        x.values as Float32Array,
        [B, T, F],
        k3.values as Float32Array,
        r3.values as Float32Array,
        b.values as Float32Array,
        U,
        { ...v.opts, resetAfter, mask: v.mask ? (v.mask.values as Uint8Array) : null },
      );
      assert.ok(maxDiff(got.output.values, ref.output) < 1e-5, `gru resetAfter=${resetAfter} ${v.name}`);
      assert.ok(maxDiff(got.h.values, ref.h) < 1e-5, `gru resetAfter=${resetAfter} ${v.name}: h`);
    }
  }
  const k1 = randTensor([F, U], 9, -0.5, 0.5);
  const r1 = randTensor([U, U], 10, -0.5, 0.5);
  const b1 = randTensor([U], 11, -0.5, 0.5);
  for (const v of VARIANTS) {
    const got = ops.simpleRnn(x, k1, r1, b1, v.mask, v.opts);
    const ref = refSimpleRnn(
      x.values as Float32Array,
      [B, T, F],
      k1.values as Float32Array,
      r1.values as Float32Array,
      b1.values as Float32Array,
      U,
      { ...v.opts, mask: v.mask ? (v.mask.values as Uint8Array) : null },
    );
    assert.ok(maxDiff(got.output.values, ref.output) < 1e-5, `simpleRnn ${v.name}`);
  }
});

const f64 = (a: Float64Array): Float64Array => a;
const maskOf = (v: { mask: Tensor | null }): Uint8Array | null => (v.mask ? (v.mask.values as Uint8Array) : null);

test('lstm gradients w.r.t. input and every weight match the float64 reference', () => {
  const inputs = [
    randTensor([B, T, F], 12),
    randTensor([F, 4 * U], 13, -0.5, 0.5),
    randTensor([U, 4 * U], 14, -0.5, 0.5),
    randTensor([4 * U], 15, -0.5, 0.5),
  ];
  for (const v of VARIANTS) {
    checkAgainstReference(
      ([x, k, r, b]) => Object.values(ops.lstm(x, k, r, b, v.mask, v.opts)),
      ([x, k, r, b]) => {
        const o = refLstm(x, [B, T, F], k, r, f64(b), U, { ...v.opts, mask: maskOf(v) });
        return [o.output, o.h, o.c!];
      },
      inputs,
      { what: `lstm ${v.name}` },
    );
  }
  checkAgainstReference(
    ([x, k, r]) => [ops.lstm(x, k, r, null, null, { returnSequences: true }).output],
    ([x, k, r]) => [refLstm(x, [B, T, F], k, r, null, U, { returnSequences: true }).output],
    inputs.slice(0, 3),
    { what: 'lstm without bias' },
  );
  // The library's own finite-difference check, once, on the float32 op.
  checkGradients(
    ([x, k, r, b]) => flat(...Object.values(ops.lstm(x, k, r, b, MASK, { returnSequences: true }))),
    inputs,
    { maxChecks: 12 },
  );
});

test('gru gradients, resetAfter true and false, with and without mask, match the float64 reference', () => {
  const x = randTensor([B, T, F], 16);
  const k = randTensor([F, 3 * U], 17, -0.5, 0.5);
  const r = randTensor([U, 3 * U], 18, -0.5, 0.5);
  for (const resetAfter of [true, false]) {
    const b = randTensor(resetAfter ? [2, 3 * U] : [3 * U], 19, -0.5, 0.5);
    for (const v of VARIANTS) {
      checkAgainstReference(
        ([xx, kk, rr, bb]) => Object.values(ops.gru(xx, kk, rr, bb, v.mask, { ...v.opts, resetAfter })),
        ([xx, kk, rr, bb]) => {
          const o = refGru(xx, [B, T, F], kk, rr, bb, U, { ...v.opts, resetAfter, mask: maskOf(v) });
          return [o.output, o.h];
        },
        [x, k, r, b],
        { what: `gru resetAfter=${resetAfter} ${v.name}` },
      );
    }
    checkAgainstReference(
      ([xx, kk, rr]) => [ops.gru(xx, kk, rr, null, null, { resetAfter }).output],
      ([xx, kk, rr]) => [refGru(xx, [B, T, F], kk, rr, null, U, { resetAfter }).output],
      [x, k, r],
      { what: `gru without bias, resetAfter=${resetAfter}` },
    );
  }
});

test('simpleRnn gradients, with and without mask, match the float64 reference', () => {
  const inputs = [
    randTensor([B, T, F], 20),
    randTensor([F, U], 21, -0.5, 0.5),
    randTensor([U, U], 22, -0.5, 0.5),
    randTensor([U], 23, -0.5, 0.5),
  ];
  for (const v of VARIANTS) {
    checkAgainstReference(
      ([x, k, r, b]) => Object.values(ops.simpleRnn(x, k, r, b, v.mask, v.opts)),
      ([x, k, r, b]) => {
        const o = refSimpleRnn(x, [B, T, F], k, r, b, U, { ...v.opts, mask: maskOf(v) });
        return [o.output, o.h];
      },
      inputs,
      { what: `simpleRnn ${v.name}` },
    );
  }
});

test('recurrent dropout masks: forward and gradients match the reference for a fixed mask', () => {
  const dropValues = Float32Array.from({ length: B * U }, (_, i) => (i % 3 === 0 ? 0 : 1.5));
  const drop = new Tensor(dropValues, [B, U], 'float32');
  const x = randTensor([B, T, F], 24);
  const opts = { returnSequences: true, recurrentDropMask: drop };
  const refOpts = { returnSequences: true, dropMask: dropValues };
  checkAgainstReference(
    ([xx, k, r, b]) => Object.values(ops.lstm(xx, k, r, b, MASK, opts)),
    ([xx, k, r, b]) => {
      const o = refLstm(xx, [B, T, F], k, r, b, U, { ...refOpts, mask: MASK.values as Uint8Array });
      return [o.output, o.h, o.c!];
    },
    [x, randTensor([F, 4 * U], 25, -0.5, 0.5), randTensor([U, 4 * U], 26, -0.5, 0.5), randTensor([4 * U], 27)],
    { what: 'lstm dropout' },
  );
  for (const resetAfter of [true, false]) {
    checkAgainstReference(
      ([xx, k, r, b]) => [ops.gru(xx, k, r, b, MASK, { ...opts, resetAfter }).output],
      ([xx, k, r, b]) => [
        refGru(xx, [B, T, F], k, r, b, U, { ...refOpts, resetAfter, mask: MASK.values as Uint8Array }).output,
      ],
      [
        x,
        randTensor([F, 3 * U], 28, -0.5, 0.5),
        randTensor([U, 3 * U], 29, -0.5, 0.5),
        randTensor(resetAfter ? [2, 3 * U] : [3 * U], 30),
      ],
      { what: `gru dropout resetAfter=${resetAfter}` },
    );
  }
  checkAgainstReference(
    ([xx, k, r]) => [ops.simpleRnn(xx, k, r, null, null, opts).output],
    ([xx, k, r]) => [refSimpleRnn(xx, [B, T, F], k, r, null, U, refOpts).output],
    [x, randTensor([F, U], 31, -0.5, 0.5), randTensor([U, U], 32, -0.5, 0.5)],
    { what: 'simpleRnn dropout' },
  );
});

test('a 200-step lstm is a single tape entry and rejects mismatched weights', () => {
  const x = randTensor([2, 200, 4], 33);
  const k = randTensor([4, 8], 34, -0.3, 0.3);
  const r = randTensor([2, 8], 35, -0.3, 0.3);
  const { grads } = ops.valueAndGrads(() => ops.sum(ops.lstm(x, k, r, null, null).output), [k, r]);
  assert.deepEqual(grads[0].shape, [4, 8]);
  assert.throws(
    () => ops.lstm(x, randTensor([5, 8], 1), r, null, null),
    /kernel \(5, 8\) does not fit inputs with 4 features/,
  );
  assert.throws(() => ops.lstm(randTensor([2, 4], 1), k, r, null, null), /expects a 3D input/);
});

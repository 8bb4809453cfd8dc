import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ops, Tensor, tensor } from '../src/index.js';
import { checkGradients, randTensor } from './helpers/gradcheck.js';

/** numpy.einsum by definition: a loop over every letter's values (float64), for two inputs. */
function naiveEinsum(equation: string, a: Tensor, b: Tensor): Tensor {
  const [ins, out] = equation.split('->');
  const [ta, tb] = ins.split(',');
  const letters = [...new Set([...ta, ...tb])];
  const size = new Map<string, number>();
  [...ta].forEach((l, i) => size.set(l, a.shape[i]));
  [...tb].forEach((l, i) => size.set(l, b.shape[i]));
  const outShape = [...out].map((l) => size.get(l)!);
  const result = new Float64Array(outShape.reduce((p, d) => p * d, 1));
  const offset = (term: string, shape: readonly number[], at: Map<string, number>): number =>
    [...term].reduce((o, l, i) => o * shape[i] + at.get(l)!, 0);
  const at = new Map<string, number>(letters.map((l) => [l, 0]));
  const total = letters.reduce((p, l) => p * size.get(l)!, 1);
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let i = letters.length - 1; i >= 0; i--) {
      at.set(letters[i], rest % size.get(letters[i])!);
      rest = Math.floor(rest / size.get(letters[i])!);
    }
    result[offset(out, outShape, at)] += a.values[offset(ta, a.shape, at)] * b.values[offset(tb, b.shape, at)];
  }
  return new Tensor(Float32Array.from(result), outShape, 'float32');
}

const CASES: [string, number[], number[]][] = [
  ['abc,cde->abde', [2, 3, 4], [4, 2, 3]], // MultiHeadAttention's projections
  ['abcd,cde->abe', [2, 3, 2, 3], [2, 3, 4]], // its output projection
  ['aecd,abcd->acbe', [2, 5, 2, 3], [2, 4, 2, 3]], // query·key
  ['acbe,aecd->abcd', [2, 2, 4, 5], [2, 5, 2, 3]], // probabilities·value
  ['ab,cb->ac', [3, 4], [2, 4]],
  ['ab,bc->ca', [3, 4], [4, 2]],
  ['abc,abd->cd', [2, 3, 4], [2, 3, 5]],
  ['ab,cd->abcd', [2, 3], [2, 2]],
  ['abc,c->ab', [2, 3, 4], [4]],
];

test('einsum matches the definition and its gradients match finite differences', () => {
  CASES.forEach(([eq, sa, sb], i) => {
    const a = randTensor(sa, 1 + i);
    const b = randTensor(sb, 50 + i);
    const got = ops.einsum(eq, a, b);
    const want = naiveEinsum(eq, a, b);
    assert.deepEqual(got.shape, want.shape, eq);
    got.values.forEach((v, k) =>
      assert.ok(Math.abs(v - want.values[k]) < 1e-5, `${eq}[${k}]: ${v} vs ${want.values[k]}`),
    );
    checkGradients(([x, y]) => ops.einsum(eq, x, y), [a, b]);
  });
});

test('einsum: ellipses, axes summed away, and clear errors', () => {
  const a = randTensor([2, 3, 4], 3);
  const k = randTensor([4, 5], 4);
  const viaEllipsis = ops.einsum('...b,bc->...c', a, k);
  assert.deepEqual(viaEllipsis.values, ops.einsum('xyb,bc->xyc', a, k).values);
  // 'a' appears in one input only and not in the output: summed first.
  const summed = ops.einsum('abc,cd->bd', a, k);
  assert.deepEqual(summed.shape, [3, 5]);
  const want = naiveEinsum('bc,cd->bd', ops.sum(a, [0]), k);
  summed.values.forEach((v, i) => assert.ok(Math.abs(v - want.values[i]) < 1e-5));
  assert.throws(() => ops.einsum('ab,bc', a, k), /einsum: equation must look like/);
  assert.throws(() => ops.einsum('ab,bc->ac', a, k), /first input names 2 axes, its tensor has 3/);
  assert.throws(() => ops.einsum('abc,dc->abd', a, randTensor([5, 3])), /axis 'c' has size 4/);
  assert.throws(() => ops.einsum('abb,bc->ac', a, k), /repeats an axis letter/);
  assert.throws(() => ops.einsum('abc,cd->abz', a, k), /output axis 'z' is in neither input/);
});

/** Keras's masked softmax, written out: where(mask, x, -1e9) (or x − 1e9), softmax, zeros where masked. */
function referenceSoftmax(x: Tensor, keep: (flat: number) => boolean, fill: 'replace' | 'subtract'): number[] {
  const cols = x.shape[x.rank - 1];
  const out: number[] = [];
  for (let r = 0; r < x.size / cols; r++) {
    const z = Array.from({ length: cols }, (_, c) => {
      const v = x.values[r * cols + c];
      return keep(r * cols + c) ? v : fill === 'replace' ? -1e9 : Math.fround(v - 1e9);
    });
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const s = e.reduce((p, v) => p + v, 0);
    e.forEach((v, c) => out.push(fill === 'replace' && !keep(r * cols + c) ? 0 : v / s));
  }
  return out;
}

test('maskedSoftmax: broadcast masks and the causal rule, both fills, with gradients', () => {
  // Scores [batch 2, heads 2, T 3, S 4]; a value mask [2, 1, 1, 4] and a query mask [2, 1, 3, 1].
  const x = randTensor([2, 2, 3, 4], 9, -2, 2);
  const value = tensor(new Uint8Array([1, 1, 0, 1, 1, 0, 0, 0]), [2, 1, 1, 4], 'bool');
  const query = tensor(new Uint8Array([1, 1, 0, 1, 1, 1]), [2, 1, 3, 1], 'bool');
  const keep = (flat: number): boolean => {
    const s = flat % 4;
    const t = Math.floor(flat / 4) % 3;
    const b = Math.floor(flat / 24);
    return value.values[b * 4 + s] === 1 && query.values[b * 3 + t] === 1 && s <= t;
  };
  for (const fill of ['replace', 'subtract'] as const) {
    const y = ops.maskedSoftmax(x, { masks: [value, query], causal: true, fill });
    const want = referenceSoftmax(x, keep, fill);
    y.values.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `${fill}[${i}]: ${v} vs ${want[i]}`));
    // A row with nothing kept under 'subtract' rounds every score to -1e9 in float32, where finite
    // differences see nothing but TensorFlow's gradient still flows: check rows that keep a score.
    const masks = fill === 'replace' ? [value, query] : [value];
    checkGradients(([t]) => ops.maskedSoftmax(t, { masks, causal: true, fill }), [x]);
  }
  // Without masks it is the softmax.
  assert.deepEqual(ops.maskedSoftmax(x).values, ops.softmax(x).values);
  assert.throws(
    () => ops.maskedSoftmax(x, { masks: [tensor(new Uint8Array(3), [3], 'bool')] }),
    /masks\[0\] of shape \(3,\) does not broadcast to the scores' \(2, 2, 3, 4\)/,
  );
  assert.throws(() => ops.maskedSoftmax(x, { masks: [randTensor([4])] }), /must be a bool tensor/);
});

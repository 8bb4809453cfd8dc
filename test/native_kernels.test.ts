// Every native kernel against the TypeScript reference backend (the oracle), on random data and
// awkward sizes (1, 3, 7, 13, 17, 33: none a multiple of a GEMM tile), for each SIMD family the
// CPU offers, single- and multi-threaded. Skips visibly when the addon is not built.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type {
  Backend,
  BinaryOp,
  Conv2DGeometry,
  DepthwiseGeometry,
  FusedActivation,
  NumArray,
  Pool2DGeometry,
  UnaryOp,
} from '../src/backend/backend.js';
import { jsBackend } from '../src/backend/js/index.js';
import { createNativeBackend } from '../src/backend/native/backend.js';
import { loadNativeAddon } from '../src/backend/native/loader.js';
import type { NativeAddon } from '../src/backend/native/addon.js';
import { seededValues } from './helpers/gradcheck.js';

const loaded = loadNativeAddon();
const addon: NativeAddon | null = loaded.addon;
const nb: Backend | null = addon ? createNativeBackend(addon) : null;

function nativeTest(name: string, fn: (b: Backend, a: NativeAddon) => void): void {
  test(name, (t: TestContext) => {
    if (!nb || !addon) {
      t.skip('native addon not built');
      return;
    }
    fn(nb, addon);
  });
}

let seed = 1000;
const rand = (n: number, lo = -1, hi = 1): Float32Array => seededValues(n, seed++, lo, hi);

function assertClose(actual: NumArray, expected: NumArray, what: string, rtol = 1e-4, atol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (!(err <= atol + rtol * Math.abs(e))) assert.fail(`${what}: element ${i} is ${a}, expected ${e} (error ${err})`);
  }
}

/** Runs `fn` once per SIMD family the CPU supports (restoring the detected one) and per thread count. */
function forEachIsaAndThreads(a: NativeAddon, fn: (label: string) => void): void {
  const detected = a.isa();
  const threads = a.threads();
  try {
    for (const isa of ['generic', 'avx2', 'avx512']) {
      if (!a.forceIsa(isa)) continue;
      for (const t of [1, 2]) {
        a.setThreads(t);
        fn(`${isa}/${t}t`);
      }
    }
  } finally {
    a.forceIsa(detected);
    a.setThreads(threads);
  }
}

// ---------------------------------------------------------------- GEMM

const AWKWARD = [1, 3, 7, 13, 17, 33];
const ACTS: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

function gemmCase(
  b: Backend,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
  withBias: boolean,
  act: FusedActivation,
  accumulate: boolean,
  label: string,
): void {
  const A = rand(m * k);
  const B = rand(k * n);
  const bias = withBias ? rand(n) : null;
  const init = rand(m * n);
  const expected = new Float32Array(init);
  const actual = new Float32Array(init);
  jsBackend.matmul(A, B, expected, m, n, k, tA, tB, bias, act, accumulate);
  b.matmul(A, B, actual, m, n, k, tA, tB, bias, act, accumulate);
  assertClose(
    actual,
    expected,
    `${label} matmul ${m}x${n}x${k} tA=${tA} tB=${tB} bias=${withBias} ${act} acc=${accumulate}`,
    1e-4,
    2e-5 * Math.max(1, k),
  );
}

nativeTest('matmul: awkward sizes, every transpose combination, every ISA and thread count', (b, a) => {
  forEachIsaAndThreads(a, (label) => {
    for (const m of AWKWARD) {
      for (const n of AWKWARD) {
        const k = AWKWARD[(m + n) % AWKWARD.length];
        for (const tA of [false, true])
          for (const tB of [false, true]) gemmCase(b, m, n, k, tA, tB, false, 'linear', false, label);
      }
    }
    // Sizes past the cache blocks (KC = 256, MC = 240 on AVX-512) and big enough to use threads.
    for (const [m, n, k] of [
      [257, 67, 300],
      [130, 290, 33],
      [37, 45, 520],
    ] as const) {
      for (const tA of [false, true])
        for (const tB of [false, true]) gemmCase(b, m, n, k, tA, tB, true, 'relu', false, label);
    }
  });
});

// The unpacked small-problem path (k ≤ 256): every row tail of its 12-row tile, several 32-wide
// column blocks, and k on both sides of its limit, at the MLP and LSTM step shapes.
nativeTest('matmul: the unpacked small path at training shapes, row tails and its k limit', (b, a) => {
  forEachIsaAndThreads(a, (label) => {
    for (const [m, n, k] of [
      [128, 32, 64],
      [64, 32, 128],
      [128, 128, 32],
      [128, 16, 64],
      [25, 70, 256],
      [11, 50, 257],
      [140, 75, 9],
    ] as const) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          gemmCase(b, m, n, k, tA, tB, true, 'relu', false, label);
          gemmCase(b, m, n, k, tA, tB, false, 'linear', true, label);
        }
      }
    }
    for (let m = 1; m <= 13; m++) gemmCase(b, m, 20, 5, false, false, true, 'tanh', false, label);
  });
});

nativeTest('matmul: fused bias and activation epilogues, accumulate, k = 0', (b) => {
  for (const act of ACTS) {
    for (const [m, n, k] of [
      [13, 33, 17],
      [128, 10, 32],
      [1, 1, 1],
      [33, 7, 300],
    ] as const) {
      gemmCase(b, m, n, k, false, false, true, act, false, 'epilogue');
      gemmCase(b, m, n, k, true, true, false, act, false, 'epilogue');
    }
  }
  for (const [m, n, k] of [
    [7, 13, 3],
    [64, 32, 128],
    [17, 40, 600],
  ] as const) {
    for (const tA of [false, true])
      for (const tB of [false, true]) gemmCase(b, m, n, k, tA, tB, false, 'linear', true, 'accumulate');
  }
  for (const act of ACTS) gemmCase(b, 5, 6, 0, false, false, true, act, false, 'k=0');
  gemmCase(b, 5, 6, 0, false, false, false, 'linear', true, 'k=0');
});

nativeTest('matmul: relu keeps NaN like the reference; bad sizes throw instead of writing out of bounds', (b) => {
  const A = new Float32Array([NaN, 1]);
  const B = new Float32Array([1, 1]);
  const out = new Float32Array(1);
  b.matmul(A, B, out, 1, 1, 2, false, false, null, 'relu', false);
  assert.ok(Number.isNaN(out[0]));
  assert.throws(
    () =>
      b.matmul(
        new Float32Array(4),
        new Float32Array(4),
        new Float32Array(3),
        2,
        2,
        2,
        false,
        false,
        null,
        'linear',
        false,
      ),
    TypeError,
  );
});

// ---------------------------------------------------------------- elementwise

const UNARY: UnaryOp[] = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sign',
  'floor',
  'round',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'elu',
  'selu',
  'gelu',
  'geluTanh',
  'softplus',
  'softsign',
  'swish',
  'hardSigmoid',
  'leakyRelu',
  'sin',
  'cos',
  'log1p',
  'expm1',
  'isNotFinite',
];
const POSITIVE_ONLY = new Set<UnaryOp>(['log', 'sqrt', 'rsqrt', 'reciprocal', 'log1p']);

nativeTest('unary and unaryGrad match the reference for every op', (b) => {
  const specials = [0, 0.5, -0.5, 1.5, 2.5, -2.5, 3, -3, 6, 7, 25, -25, NaN, Infinity, -Infinity];
  for (const op of UNARY) {
    const n = 333;
    const x = POSITIVE_ONLY.has(op) ? rand(n, 0.1, 4) : rand(n, -8, 8);
    const alpha = 0.3;
    const expected = new Float32Array(n);
    const actual = new Float32Array(n);
    jsBackend.unary(op, x, expected, alpha);
    b.unary(op, x, actual, alpha);
    assertClose(actual, expected, `unary ${op}`, 2e-5, 1e-6);
    const sx = new Float32Array(specials);
    const se = new Float32Array(sx.length);
    const sa = new Float32Array(sx.length);
    jsBackend.unary(op, sx, se, alpha);
    b.unary(op, sx, sa, alpha);
    assertClose(sa, se, `unary ${op} on special values`, 2e-5, 1e-6);

    const dy = rand(n);
    const ge = new Float32Array(n);
    const ga = new Float32Array(n);
    jsBackend.unaryGrad(op, x, expected, dy, ge, alpha);
    b.unaryGrad(op, x, expected, dy, ga, alpha);
    assertClose(ga, ge, `unaryGrad ${op}`, 5e-5, 1e-6);
  }
  const x = new Float32Array([1, NaN, Infinity, -Infinity, 0]);
  const e = new Uint8Array(5);
  const a = new Uint8Array(5);
  jsBackend.unary('isNotFinite', x, e, 0);
  b.unary('isNotFinite', x, a, 0);
  assert.deepEqual(a, e);
  // Integer input falls back to the reference per call.
  const ix = new Int32Array([-3, 0, 5]);
  const io = new Int32Array(3);
  b.unary('neg', ix, io, 0);
  assert.deepEqual([...io], [3, 0, -5]);
});

nativeTest('elementwise passes big enough to be split across threads match the reference', (b, addon) => {
  const threads = addon.threads();
  try {
    addon.setThreads(2);
    const n = (1 << 21) + 5; // past the split threshold, and not a multiple of anything
    const x = rand(n, -3, 3);
    const y = rand(n);
    const dy = rand(n);
    for (const op of ['relu', 'sigmoid', 'tanh'] as const) {
      const e = new Float32Array(n);
      const a = rand(n);
      jsBackend.unary(op, x, e, 0);
      b.unary(op, x, a, 0);
      assertClose(a, e, `unary ${op}`, 1e-6, 1e-5);
      jsBackend.unaryGrad(op, x, e, dy, y, 0);
      const ga = rand(n);
      b.unaryGrad(op, x, e, dy, ga, 0);
      assertClose(ga, y, `unaryGrad ${op}`, 1e-6, 1e-5);
    }
    for (const [op, bShape] of [
      ['add', [n]],
      ['mul', [1]],
    ] as const) {
      const bv = bShape[0] === 1 ? Float32Array.of(0.5) : y;
      const e = new Float32Array(n);
      const a = rand(n);
      jsBackend.binary(op, x, [n], bv, bShape, e, [n]);
      b.binary(op, x, [n], bv, bShape, a, [n]);
      assertClose(a, e, `binary ${op}`, 0, 0);
    }
  } finally {
    addon.setThreads(threads);
  }
});

nativeTest('vectorized exp, tanh and sigmoid stay within a few ulp over their whole range, on every ISA', (_b, a) => {
  const detected = a.isa();
  const x = Float32Array.from({ length: 100001 }, (_, i) => -100 + i * 0.002);
  const small = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) * 1e-4);
  const refs: [UnaryOp, (v: number) => number][] = [
    ['exp', Math.exp],
    ['tanh', Math.tanh],
    ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
  ];
  try {
    for (const isa of ['generic', 'avx2', 'avx512']) {
      if (!a.forceIsa(isa)) continue;
      const b = createNativeBackend(a);
      for (const [op, f] of refs) {
        for (const xs of [x, small]) {
          const y = new Float32Array(xs.length);
          b.unary(op, xs, y, 0);
          for (let i = 0; i < xs.length; i++) {
            const e = Math.fround(f(xs[i]));
            // Results below float32's normal range may flush to 0; everything else within ~8 ulp.
            const ok =
              y[i] === e ||
              (Math.abs(e) < 1.2e-38 ? Math.abs(y[i]) < 1.2e-38 : Math.abs(y[i] - e) <= 5e-7 * Math.abs(e));
            if (!ok) assert.fail(`${isa} ${op}(${xs[i]}) = ${y[i]}, expected ${e}`);
          }
        }
      }
    }
  } finally {
    a.forceIsa(detected);
  }
});

const BINARY: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'equal',
  'notEqual',
  'greater',
  'greaterEqual',
  'less',
  'lessEqual',
];
const COMPARISONS = new Set<BinaryOp>(['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual']);
const size = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

nativeTest('binary broadcasting matches the reference for every op and shape pattern', (b) => {
  const cases: [number[], number[], number[]][] = [
    [
      [13, 17],
      [13, 17],
      [13, 17],
    ],
    [[3, 4], [4], [3, 4]],
    [[4], [3, 4], [3, 4]],
    [
      [2, 1, 3],
      [4, 1],
      [2, 4, 3],
    ],
    [
      [5, 1],
      [1, 3],
      [5, 3],
    ],
    [[7, 3], [], [7, 3]],
    [[], [7, 3], [7, 3]],
    [[1], [33], [33]],
    [
      [2, 3, 1, 5],
      [3, 4, 1],
      [2, 3, 4, 5],
    ],
    [
      [2, 1, 4, 1, 3],
      [1, 6, 1, 2, 1],
      [2, 6, 4, 2, 3],
    ],
    [[1, 1, 17], [17], [1, 1, 17]],
    [
      [6, 1, 1],
      [1, 1, 1],
      [6, 1, 1],
    ],
  ];
  for (const op of BINARY) {
    for (const [as, bs, os] of cases) {
      // Dyadic values make ties (equal, maximum) actually occur.
      const a = rand(size(as), -2, 2).map((v) => Math.round(v * 4) / 4);
      const bv = (op === 'pow' ? rand(size(bs), 0.5, 2) : rand(size(bs), -2, 2)).map((v) => Math.round(v * 4) / 4);
      const av = op === 'pow' ? a.map((v) => Math.abs(v) + 0.25) : a;
      const outs: NumArray[] = COMPARISONS.has(op)
        ? [new Uint8Array(size(os)), new Float32Array(size(os))]
        : [new Float32Array(size(os))];
      for (const template of outs) {
        const e = template.slice();
        const r = template.slice();
        jsBackend.binary(op, av, as, bv, bs, e, os);
        b.binary(op, av, as, bv, bs, r, os);
        assertClose(
          r,
          e,
          `binary ${op} ${JSON.stringify(as)} ∘ ${JSON.stringify(bs)} -> ${template.constructor.name}`,
          2e-6,
          1e-7,
        );
      }
    }
  }
  const ia = new Int32Array([1, 2, 3]);
  const out = new Int32Array(3);
  b.binary('mul', ia, [3], new Int32Array([2]), [1], out, [3]);
  assert.deepEqual([...out], [2, 4, 6]);
});

// ---------------------------------------------------------------- reductions and data movement

nativeTest('reduceSum and reduceMax (with argmax and NaN) over [outer, reduce, inner]', (b) => {
  for (const [o, r, i] of [
    [1, 1, 1],
    [3, 7, 1],
    [1, 33, 13],
    [7, 3, 17],
    [2, 300, 5],
    [13, 1, 3],
  ] as const) {
    const x = rand(o * r * i);
    const e = new Float32Array(o * i);
    const a = new Float32Array(o * i);
    jsBackend.reduceSum(x, o, r, i, e);
    b.reduceSum(x, o, r, i, a);
    assertClose(a, e, `reduceSum ${o},${r},${i}`, 1e-5, 1e-5);
    if (x.length > 4) x[3] = NaN;
    const ea = new Int32Array(o * i);
    const aa = new Int32Array(o * i);
    jsBackend.reduceMax(x, o, r, i, e, ea);
    b.reduceMax(x, o, r, i, a, aa);
    assertClose(a, e, `reduceMax ${o},${r},${i}`, 0, 0);
    assert.deepEqual(aa, ea, `argmax ${o},${r},${i}`);
    b.reduceMax(x, o, r, i, a, null);
    assertClose(a, e, `reduceMax without argmax ${o},${r},${i}`, 0, 0);
  }
});

nativeTest('transpose for ranks 1-5 and all element types', (b) => {
  const cases: [number[], number[]][] = [
    [[7], [0]],
    [
      [3, 17],
      [1, 0],
    ],
    [
      [13, 1],
      [1, 0],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [
      [2, 3, 4],
      [1, 2, 0],
    ],
    [
      [3, 5, 7, 2],
      [0, 2, 1, 3],
    ],
    [
      [3, 5, 7, 2],
      [3, 2, 1, 0],
    ],
    [
      [2, 3, 1, 4, 3],
      [4, 1, 3, 0, 2],
    ],
  ];
  for (const [shape, perm] of cases) {
    const n = size(shape);
    const f = rand(n);
    const inputs: NumArray[] = [
      f,
      Int32Array.from(f, (v) => Math.round(v * 100)),
      Uint8Array.from(f, (v) => (v > 0 ? 1 : 0)),
    ];
    for (const x of inputs) {
      const Ctor = x.constructor as new (n: number) => NumArray;
      const e = new Ctor(n);
      const a = new Ctor(n);
      jsBackend.transpose(x, shape, perm, e);
      b.transpose(x, shape, perm, a);
      assert.deepEqual(a, e, `transpose ${JSON.stringify(shape)} by ${JSON.stringify(perm)} (${Ctor.name})`);
    }
  }
});

nativeTest('copyBlock, sliceBlock and cast', (b) => {
  for (const [outer, inner, outInner, offset] of [
    [3, 4, 10, 5],
    [1, 7, 7, 0],
    [13, 1, 3, 2],
  ] as const) {
    const x = rand(outer * inner);
    const base = rand(outer * outInner);
    const e = new Float32Array(base);
    const a = new Float32Array(base);
    jsBackend.copyBlock(x, outer, inner, e, outInner, offset);
    b.copyBlock(x, outer, inner, a, outInner, offset);
    assert.deepEqual(a, e);
    const se = new Float32Array(outer * inner);
    const sa = new Float32Array(outer * inner);
    jsBackend.sliceBlock(base, outer, outInner, offset, inner, se);
    b.sliceBlock(base, outer, outInner, offset, inner, sa);
    assert.deepEqual(sa, se);
    const xi = Uint8Array.from(x, (v) => (v > 0 ? 1 : 0));
    const bi = new Uint8Array(outer * outInner);
    const ei = new Uint8Array(bi);
    b.copyBlock(xi, outer, inner, bi, outInner, offset);
    jsBackend.copyBlock(xi, outer, inner, ei, outInner, offset);
    assert.deepEqual(bi, ei);
  }
  const f = new Float32Array([0, -0.5, 1.7, -2.9, 3e9, -3e9, NaN, Infinity, -Infinity, 5e10, 1e-30]);
  const sources: NumArray[] = [f, new Int32Array([0, 1, -7, 2147483647, -2147483648]), new Uint8Array([0, 1, 1, 0])];
  for (const x of sources) {
    for (const Ctor of [Float32Array, Int32Array, Uint8Array] as const) {
      const e = new Ctor(x.length);
      const a = new Ctor(x.length);
      jsBackend.cast(x, e);
      b.cast(x, a);
      assert.deepEqual(a, e, `cast ${x.constructor.name} -> ${Ctor.name}`);
    }
  }
});

nativeTest('sumSquares and allFinite', (b) => {
  for (const n of [0, 1, 7, 255, 256, 257, 1000, 4099]) {
    const x = rand(n, -3, 3);
    assert.ok(Math.abs(b.sumSquares(x) - jsBackend.sumSquares(x)) <= 1e-9 * Math.max(1, jsBackend.sumSquares(x)));
    assert.equal(b.allFinite(x), true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, n >> 1, n - 1]) {
        if (n === 0) continue;
        const y = new Float32Array(x);
        y[at] = bad;
        assert.equal(b.allFinite(y), false, `allFinite with ${bad} at ${at} of ${n}`);
      }
    }
  }
  const big = new Float32Array([3.4e38, -3.4e38, 1e-45]);
  assert.equal(b.allFinite(big), true);
});

// ---------------------------------------------------------------- softmax, embeddings

nativeTest('softmax, softmaxGrad and fused softmax cross-entropy', (b) => {
  // 700×10 spans two chunks of the short-row block path; 5×64 is the first long row.
  for (const [rows, cols] of [
    [1, 1],
    [3, 7],
    [128, 10],
    [13, 33],
    [2, 500],
    [700, 10],
    [5, 63],
    [5, 64],
  ] as const) {
    const x = rand(rows * cols, -10, 10);
    const e = new Float32Array(rows * cols);
    const a = new Float32Array(rows * cols);
    jsBackend.softmax(x, e, rows, cols);
    b.softmax(x, a, rows, cols);
    assertClose(a, e, `softmax ${rows}x${cols}`, 1e-5, 1e-7);
    const dy = rand(rows * cols);
    const ge = new Float32Array(rows * cols);
    const ga = new Float32Array(rows * cols);
    jsBackend.softmaxGrad(e, dy, ge, rows, cols);
    b.softmaxGrad(e, dy, ga, rows, cols);
    assertClose(ga, ge, `softmaxGrad ${rows}x${cols}`, 1e-4, 1e-6);
    const labels = rand(rows * cols, 0, 1);
    const le = new Float32Array(rows);
    const la = new Float32Array(rows);
    jsBackend.softmaxCrossEntropy(x, labels, rows, cols, le, ge);
    b.softmaxCrossEntropy(x, labels, rows, cols, la, ga);
    assertClose(la, le, `softmaxCrossEntropy loss ${rows}x${cols}`, 1e-5, 1e-5);
    assertClose(ga, ge, `softmaxCrossEntropy grad ${rows}x${cols}`, 1e-4, 1e-5);
  }
});

nativeTest('gather and scatterAdd, with out-of-range indices rejected', (b) => {
  for (const dim of [1, 3, 17, 64]) {
    const rows = 13;
    const table = rand(rows * dim);
    const idx = Int32Array.from({ length: 33 }, (_, i) => (i * 7) % rows);
    const e = new Float32Array(idx.length * dim);
    const a = new Float32Array(idx.length * dim);
    jsBackend.gather(table, dim, idx, e);
    b.gather(table, dim, idx, a);
    assert.deepEqual(a, e);
    const dy = rand(idx.length * dim);
    const de = rand(rows * dim);
    const da = new Float32Array(de);
    jsBackend.scatterAdd(dy, dim, idx, de);
    b.scatterAdd(dy, dim, idx, da);
    assertClose(da, de, `scatterAdd dim ${dim}`, 1e-6, 1e-6);
  }
  assert.throws(() => b.gather(new Float32Array(6), 3, new Int32Array([2]), new Float32Array(3)), TypeError);
});

// ---------------------------------------------------------------- convolutions and pooling

function convGeom(
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  outC: number,
  kH: number,
  kW: number,
  stride: [number, number],
  dilation: [number, number],
  pad: [number, number, number, number],
  groups: number,
): Conv2DGeometry {
  const [pt, pb, pl, pr] = pad;
  const outH = Math.floor((inH + pt + pb - dilation[0] * (kH - 1) - 1) / stride[0]) + 1;
  const outW = Math.floor((inW + pl + pr - dilation[1] * (kW - 1) - 1) / stride[1]) + 1;
  return {
    batch,
    inH,
    inW,
    inC,
    outH,
    outW,
    outC,
    kH,
    kW,
    strideH: stride[0],
    strideW: stride[1],
    dilationH: dilation[0],
    dilationW: dilation[1],
    padTop: pt,
    padLeft: pl,
    groups,
  };
}

const CONV_CASES: Conv2DGeometry[] = [
  convGeom(2, 7, 7, 3, 5, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1], 1), // same padding
  convGeom(3, 13, 17, 4, 7, 3, 2, [2, 1], [1, 1], [0, 0, 0, 0], 1), // valid, strided, non-square kernel
  convGeom(1, 9, 11, 6, 4, 3, 3, [1, 2], [2, 1], [2, 2, 1, 1], 2), // dilated, grouped
  convGeom(2, 1, 33, 5, 3, 1, 5, [1, 1], [1, 1], [0, 0, 2, 2], 1), // 1D (inH = 1)
  convGeom(2, 1, 40, 6, 9, 1, 3, [1, 2], [1, 3], [0, 0, 0, 0], 3), // 1D grouped, dilated, strided
  convGeom(2, 5, 5, 8, 6, 1, 1, [1, 1], [1, 1], [0, 0, 0, 0], 1), // pointwise (plain GEMM)
  convGeom(2, 6, 6, 4, 6, 1, 1, [2, 2], [1, 1], [0, 0, 0, 0], 2), // strided 1x1, grouped
  convGeom(1, 3, 3, 2, 3, 5, 5, [1, 1], [1, 1], [2, 2, 2, 2], 1), // kernel larger than input
  convGeom(4, 16, 16, 16, 33, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1], 1), // big enough for threads and chunks
  convGeom(3, 1, 300, 32, 17, 1, 5, [1, 1], [1, 1], [0, 0, 0, 0], 1), // W3-like 1D
  convGeom(2, 9, 12, 5, 40, 3, 3, [1, 1], [2, 3], [2, 2, 3, 3], 1), // dilated both ways, two column blocks
  convGeom(2, 6, 7, 3, 4, 2, 2, [1, 1], [1, 1], [0, 1, 0, 1], 1), // even kernel, 'same' padding after only
  convGeom(2, 1, 700, 200, 24, 1, 3, [1, 1], [1, 1], [0, 0, 1, 1], 1), // a sample too big for the direct filter gradient
  convGeom(1, 41, 40, 16, 32, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1], 1), // one image: split into bands of rows
];

// Every SIMD family (its direct convolution, or the GEMM path of the portable build) and both thread counts.
nativeTest(
  'conv2d forward, backprop input and backprop filter (groups, strides, dilation, padding, 1D)',
  (b, addon) => {
    forEachIsaAndThreads(addon, (run) => {
      for (const g of CONV_CASES) {
        const label = `${run} ${JSON.stringify(g)}`;
        const x = rand(g.batch * g.inH * g.inW * g.inC);
        const kernel = rand(g.kH * g.kW * (g.inC / g.groups) * g.outC);
        const bias = rand(g.outC);
        const outSize = g.batch * g.outH * g.outW * g.outC;
        const tol = 2e-5 * g.kH * g.kW * g.inC;
        for (const [withBias, act] of [
          [true, 'linear'],
          [false, 'linear'],
          [true, 'relu'],
          [true, 'sigmoid'],
          [false, 'tanh'],
        ] as const) {
          const e = new Float32Array(outSize);
          const a = rand(outSize); // garbage: the kernel must overwrite it
          jsBackend.conv2d(x, kernel, withBias ? bias : null, e, g, act);
          b.conv2d(x, kernel, withBias ? bias : null, a, g, act);
          assertClose(a, e, `conv2d ${act} ${label}`, 1e-4, tol);
        }
        const dy = rand(outSize);
        const dxe = new Float32Array(x.length);
        const dxa = rand(x.length); // garbage: the kernel must overwrite it
        jsBackend.conv2dBackpropInput(dy, kernel, dxe, g);
        b.conv2dBackpropInput(dy, kernel, dxa, g);
        assertClose(dxa, dxe, `conv2dBackpropInput ${label}`, 1e-4, 2e-5 * g.kH * g.kW * g.outC);
        const dke = new Float32Array(kernel.length);
        const dka = rand(kernel.length);
        jsBackend.conv2dBackpropFilter(x, dy, dke, g);
        b.conv2dBackpropFilter(x, dy, dka, g);
        assertClose(dka, dke, `conv2dBackpropFilter ${label}`, 1e-4, 2e-5 * g.batch * g.outH * g.outW);
      }
    });
  },
);

nativeTest('depthwise conv2d forward and both backward passes', (b) => {
  const cases: DepthwiseGeometry[] = [
    { ...convGeom(2, 7, 7, 3, 3, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1], 1), multiplier: 1 },
    { ...convGeom(3, 9, 13, 5, 10, 3, 2, [2, 1], [1, 2], [1, 1, 0, 2], 1), multiplier: 2 },
    { ...convGeom(2, 1, 33, 17, 51, 1, 5, [1, 2], [1, 1], [0, 0, 2, 2], 1), multiplier: 3 },
    { ...convGeom(8, 16, 16, 32, 32, 3, 3, [1, 1], [1, 1], [1, 1, 1, 1], 1), multiplier: 1 },
  ];
  for (const g of cases) {
    const label = JSON.stringify(g);
    const outC = g.inC * g.multiplier;
    const x = rand(g.batch * g.inH * g.inW * g.inC);
    const kernel = rand(g.kH * g.kW * g.inC * g.multiplier);
    const outSize = g.batch * g.outH * g.outW * outC;
    const e = new Float32Array(outSize);
    const a = rand(outSize);
    jsBackend.depthwiseConv2d(x, kernel, e, g);
    b.depthwiseConv2d(x, kernel, a, g);
    assertClose(a, e, `depthwiseConv2d ${label}`, 1e-5, 1e-5);
    const dy = rand(outSize);
    const dxe = new Float32Array(x.length);
    const dxa = rand(x.length);
    jsBackend.depthwiseConv2dBackpropInput(dy, kernel, dxe, g);
    b.depthwiseConv2dBackpropInput(dy, kernel, dxa, g);
    assertClose(dxa, dxe, `depthwiseConv2dBackpropInput ${label}`, 1e-5, 1e-5);
    const dke = new Float32Array(kernel.length);
    const dka = rand(kernel.length);
    jsBackend.depthwiseConv2dBackpropFilter(x, dy, dke, g);
    b.depthwiseConv2dBackpropFilter(x, dy, dka, g);
    assertClose(dka, dke, `depthwiseConv2dBackpropFilter ${label}`, 1e-4, 1e-4);
  }
});

function poolGeom(
  batch: number,
  inH: number,
  inW: number,
  channels: number,
  kH: number,
  kW: number,
  sH: number,
  sW: number,
  padTop: number,
  padLeft: number,
  outH: number,
  outW: number,
): Pool2DGeometry {
  return { batch, inH, inW, channels, outH, outW, kH, kW, strideH: sH, strideW: sW, padTop, padLeft };
}

nativeTest('max and average pooling, forward and backward', (b) => {
  const cases: Pool2DGeometry[] = [
    poolGeom(2, 8, 8, 3, 2, 2, 2, 2, 0, 0, 4, 4),
    poolGeom(3, 7, 9, 5, 3, 3, 2, 2, 1, 1, 4, 5), // same padding, odd sizes
    poolGeom(2, 1, 33, 7, 1, 5, 1, 5, 0, 0, 1, 6), // 1D
    poolGeom(1, 5, 5, 2, 3, 3, 1, 1, 0, 0, 3, 3), // overlapping windows
    poolGeom(1, 13, 13, 17, 13, 13, 1, 1, 0, 0, 1, 1), // global
    poolGeom(1, 2, 2, 1, 1, 1, 3, 3, 2, 2, 2, 2), // windows lying entirely in padding
    poolGeom(9, 64, 64, 64, 2, 2, 2, 2, 0, 0, 32, 32), // big enough to be split by samples across threads
  ];
  for (const g of cases) {
    const label = JSON.stringify(g);
    const x = rand(g.batch * g.inH * g.inW * g.channels).map((v) => Math.round(v * 4) / 4); // ties
    const outSize = g.batch * g.outH * g.outW * g.channels;
    const e = new Float32Array(outSize);
    const a = new Float32Array(outSize);
    const ae = new Int32Array(outSize);
    const aa = new Int32Array(outSize);
    jsBackend.maxPool2d(x, e, ae, g);
    b.maxPool2d(x, a, aa, g);
    assertClose(a, e, `maxPool2d ${label}`, 0, 0);
    assert.deepEqual(aa, ae, `maxPool2d argmax ${label}`);
    const dy = rand(outSize);
    const dxe = new Float32Array(x.length);
    const dxa = rand(x.length);
    jsBackend.maxPool2dGrad(dy, ae, dxe);
    b.maxPool2dGrad(dy, aa, dxa);
    assertClose(dxa, dxe, `maxPool2dGrad ${label}`, 1e-6, 1e-7);
    jsBackend.avgPool2d(x, e, g);
    b.avgPool2d(x, a, g);
    assertClose(a, e, `avgPool2d ${label}`, 1e-5, 1e-6);
    jsBackend.avgPool2dGrad(dy, dxe, g);
    b.avgPool2dGrad(dy, dxa, g);
    assertClose(dxa, dxe, `avgPool2dGrad ${label}`, 1e-5, 1e-6);
  }
});

// ---------------------------------------------------------------- optimizers

nativeTest('fused optimizer updates match the reference over several steps', (b) => {
  const n = 333;
  const squares = seededValues(n, 99, 0, 0.5);
  type Slots = Float32Array[];
  const run = (
    bk: Backend,
    slots: Slots,
    step: (bk: Backend, w: Float32Array, g: Float32Array, s: Slots, t: number) => void,
  ): Float32Array[] => {
    const w = seededValues(n, 1);
    for (let t = 1; t <= 4; t++) step(bk, w, seededValues(n, 10 + t), slots, t);
    return [w, ...slots];
  };
  const cases: [string, () => Slots, (bk: Backend, w: Float32Array, g: Float32Array, s: Slots, t: number) => void][] = [
    ['sgd', () => [], (bk, w, g) => bk.sgdUpdate(w, g, null, 0.1, 0, false)],
    ['sgd momentum', () => [new Float32Array(n)], (bk, w, g, s) => bk.sgdUpdate(w, g, s[0], 0.1, 0.9, false)],
    ['sgd nesterov', () => [new Float32Array(n)], (bk, w, g, s) => bk.sgdUpdate(w, g, s[0], 0.1, 0.9, true)],
    ['rmsprop', () => [new Float32Array(n)], (bk, w, g, s) => bk.rmspropUpdate(w, g, s[0], null, 0.01, 0.9, 0, 1e-7)],
    [
      'rmsprop momentum',
      () => [new Float32Array(n), new Float32Array(n)],
      (bk, w, g, s) => bk.rmspropUpdate(w, g, s[0], s[1], 0.01, 0.9, 0.5, 1e-7),
    ],
    [
      'adam',
      () => [new Float32Array(n), new Float32Array(n)],
      (bk, w, g, s, t) => bk.adamUpdate(w, g, s[0], s[1], null, 0.001, 0.9, 0.999, 1e-7, t, 0),
    ],
    [
      'adamw amsgrad',
      () => [new Float32Array(n), new Float32Array(n), new Float32Array(n)],
      (bk, w, g, s, t) => bk.adamUpdate(w, g, s[0], s[1], s[2], 0.001, 0.9, 0.999, 1e-7, t, 0.004),
    ],
    ['adagrad', () => [new Float32Array(n).fill(0.1)], (bk, w, g, s) => bk.adagradUpdate(w, g, s[0], 0.01, 1e-7)],
    // Embedding tables: per-lookup gradient squares replace g².
    [
      'rmsprop sparse squares',
      () => [new Float32Array(n)],
      (bk, w, g, s) => bk.rmspropUpdate(w, g, s[0], null, 0.01, 0.9, 0, 1e-7, squares),
    ],
    [
      'adam sparse squares',
      () => [new Float32Array(n), new Float32Array(n)],
      (bk, w, g, s, t) => bk.adamUpdate(w, g, s[0], s[1], null, 0.001, 0.9, 0.999, 1e-7, t, 0, squares),
    ],
    [
      'adagrad sparse squares',
      () => [new Float32Array(n).fill(0.1)],
      (bk, w, g, s) => bk.adagradUpdate(w, g, s[0], 0.01, 1e-7, squares),
    ],
  ];
  for (const [name, slots, step] of cases) {
    const e = run(jsBackend, slots(), step);
    const a = run(b, slots(), step);
    e.forEach((arr, i) => assertClose(a[i], arr, `${name} buffer ${i}`, 1e-5, 1e-6));
  }
});

// ---------------------------------------------------------------- backend object

nativeTest('the native backend falls back to the reference for kernels it does not implement', (b) => {
  assert.equal(b.name, 'native');
  for (const key of Object.keys(jsBackend) as (keyof Backend)[]) {
    if (key === 'name') continue;
    assert.equal(typeof b[key], 'function', `${key} is missing`);
  }
});

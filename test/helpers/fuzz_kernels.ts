// Property: every entry point of the native addon, called with arbitrary sizes, codes, geometry
// and buffers, either throws a TypeError that names the kernel or returns having written nothing
// outside its buffers. Buffers are views into larger arrays whose margins hold a sentinel, so an
// out-of-bounds write shows up as a changed margin even without a sanitizer; a crash or a hang is
// caught by the parent process (see fuzz_ops.test.ts). Run under AddressSanitizer (see
// fuzz_child.ts) it also catches out-of-bounds reads.
import fc from 'fast-check';
import type { NativeAddon } from '../../src/backend/native/addon.js';
import { type Kind, SIGNATURES } from './fuzz_kernel_signatures.js';

const MARGIN = 16;
const SENTINEL = 12345;

/** A buffer of `length` elements inside a larger array whose margins hold SENTINEL. */
interface Guarded {
  view: Float32Array | Int32Array | Uint8Array;
  whole: Float32Array | Int32Array | Uint8Array;
  length: number;
}

type Ctor = Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
function guarded(ctor: Ctor, length: number, seed: number): Guarded {
  const whole = new ctor(length + 2 * MARGIN).fill(ctor === Uint8Array ? 77 : SENTINEL);
  const view = whole.subarray(MARGIN, MARGIN + length);
  // Small values, and valid-looking indices in int32 buffers, so that calls get past the checks.
  for (let i = 0; i < length; i++) view[i] = ctor === Float32Array ? ((i * 7 + seed) % 11) / 5 - 1 : (i + seed) % 4;
  return { view, whole, length };
}

function marginsIntact(g: Guarded): boolean {
  const s = g.whole instanceof Uint8Array ? 77 : SENTINEL;
  for (let i = 0; i < MARGIN; i++) if (g.whole[i] !== s || g.whole[MARGIN + g.length + i] !== s) return false;
  return true;
}

// Sizes: mostly small (so some calls are valid and run the kernel), sometimes hostile.
const HOSTILE = [
  -1,
  -(2 ** 31),
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 53,
  2 ** 62,
];
const size = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE) },
);
const dim = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 31 - 1, 2 ** 30) },
);
const length = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 48 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 200 }) },
);
const ctorOf = fc.constantFrom<Ctor>(Float32Array, Int32Array, Uint8Array);

type Plan = { kind: 'buffer'; ctor: Ctor; length: number } | { kind: 'null' } | { kind: 'value'; value: unknown };

/** One argument: a typed-array plan (made fresh per run) or a plain value. */
function argument(kind: Kind): fc.Arbitrary<Plan> {
  const buffer = (ctor: fc.Arbitrary<Ctor>) => fc.record({ kind: fc.constant('buffer' as const), ctor, length });
  const value = (v: fc.Arbitrary<unknown>) => v.map((x): Plan => ({ kind: 'value', value: x }));
  const wrong = value(fc.constantFrom(undefined, 3, 'x', [1, 2], new Float64Array(4)));
  const typedOf = (ctor: Ctor) =>
    fc.oneof(
      { weight: 12, arbitrary: buffer(fc.constant(ctor)) },
      { weight: 1, arbitrary: buffer(ctorOf) },
      { weight: 1, arbitrary: wrong },
    );
  const packed = (values: fc.Arbitrary<number[]>) =>
    values.map((v): Plan => ({ kind: 'value', value: Int32Array.from(v) }));
  if (kind === 'f32') return typedOf(Float32Array);
  if (kind === 'i32') return typedOf(Int32Array);
  if (kind === 'typed') return fc.oneof({ weight: 8, arbitrary: buffer(ctorOf) }, { weight: 1, arbitrary: wrong });
  if (kind.endsWith('?')) {
    const ctor = kind === 'f32?' ? Float32Array : kind === 'i32?' ? Int32Array : Uint8Array;
    return fc.oneof(
      { weight: 2, arbitrary: typedOf(ctor) },
      { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'null' }) },
    );
  }
  if (kind === 'size') return value(size);
  if (kind === 'num')
    return value(fc.oneof(fc.double({ min: -2, max: 2, noNaN: true }), fc.constantFrom(0, Number.NaN)));
  if (kind === 'bool')
    return value(fc.oneof({ weight: 8, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constant(1) }));
  if (kind.startsWith('code')) {
    const n = Number(kind.slice(4));
    return value(
      fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: n - 1 }) },
        { weight: 1, arbitrary: fc.constantFrom(-1, n, 0.5, Number.NaN) },
      ),
    );
  }
  if (kind === 'geom16' || kind === 'geom12') {
    const n = kind === 'geom16' ? 16 : 12;
    return packed(fc.array(dim, { minLength: n - 1, maxLength: n }));
  }
  if (kind === 'dims7') return packed(fc.array(dim, { minLength: 6, maxLength: 7 }));
  if (kind === 'spec') {
    return packed(
      fc
        .integer({ min: -1, max: 4 })
        .chain((rank) =>
          fc
            .tuple(
              fc.array(dim, { minLength: Math.max(rank, 0), maxLength: Math.max(rank, 0) }),
              fc.array(fc.integer({ min: -1, max: 4 }), { minLength: Math.max(rank, 0), maxLength: Math.max(rank, 0) }),
            )
            .map(([s, p]) => [rank, ...s, ...p]),
        ),
    );
  }
  // shapes: [aRank, bRank, outRank, aShape…, bShape…, outShape…], or null.
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Plan>({ kind: 'null' }) },
    {
      weight: 4,
      arbitrary: packed(
        fc
          .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
          .chain(([ar, br, or]) =>
            fc
              .array(fc.integer({ min: -1, max: 3 }), { minLength: ar + br + or, maxLength: ar + br + or })
              .map((d) => [ar, br, or, ...d]),
          ),
      ),
    },
  );
}

export interface KernelCall {
  kernel: string;
  plans: Plan[];
}

/** Any kernel, every argument drawn on its own: mostly rejected calls. */
const anyCall: fc.Arbitrary<KernelCall> = fc
  .constantFrom(...Object.keys(SIGNATURES))
  .chain((kernel) => fc.tuple(...SIGNATURES[kernel].map(argument)).map((plans) => ({ kernel, plans })));

const f32 = (n: number): Plan => ({ kind: 'buffer', ctor: Float32Array, length: n });
const packedPlan = (v: number[]): Plan => ({ kind: 'value', value: Int32Array.from(v) });
/** A buffer length that is usually exact and sometimes one short. */
const near = (n: number, short: boolean): number => (short && n > 0 ? n - 1 : n);

/** TensorFlow's output length and leading pad for one axis. */
function axis(input: number, k: number, stride: number, dilation: number, same: boolean): [number, number] {
  const eff = (k - 1) * dilation + 1;
  if (!same) return [Math.max(0, Math.floor((input - eff) / stride) + 1), 0];
  const out = Math.ceil(input / stride);
  return [out, Math.floor(Math.max((out - 1) * stride + eff - input, 0) / 2)];
}

/** Convolutions with geometry TensorFlow could produce (zeros included) and buffers of about the right size. */
const convCall: fc.Arbitrary<KernelCall> = fc
  .record({
    kernel: fc.constantFrom(
      'conv2d',
      'conv2dBackpropInput',
      'conv2dBackpropFilter',
      'depthwiseConv2d',
      'depthwiseConv2dBackpropInput',
      'depthwiseConv2dBackpropFilter',
    ),
    dims: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
    k: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
    stride: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 2 }),
    dilation: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 2 }) },
        { weight: 1, arbitrary: fc.constant(2 ** 29) },
      ),
      { minLength: 2, maxLength: 2 },
    ),
    same: fc.boolean(),
    outC: fc.integer({ min: 0, max: 4 }),
    groups: fc.integer({ min: 1, max: 2 }),
    short: fc.integer({ min: 0, max: 8 }),
    act: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ kernel, dims: [batch, inH, inW, inC], k: [kH, kW], stride, dilation, same, outC, groups, short, act }) => {
    const depthwise = kernel.startsWith('depthwise');
    const g = depthwise ? 1 : inC % groups === 0 && outC % groups === 0 ? groups : 1;
    const [outH, padTop] = axis(inH, kH, stride[0], dilation[0], same);
    const [outW, padLeft] = axis(inW, kW, stride[1], dilation[1], same);
    const oc = depthwise ? inC * Math.max(outC, 1) : outC;
    const last = depthwise ? Math.max(outC, 1) : g;
    const geom = [
      batch,
      inH,
      inW,
      inC,
      outH,
      outW,
      oc,
      kH,
      kW,
      stride[0],
      stride[1],
      dilation[0],
      dilation[1],
      padTop,
      padLeft,
      last,
    ];
    const xLen = batch * inH * inW * inC,
      yLen = batch * outH * outW * oc;
    const kLen = depthwise ? kH * kW * inC * last : kH * kW * (inC / g) * oc;
    const lens = kernel.endsWith('BackpropInput')
      ? [yLen, kLen, xLen]
      : kernel.endsWith('BackpropFilter')
        ? [xLen, yLen, kLen]
        : [xLen, kLen, yLen];
    const bufs = lens.map((n, i) => f32(near(n, short === i + 1)));
    const plans =
      kernel === 'conv2d'
        ? [bufs[0], bufs[1], f32(oc), bufs[2], packedPlan(geom), { kind: 'value', value: act } as Plan]
        : [...bufs, packedPlan(geom)];
    return { kernel, plans };
  });

/** Whole-sequence LSTM and GRU calls with consistent sizes (zeros included). */
const sequenceCall: fc.Arbitrary<KernelCall> = fc
  .record({
    kernel: fc.constantFrom('lstmSequenceForward', 'lstmSequenceBackward', 'gruSequenceForward', 'gruSequenceBackward'),
    B: fc.integer({ min: 0, max: 3 }),
    T: fc.integer({ min: 0, max: 4 }),
    F: fc.integer({ min: 0, max: 3 }),
    u: fc.integer({ min: 0, max: 3 }),
    options: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    acts: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }),
    short: fc.integer({ min: 0, max: 20 }),
  })
  .map(({ kernel, B, T, F, u, options: [bias, mask, drop, dStep, back], acts, short }) => {
    const lstm = kernel.startsWith('lstm');
    const G = (lstm ? 4 : 3) * u;
    const states = (T + 1) * B * u;
    const lens: (number | null)[] = [
      B * T * F,
      F * G,
      u * G,
      bias ? (lstm ? G : 2 * G) : null,
      mask ? T * B : null,
      drop ? B * u : null,
      T * B * G,
      lstm ? states : T * B * G,
      states,
    ];
    const forward: Plan[] = lens.map((n, i) =>
      n === null
        ? { kind: 'null' }
        : i === 4
          ? { kind: 'buffer', ctor: Uint8Array, length: near(n, short === i + 1) }
          : f32(near(n, short === i + 1)),
    );
    const plans = [...forward, packedPlan([B, T, F, u, back ? 1 : 0, acts[0], acts[1]])];
    if (kernel.endsWith('Backward')) {
      const grads = [
        dStep ? T * B * u : null,
        B * u,
        ...(lstm ? [B * u] : []),
        B * T * F,
        F * G,
        u * G,
        bias ? (lstm ? G : 2 * G) : null,
      ];
      plans.push(...grads.map((n, i): Plan => (n === null ? { kind: 'null' } : f32(near(n, short === 10 + i)))));
    }
    return { kernel, plans };
  });

/** A kernel name and plans for its arguments. */
export const kernelCall: fc.Arbitrary<KernelCall> = fc.oneof(
  { weight: 6, arbitrary: anyCall },
  { weight: 1, arbitrary: convCall },
  { weight: 1, arbitrary: sequenceCall },
);

/** How a call went: `problem` is null when it behaved; `ran` when the kernel accepted the arguments. */
export interface KernelOutcome {
  problem: string | null;
  ran: boolean;
}

/**
 * Makes the call. It behaves when it throws a TypeError that names the kernel, or returns having
 * written only inside its buffers.
 */
export function checkKernelCall(addon: NativeAddon, call: KernelCall): KernelOutcome {
  const buffers: Guarded[] = [];
  const args = call.plans.map((p, i) => {
    if (p.kind === 'null') return null;
    if (p.kind === 'value') return p.value;
    const g = guarded(p.ctor, p.length, i);
    buffers.push(g);
    return g.view;
  });
  const fn = (addon as unknown as Record<string, (...a: unknown[]) => unknown>)[call.kernel];
  let ran = true;
  try {
    fn(...args);
  } catch (e) {
    ran = false;
    if (!(e instanceof TypeError)) return { problem: `threw ${String(e)} instead of a TypeError`, ran };
    if (!e.message.startsWith(`${call.kernel}: `))
      return { problem: `error does not name the kernel: ${e.message}`, ran };
  }
  const broken = buffers.findIndex((g) => !marginsIntact(g));
  return { problem: broken >= 0 ? `wrote outside buffer ${broken}` : null, ran };
}

export const KERNEL_NAMES = Object.keys(SIGNATURES);

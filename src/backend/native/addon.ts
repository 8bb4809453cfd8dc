/**
 * The raw interface of build/Release/dendrite_native.node (native/bind_*.cc). Typed arrays are
 * passed through untouched; op names and geometry objects are encoded by ./backend.ts first.
 */
type F32 = Float32Array;
type Mask = Uint8Array | null;
type Typed = Float32Array | Int32Array | Uint8Array;

/** The binding layout this TypeScript expects (kAbi in native/addon.cc). */
export const NATIVE_ABI = 3;

export interface NativeAddon {
  /** Version of the binding layout; see NATIVE_ABI. */
  abi(): number;
  isa(): string;
  forceIsa(name: string): boolean;
  threads(): number;
  setThreads(n: number): void;
  /** One core's FMA throughput (GFLOP/s) with the selected SIMD family, measured for `seconds`; 0 for the portable build. */
  peakGflops(seconds: number): number;

  matmul(
    a: F32,
    b: F32,
    out: F32,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    bias: F32 | null,
    act: number,
    accumulate: boolean,
  ): void;
  unary(op: number, x: F32, out: F32 | Uint8Array, alpha: number): void;
  unaryGrad(op: number, x: F32, y: F32, dy: F32, out: F32, alpha: number): void;
  /** shapes: [aRank, bRank, outRank, ...aShape, ...bShape, ...outShape], or null when a, b and out have equal length. */
  binary(op: number, a: F32, b: F32, out: F32 | Uint8Array, shapes: Int32Array | null): void;
  reduceSum(x: F32, outer: number, reduce: number, inner: number, out: F32): void;
  reduceMax(x: F32, outer: number, reduce: number, inner: number, out: F32, argmax: Int32Array | null): void;
  /** spec: [rank, ...shape, ...perm]. */
  transpose(x: Typed, out: Typed, spec: Int32Array): void;
  copyBlock(x: Typed, outer: number, inner: number, out: Typed, outInner: number, offset: number): void;
  sliceBlock(x: Typed, outer: number, xInner: number, offset: number, inner: number, out: Typed): void;
  cast(x: Typed, out: Typed): void;
  sumSquares(x: F32): number;
  allFinite(x: F32): boolean;

  softmax(x: F32, out: F32, rows: number, cols: number): void;
  softmaxGrad(y: F32, dy: F32, out: F32, rows: number, cols: number): void;
  softmaxCrossEntropy(logits: F32, labels: F32, rows: number, cols: number, loss: F32, grad: F32): void;
  gather(table: F32, dim: number, indices: Int32Array, out: F32): void;
  scatterAdd(dy: F32, dim: number, indices: Int32Array, dtable: F32): void;

  /** geom: 16 values, see packConv in ./backend.ts. */
  /** act: ACT_CODE value (./codes.ts). */
  conv2d(x: F32, kernel: F32, bias: F32 | null, out: F32, geom: Int32Array, act: number): void;
  conv2dBackpropInput(dy: F32, kernel: F32, dx: F32, geom: Int32Array): void;
  conv2dBackpropFilter(x: F32, dy: F32, dkernel: F32, geom: Int32Array): void;
  depthwiseConv2d(x: F32, kernel: F32, out: F32, geom: Int32Array): void;
  depthwiseConv2dBackpropInput(dy: F32, kernel: F32, dx: F32, geom: Int32Array): void;
  depthwiseConv2dBackpropFilter(x: F32, dy: F32, dkernel: F32, geom: Int32Array): void;
  /** geom: 12 values, see packPool in ./backend.ts. */
  maxPool2d(x: F32, out: F32, argmax: Int32Array, geom: Int32Array): void;
  maxPool2dGrad(dy: F32, argmax: Int32Array, dx: F32): void;
  avgPool2d(x: F32, out: F32, geom: Int32Array): void;
  avgPool2dGrad(dy: F32, dx: F32, geom: Int32Array): void;

  sgdUpdate(w: F32, g: F32, velocity: F32 | null, lr: number, momentum: number, nesterov: boolean): void;
  /** gradSquares (or null) replaces g² in the second moment, as in the Backend interface. */
  rmspropUpdate(
    w: F32,
    g: F32,
    ms: F32,
    mom: F32 | null,
    lr: number,
    rho: number,
    momentum: number,
    epsilon: number,
    gradSquares: F32 | null,
  ): void;
  adamUpdate(
    w: F32,
    g: F32,
    m: F32,
    v: F32,
    vhat: F32 | null,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    weightDecay: number,
    gradSquares: F32 | null,
  ): void;
  adagradUpdate(w: F32, g: F32, acc: F32, lr: number, epsilon: number, gradSquares: F32 | null): void;

  // Recurrent gate kernels; act / recAct are GATE_CODE values (./codes.ts).
  lstmGatesForward(
    z: F32,
    cPrev: F32,
    hPrev: F32,
    c: F32,
    h: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
    recAct: number,
  ): void;
  lstmGatesBackward(
    gates: F32,
    cPrev: F32,
    c: F32,
    dhNext: F32,
    dOut: F32 | null,
    dcNext: F32,
    dz: F32,
    dhPrev: F32,
    dcPrev: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
    recAct: number,
  ): void;
  gruGatesForward(
    xg: F32,
    rec: F32,
    hPrev: F32,
    h: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
    recAct: number,
  ): void;
  gruGatesBackward(
    gates: F32,
    rec: F32,
    hPrev: F32,
    dhNext: F32,
    dOut: F32 | null,
    dx: F32,
    drec: F32,
    dhPrev: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
    recAct: number,
  ): void;
  gruResetForward(xg: F32, recZR: F32, hRec: F32, rh: F32, batch: number, units: number, recAct: number): void;
  gruCandidateForward(
    xg: F32,
    recH: F32,
    hPrev: F32,
    h: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
  ): void;
  gruCandidateBackward(
    gates: F32,
    hPrev: F32,
    dhNext: F32,
    dOut: F32 | null,
    dzr: F32,
    dah: F32,
    dhPrev: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
    recAct: number,
  ): void;
  gruResetBackward(
    gates: F32,
    hRec: F32,
    drh: F32,
    dzr: F32,
    dhRec: F32,
    mask: Mask,
    batch: number,
    units: number,
    recAct: number,
  ): void;
  rnnStepForward(z: F32, hPrev: F32, h: F32, mask: Mask, batch: number, units: number, act: number): void;
  rnnStepBackward(
    y: F32,
    dhNext: F32,
    dOut: F32 | null,
    dz: F32,
    dhPrev: F32,
    mask: Mask,
    batch: number,
    units: number,
    act: number,
  ): void;
  /** dims: [batch, steps, features, units, goBackwards (0/1), act, recAct]. */
  lstmSequenceForward(
    x: F32,
    kernel: F32,
    recurrentKernel: F32,
    bias: F32 | null,
    mask: Mask,
    dropMask: F32 | null,
    gates: F32,
    c: F32,
    h: F32,
    dims: Int32Array,
  ): void;
  lstmSequenceBackward(
    x: F32,
    kernel: F32,
    recurrentKernel: F32,
    bias: F32 | null,
    mask: Mask,
    dropMask: F32 | null,
    gates: F32,
    c: F32,
    h: F32,
    dims: Int32Array,
    dStep: F32 | null,
    dh: F32,
    dc: F32,
    dx: F32,
    dKernel: F32,
    dRecurrentKernel: F32,
    dBias: F32 | null,
  ): void;
  /** As the LSTM's, with rec (h·U + b_rec per step) in place of c. */
  gruSequenceForward(
    x: F32,
    kernel: F32,
    recurrentKernel: F32,
    bias: F32 | null,
    mask: Mask,
    dropMask: F32 | null,
    gates: F32,
    rec: F32,
    h: F32,
    dims: Int32Array,
  ): void;
  gruSequenceBackward(
    x: F32,
    kernel: F32,
    recurrentKernel: F32,
    bias: F32 | null,
    mask: Mask,
    dropMask: F32 | null,
    gates: F32,
    rec: F32,
    h: F32,
    dims: Int32Array,
    dStep: F32 | null,
    dh: F32,
    dx: F32,
    dKernel: F32,
    dRecurrentKernel: F32,
    dBias: F32 | null,
  ): void;
}

const REQUIRED: readonly (keyof NativeAddon)[] = [
  'abi',
  'isa',
  'threads',
  'matmul',
  'unary',
  'unaryGrad',
  'binary',
  'reduceSum',
  'reduceMax',
  'transpose',
  'copyBlock',
  'sliceBlock',
  'cast',
  'sumSquares',
  'allFinite',
  'softmax',
  'softmaxGrad',
  'softmaxCrossEntropy',
  'gather',
  'scatterAdd',
  'conv2d',
  'conv2dBackpropInput',
  'conv2dBackpropFilter',
  'depthwiseConv2d',
  'depthwiseConv2dBackpropInput',
  'depthwiseConv2dBackpropFilter',
  'maxPool2d',
  'maxPool2dGrad',
  'avgPool2d',
  'avgPool2dGrad',
  'sgdUpdate',
  'rmspropUpdate',
  'adamUpdate',
  'adagradUpdate',
  'lstmGatesForward',
  'lstmGatesBackward',
  'gruGatesForward',
  'gruGatesBackward',
  'gruResetForward',
  'gruCandidateForward',
  'gruCandidateBackward',
  'gruResetBackward',
  'rnnStepForward',
  'rnnStepBackward',
  'lstmSequenceForward',
  'lstmSequenceBackward',
  'gruSequenceForward',
  'gruSequenceBackward',
];

/**
 * True when `mod` exports every function this version of the TypeScript side calls, with the
 * argument layout it expects (guards against a stale build).
 */
export function isNativeAddon(mod: unknown): mod is NativeAddon {
  if (typeof mod !== 'object' || mod === null) return false;
  const rec = mod as Record<string, unknown>;
  if (!REQUIRED.every((name) => typeof rec[name] === 'function')) return false;
  return (rec.abi as () => unknown)() === NATIVE_ABI;
}

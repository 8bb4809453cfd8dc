/**
 * The kernel set every backend implements. Kernels are coarse (a whole matmul with its bias and
 * activation, a whole optimizer update for one weight) and write into buffers the caller owns, so
 * that a step allocates nothing a backend must track and a native backend can work zero-copy on the
 * same typed arrays. Nothing above `ops/` calls a backend.
 */

/** Activations a matmul can apply in its epilogue. */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** Elementwise functions with a derivative; the lists exist at run time so that ops can check names. */
export const UNARY_OPS = [
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
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

export const BINARY_OPS = [
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
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** A read-only view of a buffer; kernels never write into inputs. */
export type In = Float32Array | Int32Array | Uint8Array;
export type NumArray = Float32Array | Int32Array | Uint8Array;

/** Geometry of a 2D convolution on NHWC data with an HWIO kernel (Keras's layouts). 1D convs use inH = 1. */
export interface Conv2DGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  /** Grouped convolution: inC and outC are both divisible by groups. */
  groups: number;
}

/** Geometry of a depthwise convolution: kernel [kH, kW, inC, multiplier], output channels inC * multiplier. */
export interface DepthwiseGeometry extends Omit<Conv2DGeometry, 'groups' | 'outC'> {
  multiplier: number;
}

/** Geometry of 2D pooling on NHWC data (1D pooling uses inH = 1). */
export interface Pool2DGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  outH: number;
  outW: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * Activations the fused recurrent kernels apply. Each derivative is computed from the activation's
 * output alone (tanh: 1 − y², sigmoid: y(1 − y), hard_sigmoid: 1/6 on 0 < y < 1, relu: y > 0,
 * linear: 1), so backward kernels need no pre-activation values. hard_sigmoid is Keras 3's
 * clip(x/6 + 1/2, 0, 1).
 */
export const GATE_ACTIVATIONS = ['tanh', 'sigmoid', 'hard_sigmoid', 'relu', 'linear'] as const;
export type GateActivation = (typeof GATE_ACTIVATIONS)[number];

/**
 * One LSTM layer over a whole sequence. The input (and its gradient) is batch-major like the
 * layer's tensor; what the forward pass keeps for the backward pass is time-major ([time, batch,
 * ...]) so that each step is one contiguous block. States live in steps + 1 slots of [batch,
 * units]: the state entering time t is slot t (slot t + 1 with goBackwards), and the slot no step
 * writes (0, or the last with goBackwards) holds the initial state, which the caller leaves at zero.
 */
export interface LstmSequence {
  batch: number;
  steps: number;
  features: number;
  units: number;
  /** Input, [batch, steps, features]. */
  x: Float32Array;
  /** [features, 4·units], gates in Keras's order i, f, c, o. */
  kernel: Float32Array;
  /** [units, 4·units]. */
  recurrentKernel: Float32Array;
  /** [4·units] or null. */
  bias: Float32Array | null;
  /** [steps, batch], nonzero where the step is real; masked rows carry their state through. */
  mask: Uint8Array | null;
  /** [batch, units] multiplier of h before each recurrent matmul (recurrent dropout), or null. */
  recurrentDropMask: Float32Array | null;
  /** Process time steps last to first. */
  goBackwards: boolean;
  act: GateActivation;
  recAct: GateActivation;
  /** Out: the activated gates of every time step, [steps, batch, 4·units]. */
  gates: Float32Array;
  /** Cell-state slots, (steps + 1) × [batch, units]. */
  c: Float32Array;
  /** Hidden-state slots, (steps + 1) × [batch, units]. */
  h: Float32Array;
}

/**
 * One GRU layer with reset_after (Keras 3's default) over a whole sequence, laid out as
 * LstmSequence with G = 3·units gate columns in Keras's order z, r, h; the bias, when present, is
 * [2, G]: the input bias, then the recurrent bias.
 */
export interface GruSequence extends Omit<LstmSequence, 'c'> {
  /** Out: h·U + b_rec of every time step, [steps, batch, 3·units] (the backward pass reads it). */
  rec: Float32Array;
}

/** Where the sequence backward passes write; every buffer is overwritten. */
export interface RecurrentGradients {
  /** [batch, steps, features]. */
  dx: Float32Array;
  /** [features, G]. */
  dKernel: Float32Array;
  /** [units, G]. */
  dRecurrentKernel: Float32Array;
  /** Shaped like the bias, exactly when the sequence has one. */
  dBias: Float32Array | null;
}

export interface Backend {
  readonly name: 'js' | 'native';

  /**
   * out[m×n] = act(op(A) · op(B) + bias), A is m×k (k×m when transA), B is k×n (n×k when transB).
   * With `accumulate`, the product is added to what `out` holds (bias and act must then be null/linear).
   */
  matmul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    bias: Float32Array | null,
    act: FusedActivation,
    accumulate: boolean,
  ): void;

  /** out = f(x) elementwise; `alpha` parameterises leakyRelu and elu. */
  unary(op: UnaryOp, x: In, out: NumArray, alpha: number): void;
  /** out = dy · f'(x) where y = f(x) is also given (cheaper for sigmoid, tanh, exp). */
  unaryGrad(op: UnaryOp, x: Float32Array, y: Float32Array, dy: Float32Array, out: Float32Array, alpha: number): void;
  /** out = a ∘ b with NumPy broadcasting; shapes are given right-aligned to outShape's rank. */
  binary(
    op: BinaryOp,
    a: In,
    aShape: readonly number[],
    b: In,
    bShape: readonly number[],
    out: NumArray,
    outShape: readonly number[],
  ): void;
  /** Sums a [outer, reduce, inner] view over its middle axis into out[outer, inner]. */
  reduceSum(x: Float32Array, outer: number, reduce: number, inner: number, out: Float32Array): void;
  /** Max over the middle axis of [outer, reduce, inner]; argmax (index along the middle axis) is optional. */
  reduceMax(
    x: Float32Array,
    outer: number,
    reduce: number,
    inner: number,
    out: Float32Array,
    argmax: Int32Array | null,
  ): void;
  /** out = x transposed by `perm`. */
  transpose(x: In, shape: readonly number[], perm: readonly number[], out: NumArray): void;
  /** Copies x viewed as [outer, inner] into out viewed as [outer, outInner] starting at column `offset` (concat / slice building block). */
  copyBlock(x: In, outer: number, inner: number, out: NumArray, outInner: number, offset: number): void;
  /** Reads x viewed as [outer, xInner] from column `offset`, `inner` wide, into out [outer, inner]. */
  sliceBlock(x: In, outer: number, xInner: number, offset: number, inner: number, out: NumArray): void;
  /** Converts between element types (float → int truncates toward zero, like a C cast). */
  cast(x: In, out: NumArray): void;

  /** Row-wise softmax of x[rows, cols]. */
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** dx = y ∘ (dy − Σ dy ∘ y) row-wise. */
  softmaxGrad(y: Float32Array, dy: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /**
   * Fused softmax cross-entropy from logits: loss[r] = −Σ labels·log_softmax(logits),
   * grad = softmax(logits) − labels (per row, unscaled). That gradient is exact when each row of
   * labels sums to 1; for other targets it is what TensorFlow's kernel (and so Keras 3 on
   * TensorFlow, whose fixtures we match) uses.
   */
  softmaxCrossEntropy(
    logits: Float32Array,
    labels: Float32Array,
    rows: number,
    cols: number,
    loss: Float32Array,
    grad: Float32Array,
  ): void;

  /** Embedding lookup: out[i, :] = table[indices[i], :]. Indices were validated by the caller. */
  gather(table: Float32Array, dim: number, indices: Int32Array, out: Float32Array): void;
  /** dtable[indices[i], :] += dy[i, :]. */
  scatterAdd(dy: Float32Array, dim: number, indices: Int32Array, dtable: Float32Array): void;

  /** out = act(conv(x, kernel) + bias): the activation is applied as each output is stored. */
  conv2d(
    x: Float32Array,
    kernel: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    g: Conv2DGeometry,
    act: FusedActivation,
  ): void;
  conv2dBackpropInput(dy: Float32Array, kernel: Float32Array, dx: Float32Array, g: Conv2DGeometry): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dkernel: Float32Array, g: Conv2DGeometry): void;
  depthwiseConv2d(x: Float32Array, kernel: Float32Array, out: Float32Array, g: DepthwiseGeometry): void;
  depthwiseConv2dBackpropInput(dy: Float32Array, kernel: Float32Array, dx: Float32Array, g: DepthwiseGeometry): void;
  depthwiseConv2dBackpropFilter(x: Float32Array, dy: Float32Array, dkernel: Float32Array, g: DepthwiseGeometry): void;

  /** Max pooling; argmax receives the flat input index of each window's maximum (−1 for an all-padding window). */
  maxPool2d(x: Float32Array, out: Float32Array, argmax: Int32Array, g: Pool2DGeometry): void;
  maxPool2dGrad(dy: Float32Array, argmax: Int32Array, dx: Float32Array): void;
  /** Average pooling over the valid (non-padding) part of each window, as TensorFlow does. */
  avgPool2d(x: Float32Array, out: Float32Array, g: Pool2DGeometry): void;
  avgPool2dGrad(dy: Float32Array, dx: Float32Array, g: Pool2DGeometry): void;

  /** Σ x² (for gradient clipping by norm). */
  sumSquares(x: Float32Array): number;
  /** True when every element is finite. */
  allFinite(x: Float32Array): boolean;

  /**
   * Fused optimizer updates, in place on the weight and its slots. Each follows Keras 3's rule.
   * `gradSquares`, when given, replaces g² in the second-moment terms: an embedding's gradient
   * reaches Keras 3 on TensorFlow as one slice per lookup, and a row looked up k times adds Σ gᵢ²
   * rather than (Σ gᵢ)² (see ops/embedding.ts).
   */
  sgdUpdate(
    w: Float32Array,
    g: Float32Array,
    velocity: Float32Array | null,
    lr: number,
    momentum: number,
    nesterov: boolean,
  ): void;
  rmspropUpdate(
    w: Float32Array,
    g: Float32Array,
    ms: Float32Array,
    mom: Float32Array | null,
    lr: number,
    rho: number,
    momentum: number,
    epsilon: number,
    gradSquares?: Float32Array | null,
  ): void;
  adamUpdate(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    vhat: Float32Array | null,
    lr: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    step: number,
    weightDecay: number,
    gradSquares?: Float32Array | null,
  ): void;
  adagradUpdate(
    w: Float32Array,
    g: Float32Array,
    acc: Float32Array,
    lr: number,
    epsilon: number,
    gradSquares?: Float32Array | null,
  ): void;

  /**
   * A whole LSTM layer over a sequence (see LstmSequence): for each step, the input and recurrent
   * matmuls and the gate math of lstmGatesForward. Fills `gates`, `c` and `h`.
   */
  lstmSequenceForward(seq: LstmSequence): void;
  /**
   * Backpropagation through time of lstmSequenceForward, after it ran on the same `seq`.
   * dStep [batch, steps, u] is the gradient of each step's output, indexed by processing step
   * (null when only the final state is read); dh and dc [batch, u] are the gradients reaching the
   * final state and are used as working memory (overwritten). Writes every gradient in `grads`.
   */
  lstmSequenceBackward(
    seq: LstmSequence,
    dStep: Float32Array | null,
    dh: Float32Array,
    dc: Float32Array,
    grads: RecurrentGradients,
  ): void;
  /** A whole GRU (reset_after) layer: per step the two matmuls and the gate math of gruGatesForward. */
  gruSequenceForward(seq: GruSequence): void;
  /** Backpropagation through time of gruSequenceForward, as lstmSequenceBackward (no cell state). */
  gruSequenceBackward(seq: GruSequence, dStep: Float32Array | null, dh: Float32Array, grads: RecurrentGradients): void;

  /*
   * Recurrent cells, one time step each, for a batch of `batch` rows and `units` units. Buffers are
   * row-major [batch, width]. The sequence op (ops/recurrent.ts) does the matmuls (x·kernel for all
   * steps at once, h·recurrent_kernel per step) and calls these for the elementwise gate math.
   * `mask` (one byte per row, or null) marks rows whose time step is real: a masked row keeps its
   * previous state (h, c) and gets no gate gradient, as Keras's masking does. Gate order follows
   * Keras: LSTM [i, f, c, o], GRU [z, r, h]. No output may alias an input unless stated.
   */

  /**
   * LSTM gates. In: z [batch, 4u] = x·W + h·U + b (pre-activations). Writes the activated gates
   * [i, f, g, o] back into z (kept for the backward pass), then c = f∘cPrev + i∘g and h = o∘act(c);
   * masked rows copy cPrev/hPrev instead.
   */
  lstmGatesForward(
    z: Float32Array,
    cPrev: Float32Array,
    hPrev: Float32Array,
    c: Float32Array,
    h: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
    recAct: GateActivation,
  ): void;
  /**
   * LSTM gate gradients. dh = dhNext + dOut (dOut may be null). Writes dz [batch, 4u] (gradient of
   * the pre-activations), dcPrev, and dhPrev = the direct part only (0 for unmasked rows, dh for
   * masked rows); the caller adds dz·Uᵀ to dhPrev. Masked rows: dz = 0, dcPrev = dcNext.
   */
  lstmGatesBackward(
    gates: Float32Array,
    cPrev: Float32Array,
    c: Float32Array,
    dhNext: Float32Array,
    dOut: Float32Array | null,
    dcNext: Float32Array,
    dz: Float32Array,
    dhPrev: Float32Array,
    dcPrev: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
    recAct: GateActivation,
  ): void;

  /**
   * GRU step with reset_after = true (Keras 3's default). In: xg [batch, 3u] = x·W + b_input,
   * rec [batch, 3u] = hRec·U + b_recurrent. z = recAct(xz + rz), r = recAct(xr + rr),
   * hh = act(xh + r∘rh), h = z∘hPrev + (1 − z)∘hh. Writes [z, r, hh] back into xg.
   */
  gruGatesForward(
    xg: Float32Array,
    rec: Float32Array,
    hPrev: Float32Array,
    h: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
    recAct: GateActivation,
  ): void;
  /**
   * Gradients of gruGatesForward. dh = dhNext + dOut. Writes dx [batch, 3u] (gradient of xg's
   * pre-activations), drec [batch, 3u] (gradient of rec) and dhPrev = dh∘z (dh for masked rows);
   * the caller adds drec·Uᵀ to dhPrev.
   */
  gruGatesBackward(
    gates: Float32Array,
    rec: Float32Array,
    hPrev: Float32Array,
    dhNext: Float32Array,
    dOut: Float32Array | null,
    dx: Float32Array,
    drec: Float32Array,
    dhPrev: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
    recAct: GateActivation,
  ): void;
  /**
   * GRU with reset_after = false, first half. In: xg [batch, 3u] = x·W + b, recZR [batch, 2u] =
   * hRec·U[:, :2u]. Writes z, r into xg[:, :2u] and rh = r∘hRec [batch, u] (the caller then computes
   * recH = rh·U[:, 2u:]).
   */
  gruResetForward(
    xg: Float32Array,
    recZR: Float32Array,
    hRec: Float32Array,
    rh: Float32Array,
    batch: number,
    units: number,
    recAct: GateActivation,
  ): void;
  /**
   * GRU with reset_after = false, second half. In: recH [batch, u]. hh = act(xh + recH) is written
   * into xg[:, 2u:], h = z∘hPrev + (1 − z)∘hh (hPrev for masked rows).
   */
  gruCandidateForward(
    xg: Float32Array,
    recH: Float32Array,
    hPrev: Float32Array,
    h: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
  ): void;
  /**
   * Backward of gruCandidateForward. dh = dhNext + dOut. Writes dzr[:, :u] (gradient of z's
   * pre-activation; dzr is [batch, 2u]), dah [batch, u] (gradient of hh's pre-activation, i.e. of xh
   * and recH) and dhPrev = dh∘z (dh for masked rows). Masked rows get zero gate gradients.
   */
  gruCandidateBackward(
    gates: Float32Array,
    hPrev: Float32Array,
    dhNext: Float32Array,
    dOut: Float32Array | null,
    dzr: Float32Array,
    dah: Float32Array,
    dhPrev: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
    recAct: GateActivation,
  ): void;
  /**
   * Backward of gruResetForward. In: drh [batch, u] = dah·U[:, 2u:]ᵀ. Writes dzr[:, u:] (gradient of
   * r's pre-activation) and ADDS drh∘r into dhRec (the caller then adds dzr·U[:, :2u]ᵀ). Masked
   * rows: dzr[:, u:] = 0 and dhRec unchanged.
   */
  gruResetBackward(
    gates: Float32Array,
    hRec: Float32Array,
    drh: Float32Array,
    dzr: Float32Array,
    dhRec: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    recAct: GateActivation,
  ): void;

  /** SimpleRNN step. In: z [batch, u] = x·W + b + hRec·U. Writes y = act(z) into z and h = y (hPrev for masked rows). */
  rnnStepForward(
    z: Float32Array,
    hPrev: Float32Array,
    h: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
  ): void;
  /** Backward of rnnStepForward: dh = dhNext + dOut; dz = dh∘act'(y) (0 if masked); dhPrev = 0 (dh if masked). */
  rnnStepBackward(
    y: Float32Array,
    dhNext: Float32Array,
    dOut: Float32Array | null,
    dz: Float32Array,
    dhPrev: Float32Array,
    mask: Uint8Array | null,
    batch: number,
    units: number,
    act: GateActivation,
  ): void;
}

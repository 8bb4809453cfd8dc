import type { BinaryOp, In, NumArray, UnaryOp } from '../backend.js';
import { sigmoid } from './matmul.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 refined by one Newton step is not enough for float32 parity;
  // use a high-precision series/continued-fraction split instead.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2.5) {
    // Maclaurin series converges quickly here.
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Continued fraction for erfc.
    let f = 0;
    for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  }
  return x < 0 ? -r : r;
}

export function unaryScalar(op: UnaryOp, x: number, alpha: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'abs':
      return Math.abs(x);
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'rsqrt':
      return 1 / Math.sqrt(x);
    case 'square':
      return x * x;
    case 'reciprocal':
      return 1 / x;
    case 'sign':
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'floor':
      return Math.floor(x);
    case 'round':
      return roundHalfEven(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'relu6':
      return Math.min(Math.max(x, 0), 6);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return Math.tanh(x);
    case 'elu':
      return x > 0 ? x : alpha * Math.expm1(x);
    case 'selu':
      return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'geluTanh':
      return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case 'softplus':
      return x > 20 ? x : Math.log1p(Math.exp(x));
    case 'softsign':
      return x / (1 + Math.abs(x));
    case 'swish':
      return x * sigmoid(x);
    case 'hardSigmoid':
      return Math.min(Math.max(x / 6 + 0.5, 0), 1);
    case 'leakyRelu':
      return x > 0 ? x : alpha * x;
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'log1p':
      return Math.log1p(x);
    case 'expm1':
      return Math.expm1(x);
    case 'isNotFinite':
      return Number.isFinite(x) ? 0 : 1;
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** d f(x) / dx given x and y = f(x). */
export function unaryDerivative(op: UnaryOp, x: number, y: number, alpha: number): number {
  switch (op) {
    case 'neg':
      return -1;
    case 'abs':
      return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'exp':
      return y;
    case 'log':
      return 1 / x;
    case 'sqrt':
      return 0.5 / y;
    case 'rsqrt':
      return -0.5 * y * y * y;
    case 'square':
      return 2 * x;
    case 'reciprocal':
      return -y * y;
    case 'sign':
    case 'floor':
    case 'round':
    case 'isNotFinite':
      return 0;
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'relu6':
      return x > 0 && x < 6 ? 1 : 0;
    case 'sigmoid':
      return y * (1 - y);
    case 'tanh':
      return 1 - y * y;
    case 'elu':
      return x > 0 ? 1 : y + alpha;
    case 'selu':
      return x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
    case 'gelu':
      return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case 'geluTanh': {
      const inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      const t = Math.tanh(inner);
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
    }
    case 'softplus':
      return sigmoid(x);
    case 'softsign': {
      const d = 1 + Math.abs(x);
      return 1 / (d * d);
    }
    case 'swish': {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    }
    case 'hardSigmoid':
      return x > -3 && x < 3 ? 1 / 6 : 0;
    case 'leakyRelu':
      return x > 0 ? 1 : alpha;
    case 'sin':
      return Math.cos(x);
    case 'cos':
      return -Math.sin(x);
    case 'log1p':
      return 1 / (1 + x);
    case 'expm1':
      return y + 1;
  }
}

export function unary(op: UnaryOp, x: In, out: NumArray, alpha: number): void {
  const n = x.length;
  switch (op) {
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    default:
      for (let i = 0; i < n; i++) out[i] = unaryScalar(op, x[i], alpha);
  }
}

export function unaryGrad(
  op: UnaryOp,
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  out: Float32Array,
  alpha: number,
): void {
  const n = x.length;
  if (op === 'relu') {
    for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? dy[i] : 0;
    return;
  }
  for (let i = 0; i < n; i++) out[i] = dy[i] * unaryDerivative(op, x[i], y[i], alpha);
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add':
      return (a, b) => a + b;
    case 'sub':
      return (a, b) => a - b;
    case 'mul':
      return (a, b) => a * b;
    case 'div':
      return (a, b) => a / b;
    case 'pow':
      return (a, b) => a ** b;
    case 'maximum':
      return (a, b) => (a >= b ? a : b);
    case 'minimum':
      return (a, b) => (a <= b ? a : b);
    case 'equal':
      return (a, b) => (a === b ? 1 : 0);
    case 'notEqual':
      return (a, b) => (a !== b ? 1 : 0);
    case 'greater':
      return (a, b) => (a > b ? 1 : 0);
    case 'greaterEqual':
      return (a, b) => (a >= b ? 1 : 0);
    case 'less':
      return (a, b) => (a < b ? 1 : 0);
    case 'lessEqual':
      return (a, b) => (a <= b ? 1 : 0);
  }
}

/** Broadcasting binary op. Fast paths for equal shapes and for a row vector / scalar on the right. */
export function binary(
  op: BinaryOp,
  a: In,
  aShape: readonly number[],
  b: In,
  bShape: readonly number[],
  out: NumArray,
  outShape: readonly number[],
): void {
  const f = binaryFn(op);
  const n = out.length;
  if (a.length === n && b.length === n) {
    if (op === 'add') for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
    else if (op === 'mul') for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
    else if (op === 'sub') for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
    else for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return;
  }
  if (b.length === 1) {
    const bv = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i % a.length], bv);
    if (a.length === n) return;
  }
  if (a.length === 1) {
    const av = a[0];
    for (let i = 0; i < n; i++) out[i] = f(av, b[i % b.length]);
    return;
  }
  if (a.length === n && isSuffix(bShape, outShape)) {
    const m = b.length;
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i % m]);
    return;
  }
  if (b.length === n && isSuffix(aShape, outShape)) {
    const m = a.length;
    for (let i = 0; i < n; i++) out[i] = f(a[i % m], b[i]);
    return;
  }
  // General case: walk the output index and derive both input offsets from broadcast strides.
  const rank = outShape.length;
  const aStr = broadcastStrides(aShape, outShape);
  const bStr = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(a[ai], b[bi]);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      ai += aStr[d];
      bi += bStr[d];
      if (idx[d] < outShape[d]) break;
      ai -= aStr[d] * outShape[d];
      bi -= bStr[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

function isSuffix(shape: readonly number[], outShape: readonly number[]): boolean {
  // A trailing block equal to the output's trailing dims, with leading 1s, repeats every shape.size elements.
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  const tail = shape.slice(i);
  const outTail = outShape.slice(outShape.length - tail.length);
  return tail.every((d, j) => d === outTail[j]);
}

function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = rank - shape.length + d;
    strides[od] = shape[d] === 1 ? 0 : s;
    s *= shape[d];
  }
  return strides;
}

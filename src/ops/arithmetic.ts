import { type BinaryOp, UNARY_OPS, type UnaryOp } from '../backend/backend.js';
import { getBackend } from '../backend/registry.js';
import { type DType, checkDType } from '../tensor/dtype.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor, scalar } from '../tensor/tensor.js';
import { emptyFloat, emptyOutput, floatData, outputFloat } from './create.js';
import { scale, unbroadcast } from './reduce.js';
import { record } from './tape.js';
import { checkNumber, checkOneOf, checkTensor, fail } from './validate.js';

type Operand = Tensor | number;
function asTensor(v: Operand, op: string, arg: string): Tensor {
  if (typeof v === 'number') return scalar(v);
  if (!(v instanceof Tensor)) checkTensor(v, op, `${arg} (a tensor or a number)`);
  return v;
}

function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, outDType: DType): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const y = emptyOutput(shape, outDType);
  getBackend().binary(op, a.values, a.shape, b.values, b.shape, y.values, shape);
  return y;
}

function floatBinary(
  op: BinaryOp,
  a: Operand,
  b: Operand,
  grads: (a: Tensor, b: Tensor, y: Tensor, dy: Tensor) => [Tensor | null, Tensor | null],
): Tensor {
  const ta = asTensor(a, op, 'a');
  const tb = asTensor(b, op, 'b');
  const y = binaryRaw(op, ta, tb, 'float32');
  record([ta, tb], [y], ([dy]) => {
    const [ga, gb] = grads(ta, tb, y, dy!);
    return [ga && unbroadcast(ga, ta.shape), gb && unbroadcast(gb, tb.shape)];
  });
  return y;
}

export function add(a: Operand, b: Operand): Tensor {
  return floatBinary('add', a, b, (_a, _b, _y, dy) => [dy, dy]);
}

export function sub(a: Operand, b: Operand): Tensor {
  return floatBinary('sub', a, b, (_a, _b, _y, dy) => [dy, neg(dy)]);
}

export function mul(a: Operand, b: Operand): Tensor {
  return floatBinary('mul', a, b, (ta, tb, _y, dy) => [mul(dy, tb), mul(dy, ta)]);
}

export function div(a: Operand, b: Operand): Tensor {
  return floatBinary('div', a, b, (_ta, tb, y, dy) => [div(dy, tb), neg(div(mul(dy, y), tb))]);
}

export function pow(a: Operand, b: Operand): Tensor {
  return floatBinary('pow', a, b, (ta, tb, y, dy) => [mul(dy, mul(tb, pow(ta, sub(tb, 1)))), mul(dy, mul(y, log(ta)))]);
}

/** Elementwise maximum; ties send the gradient to the first operand, as TensorFlow does. */
export function maximum(a: Operand, b: Operand): Tensor {
  return floatBinary('maximum', a, b, (ta, tb, _y, dy) => {
    const mask = binaryRaw('greaterEqual', ta, tb, 'float32');
    return [mul(dy, mask), mul(dy, sub(1, mask))];
  });
}

export function minimum(a: Operand, b: Operand): Tensor {
  return floatBinary('minimum', a, b, (ta, tb, _y, dy) => {
    const mask = binaryRaw('lessEqual', ta, tb, 'float32');
    return [mul(dy, mask), mul(dy, sub(1, mask))];
  });
}

const COMPARISONS = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const;

/** Comparisons give `bool` tensors and have no gradient. */
export function compare(
  op: 'equal' | 'notEqual' | 'greater' | 'greaterEqual' | 'less' | 'lessEqual',
  a: Operand,
  b: Operand,
): Tensor {
  checkOneOf(op, COMPARISONS, 'compare', 'op');
  return binaryRaw(op, asTensor(a, op, 'a'), asTensor(b, op, 'b'), 'bool');
}

/** Elementwise f(x) with the derivative the backend knows for f. */
export function unary(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  checkOneOf(op, UNARY_OPS, 'unary', 'op');
  checkTensor(x, op, 'x');
  checkNumber(alpha, op, 'alpha');
  const xd = floatData(x, op);
  const { t: y, data } = outputFloat(x.shape);
  getBackend().unary(op, xd, data, alpha);
  record([x], [y], ([dy]) => {
    const { t: dx, data: dxd } = outputFloat(x.shape);
    getBackend().unaryGrad(op, xd, data, floatData(dy!, op), dxd, alpha);
    return [dx];
  });
  return y;
}

export const neg = (x: Tensor): Tensor => scale(x, -1);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const square = (x: Tensor): Tensor => unary('square', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);

/** Clips into [lo, hi]; the gradient passes where x was inside the interval (Keras's clip). */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  checkTensor(x, 'clip', 'x');
  checkNumber(lo, 'clip', 'lo');
  checkNumber(hi, 'clip', 'hi');
  if (lo > hi) fail('clip', `lo (${lo}) must not exceed hi (${hi}).`);
  const xd = floatData(x, 'clip');
  const { t: y, data } = emptyFloat(x.shape);
  for (let i = 0; i < data.length; i++) data[i] = xd[i] < lo ? lo : xd[i] > hi ? hi : xd[i];
  record([x], [y], ([dy]) => {
    const g = floatData(dy!, 'clip');
    const { t: dx, data: dxd } = emptyFloat(x.shape);
    for (let i = 0; i < dxd.length; i++) dxd[i] = xd[i] >= lo && xd[i] <= hi ? g[i] : 0;
    return [dx];
  });
  return y;
}

/** Converts the element type. Gradients flow through float → float casts only. */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'cast', 'x');
  checkDType(dtype, 'cast');
  if (x.dtype === dtype) return x;
  const y = emptyOutput(x.shape, dtype);
  getBackend().cast(x.values, y.values);
  if (x.dtype === 'float32' && dtype === 'float32') record([x], [y], ([dy]) => [dy]);
  return y;
}

export { scale };

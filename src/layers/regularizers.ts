/**
 * Weight and activity penalties, as Keras 3's `keras.regularizers`: each maps a tensor to a scalar
 * that training adds to the loss. A regularizer is a class with a Keras name and a config (so it
 * saves into `.keras` files), or any function from a tensor to a scalar tensor.
 */
import * as ops from '../ops/index.js';
import { scalar, type Tensor, tensor } from '../tensor/tensor.js';
import { describeValue } from './options.js';

/** The base of Keras's regularizers; subclass it (with a static `className`) for a custom one. */
export abstract class Regularizer {
  static readonly className: string = 'Regularizer';

  /** The penalty for `x`, a scalar tensor. */
  abstract call(x: Tensor): Tensor;

  /** Constructor arguments, with Keras's snake_case names, as Keras's `get_config`. */
  getConfig(): Record<string, unknown> {
    return {};
  }

  get className(): string {
    const ctor = this.constructor as typeof Regularizer;
    return Object.hasOwn(ctor, 'className') ? ctor.className : ctor.name;
  }
}

/** A penalty given as a plain function; it cannot be saved into a `.keras` file. */
export type RegularizerFn = (x: Tensor) => Tensor;
export type RegularizerId = 'l1' | 'l2' | 'l1_l2' | 'orthogonal_regularizer';
export type RegularizerLike = Regularizer | RegularizerFn | RegularizerId;

function factor(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${what} must be a finite number ≥ 0, got ${describeValue(value)}.`);
  }
  return value;
}

/** `l1 · Σ|x|`. */
export class L1 extends Regularizer {
  static override readonly className = 'L1';
  readonly l1: number;
  constructor(l1: number | { l1?: number } = 0.01) {
    super();
    this.l1 = factor(typeof l1 === 'number' ? l1 : (l1.l1 ?? 0.01), 'L1: l1');
  }
  call(x: Tensor): Tensor {
    return ops.scale(ops.sum(ops.abs(x)), this.l1);
  }
  override getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

/** `l2 · Σx²`. */
export class L2 extends Regularizer {
  static override readonly className = 'L2';
  readonly l2: number;
  constructor(l2: number | { l2?: number } = 0.01) {
    super();
    this.l2 = factor(typeof l2 === 'number' ? l2 : (l2.l2 ?? 0.01), 'L2: l2');
  }
  call(x: Tensor): Tensor {
    return ops.scale(ops.sum(ops.square(x)), this.l2);
  }
  override getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** `l1 · Σ|x| + l2 · Σx²`; both default to 0, as in Keras. */
export class L1L2 extends Regularizer {
  static override readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  constructor(args: { l1?: number; l2?: number } = {}) {
    super();
    checkKeys('L1L2', args, ['l1', 'l2']);
    this.l1 = factor(args.l1 ?? 0, 'L1L2: l1');
    this.l2 = factor(args.l2 ?? 0, 'L1L2: l2');
  }
  call(x: Tensor): Tensor {
    let penalty: Tensor = scalar(0);
    if (this.l1 > 0) penalty = ops.add(penalty, ops.scale(ops.sum(ops.abs(x)), this.l1));
    if (this.l2 > 0) penalty = ops.add(penalty, ops.scale(ops.sum(ops.square(x)), this.l2));
    return penalty;
  }
  override getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/**
 * Pushes the rows (or columns) of a rank-2 weight towards orthogonality: `factor` times the mean
 * absolute cosine between distinct rows.
 */
export class OrthogonalRegularizer extends Regularizer {
  static override readonly className = 'OrthogonalRegularizer';
  readonly factor: number;
  readonly mode: 'rows' | 'columns';
  constructor(args: { factor?: number; mode?: 'rows' | 'columns' } = {}) {
    super();
    checkKeys('OrthogonalRegularizer', args, ['factor', 'mode']);
    this.factor = factor(args.factor ?? 0.01, 'OrthogonalRegularizer: factor');
    this.mode = args.mode ?? 'rows';
    if (this.mode !== 'rows' && this.mode !== 'columns') {
      throw new Error(`OrthogonalRegularizer: mode must be 'rows' or 'columns', got ${describeValue(this.mode)}.`);
    }
  }
  call(x: Tensor): Tensor {
    if (x.rank !== 2)
      throw new Error(`OrthogonalRegularizer needs a rank-2 weight, got shape [${x.shape.join(', ')}].`);
    const rows = this.mode === 'rows';
    const unit = l2Normalize(x, rows ? 1 : 0);
    const product = rows ? ops.matMul(unit, unit, { transposeB: true }) : ops.matMul(unit, unit, { transposeA: true });
    const size = rows ? x.shape[0] : x.shape[1];
    const offDiagonal = ops.mul(product, offDiagonalMask(size));
    const pairs = (size * (size - 1)) / 2;
    return ops.scale(ops.sum(ops.abs(offDiagonal)), (this.factor * 0.5) / pairs);
  }
  override getConfig(): Record<string, unknown> {
    return { factor: this.factor, mode: this.mode };
  }
}

/** `x / max(‖x‖, 1e-7)` along `axis`, as Keras's `normalize`. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const squares = ops.sum(ops.square(x), axis, true);
  return ops.div(x, ops.sqrt(ops.maximum(squares, scalar(1e-14))));
}

function offDiagonalMask(size: number): Tensor {
  const data = new Float32Array(size * size).fill(1);
  for (let i = 0; i < size; i++) data[i * size + i] = 0;
  return tensor(data, [size, size]);
}

function checkKeys(className: string, args: object, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${className} got an unexpected option '${key}'. Valid options: ${allowed.join(', ')}.`);
    }
  }
}

/** A regularizer from its Keras name or string id, as `keras.regularizers.get`. */
export function getRegularizer(id: RegularizerLike): Regularizer | RegularizerFn {
  if (id instanceof Regularizer || typeof id === 'function') return id;
  switch (id) {
    case 'l1':
      return new L1();
    case 'l2':
      return new L2();
    case 'l1_l2':
      return new L1L2({ l1: 0.01, l2: 0.01 });
    case 'orthogonal_regularizer':
      return new OrthogonalRegularizer();
    default:
      throw new Error(
        `Unknown regularizer ${describeValue(id)}. Use 'l1', 'l2', 'l1_l2', 'orthogonal_regularizer', a Regularizer or a function.`,
      );
  }
}

/** Applies a regularizer of any form to a tensor. */
export function penalty(regularizer: Regularizer | RegularizerFn, x: Tensor): Tensor {
  return regularizer instanceof Regularizer ? regularizer.call(x) : regularizer(x);
}

/** Rebuilds a built-in regularizer from its Keras class name and config. */
export function regularizerFromConfig(className: string, config: Record<string, unknown>): Regularizer {
  switch (className) {
    case 'L1':
      return new L1(config as { l1?: number });
    case 'L2':
      return new L2(config as { l2?: number });
    case 'L1L2':
      return new L1L2(config as { l1?: number; l2?: number });
    case 'OrthogonalRegularizer':
      return new OrthogonalRegularizer(config as { factor?: number; mode?: 'rows' | 'columns' });
    default:
      throw new Error(`Unknown regularizer class '${className}'. Known: L1, L2, L1L2, OrthogonalRegularizer.`);
  }
}

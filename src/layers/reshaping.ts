import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { BASE_OPTIONS, Layer, type LayerArgs, type ShapeArg, singleShape } from './layer.js';
import { checkOptions } from './options.js';
import { sameDType } from './core.js';

/** Flattens everything but the batch axis. */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';
  protected override readonly keepsInputDType = true;
  constructor(args: LayerArgs = {}) {
    checkOptions('Flatten', args, [...BASE_OPTIONS, 'dataFormat']);
    super(args);
  }
  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const rest = s.slice(1);
    return [s[0], rest.some((d) => d === null) ? null : rest.reduce<number>((p, d) => p * (d as number), 1)];
  }
  override computeOutputDType(d: DType[]): DType {
    return sameDType(d);
  }
  call(x: Tensor): Tensor {
    return ops.reshape(x, [x.shape[0], x.size / Math.max(x.shape[0], 1)]);
  }
}

/** Reshapes each sample to `targetShape` (one dimension may be -1). */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  static override readonly positional = ['targetShape'];
  protected override readonly keepsInputDType = true;
  readonly targetShape: readonly number[];
  constructor(targetShape: readonly number[], args: LayerArgs = {}) {
    checkOptions('Reshape', args, BASE_OPTIONS);
    super(args);
    if (targetShape.filter((d) => d === -1).length > 1) throw new Error('Reshape: at most one dimension may be -1.');
    this.targetShape = targetShape;
  }
  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    const rest = s.slice(1);
    if (rest.some((d) => d === null)) return [s[0], ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const total = rest.reduce<number>((p, d) => p * (d as number), 1);
    const known = this.targetShape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    const target = this.targetShape.map((d) => (d === -1 ? total / known : d));
    if (target.reduce((p, d) => p * d, 1) !== total || target.some((d) => !Number.isInteger(d))) {
      throw new Error(
        `Reshape layer '${this.name}': cannot reshape input of shape ${formatShape(s)} (${total} values per ` +
          `sample) to ${formatShape(this.targetShape)}.`,
      );
    }
    return [s[0], ...target];
  }
  override computeOutputDType(d: DType[]): DType {
    return sameDType(d);
  }
  call(x: Tensor): Tensor {
    return ops.reshape(x, [x.shape[0], ...this.targetShape]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: this.targetShape };
  }
}

/** Permutes the non-batch axes; `dims` counts from 1 as in Keras. */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  static override readonly positional = ['dims'];
  protected override readonly keepsInputDType = true;
  readonly dims: readonly number[];
  constructor(dims: readonly number[], args: LayerArgs = {}) {
    checkOptions('Permute', args, BASE_OPTIONS);
    super(args);
    const sorted = [...dims].sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1))
      throw new Error(`Permute: dims must be a permutation of 1..${dims.length}, got ${JSON.stringify(dims)}.`);
    this.dims = dims;
  }
  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    if (s.length !== this.dims.length + 1) {
      throw new Error(
        `Permute layer '${this.name}': dims ${JSON.stringify(this.dims)} need an input of rank ` +
          `${this.dims.length + 1}, got ${formatShape(s)}.`,
      );
    }
    return [s[0], ...this.dims.map((d) => s[d])];
  }
  override computeOutputDType(d: DType[]): DType {
    return sameDType(d);
  }
  call(x: Tensor): Tensor {
    return ops.transpose(x, [0, ...this.dims]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: this.dims };
  }
}

/** [batch, features] → [batch, n, features]. */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  static override readonly positional = ['n'];
  readonly n: number;
  constructor(n: number, args: LayerArgs = {}) {
    checkOptions('RepeatVector', args, BASE_OPTIONS);
    super(args);
    this.n = n;
  }
  override computeOutputShape(inputShape: ShapeArg): SymbolicShape {
    const s = singleShape(this, inputShape);
    if (s.length !== 2)
      throw new Error(`RepeatVector layer '${this.name}' expects a 2D input (batch, features), got ${formatShape(s)}.`);
    return [s[0], this.n, s[1]];
  }
  call(x: Tensor): Tensor {
    return ops.repeatAlong(ops.expandDims(x, 1), 1, this.n);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
}

import { type NestedArray, Tensor } from '../tensor/tensor.js';
import type { KerasTensor } from '../layers/keras_tensor.js';
import { Input, InputLayer } from '../layers/input.js';
import type { Layer } from '../layers/layer.js';
import type { Data } from '../training/data.js';
import { Model } from './model.js';

/** A linear stack of layers. The first layer's `inputShape` fixes the input; without it, the first data does. */
export class Sequential extends Model<KerasTensor> {
  static override readonly className = 'Sequential';
  private stack: Layer[] = [];
  private input: KerasTensor | undefined;
  private output: KerasTensor | undefined;

  constructor(layers: readonly Layer[] = [], opts: { name?: string } = {}) {
    super([], [] as unknown as KerasTensor, opts, 'sequential');
    for (const l of layers) this.add(l);
  }

  /** The stacked layers (with the input layer once the model is built). */
  override get layers(): Layer[] {
    return this.built ? super.layers : [...this.stack];
  }

  /** Appends a layer, connecting it to the current output when the input shape is known. */
  add(layer: Layer): void {
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.input)
        throw new Error('Sequential: an InputLayer can only be the first layer.');
      this.input = layer.output;
      this.output = layer.output;
      return;
    }
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(
        `Sequential '${this.name}' already has a layer named '${layer.name}'; layer names must be unique within a model.`,
      );
    }
    this.stack.push(layer);
    if (!this.input && this.stack.length === 1 && layer.batchInputShape) {
      this.input = new InputLayer({
        batchShape: layer.batchInputShape,
        name: `${layer.name}_input`,
        dtype: layer.dtype === 'int32' ? 'int32' : undefined,
      }).output;
      this.output = this.input;
    }
    if (this.output) {
      this.output = layer.apply(this.output);
      this.setGraph([this.input!], [this.output]);
    }
  }

  /** Removes the last layer. */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new Error(`Sequential '${this.name}' has no layers to pop.`);
    if (this.input) {
      let x = this.input;
      for (const l of this.stack) x = l.apply(x);
      this.output = x;
      if (this.stack.length > 0) this.setGraph([this.input], [x]);
    }
    return last;
  }

  protected override buildFromData(x: Data): void {
    if (this.input) return;
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers.`);
    const first = Array.isArray(x) && x.length > 0 && x[0] instanceof Tensor ? (x[0] as Tensor) : x;
    const sample = first instanceof Tensor ? first : null;
    const shape = sample ? sample.shape.slice(1) : shapeOfNested(first as NestedArray).slice(1);
    this.input = Input({
      shape,
      dtype: sample?.dtype === 'int32' ? 'int32' : 'float32',
      name: `${this.stack[0].name}_input`,
    });
    let out = this.input;
    for (const l of this.stack) out = l.apply(out);
    this.output = out;
    this.setGraph([this.input], [out]);
  }
}

function shapeOfNested(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = (cur as readonly NestedArray[])[0];
  }
  return shape;
}

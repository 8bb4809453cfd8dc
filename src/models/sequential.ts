import { type NestedArray, Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { SymbolicShape } from '../tensor/shape.js';
import { KerasTensor } from '../layers/keras_tensor.js';
import { InputLayer } from '../layers/input.js';
import { Layer, type ShapeArg, singleShape } from '../layers/layer.js';
import { checkOptions, describeValue, optionNames } from '../layers/options.js';
import type { Data } from '../training/data.js';
import { Functional, innerLayers } from './functional.js';
import { checkNesting } from './nesting.js';
import { Model } from './model.js';

export interface SequentialArgs {
  name?: string;
  trainable?: boolean;
}

const SEQUENTIAL_OPTIONS = optionNames<SequentialArgs>({ name: true, trainable: true });

/**
 * A linear stack of layers. Its input comes, as in Keras 3, from an `InputLayer` (or `Input`)
 * added first, from the first layer's `inputShape`, from the input of a model added first, or
 * else from the first data or tensor it is called on.
 */
export class Sequential extends Model<KerasTensor> {
  static override readonly className: string = 'Sequential';
  private stack: Layer[] = [];
  private inputTensor: KerasTensor | undefined;
  private outputTensor: KerasTensor | undefined;

  constructor(layers: readonly (Layer | KerasTensor)[] = [], opts: SequentialArgs = {}) {
    checkOptions('Sequential', opts, SEQUENTIAL_OPTIONS);
    super(undefined, undefined, opts, 'sequential');
    if (!Array.isArray(layers)) {
      throw new TypeError(`Sequential expects a list of layers, got ${describeValue(layers)}.`);
    }
    for (const l of layers) this.add(l);
  }

  /** The stacked layers, without the input layer (as Keras's `Sequential.layers`). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** The input layer once the input is known: config.json lists it first, `layers` does not. */
  get inputLayer(): InputLayer | undefined {
    return this.inputTensor?.sourceLayer as InputLayer | undefined;
  }

  /**
   * Appends a layer, connecting it to the current output when the input is known. An `Input(...)`
   * tensor or an `InputLayer` may come first, and fixes the input.
   */
  add(layer: Layer | KerasTensor): void {
    const input = inputLayerOf(layer);
    if (input) {
      if (this.stack.length > 0 || this.inputTensor) {
        throw new Error(`Sequential '${this.name}': an input can only be added first, before any layer.`);
      }
      this.inputTensor = input.output;
      this.outputTensor = input.output;
      return;
    }
    if (!(layer instanceof Layer)) {
      throw new TypeError(`Sequential.add expects a layer or an Input(), got ${describeValue(layer)}.`);
    }
    if (layer === this) throw new Error(`Sequential '${this.name}' cannot be added to itself.`);
    checkNesting(this.name, [layer], innerLayers);
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(
        `Sequential '${this.name}' already has a layer named '${layer.name}'; layer names must be unique within a model.`,
      );
    }
    if (!this.inputTensor && this.stack.length === 0) {
      const known = knownInput(layer);
      if (known) this.inputTensor = newInput(known.batchShape, known.dtype, `${layer.name}_input`);
      this.outputTensor = this.inputTensor;
    }
    // Only the new layer is called: calling the whole stack again would give every layer another node.
    const out = this.outputTensor ? layer.apply(this.outputTensor) : undefined;
    this.stack.push(layer);
    if (out) this.connect(out);
  }

  /** Removes the last layer. */
  pop(): Layer {
    const last = this.stack.pop();
    if (!last) throw new Error(`Sequential '${this.name}' has no layers to pop.`);
    if (this.inputTensor) this.callStack();
    return last;
  }

  /** Calling an unbuilt Sequential on a tensor fixes its input from that tensor, as Keras's `build` does. */
  override build(inputShape: ShapeArg): void {
    if (this.inputTensor) return;
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers.`);
    this.inputTensor = newInput(singleShape(this, inputShape), 'float32', `${this.stack[0].name}_input`);
    this.callStack();
  }

  protected override buildFromData(x: Data): void {
    if (this.inputTensor) return;
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}' has no layers.`);
    const first = Array.isArray(x) && x.length > 0 && x[0] instanceof Tensor ? (x[0] as Tensor) : x;
    const sample = first instanceof Tensor ? first : null;
    const shape = sample ? sample.shape.slice(1) : shapeOfNested(first as NestedArray).slice(1);
    const dtype = sample?.dtype === 'int32' ? 'int32' : 'float32';
    this.inputTensor = newInput([null, ...shape], dtype, `${this.stack[0].name}_input`);
    this.callStack();
  }

  /** Calls every stacked layer on the input, once the input is known. */
  private callStack(): void {
    let out = this.inputTensor!;
    for (const l of this.stack) out = l.apply(out);
    this.connect(out);
  }

  private connect(out: KerasTensor): void {
    this.outputTensor = out;
    if (this.stack.length > 0) this.setGraph([this.inputTensor!], [out]);
  }
}

/** The InputLayer behind an `InputLayer` or an `Input()` tensor, else undefined. */
function inputLayerOf(value: unknown): InputLayer | undefined {
  if (value instanceof InputLayer) return value;
  if (value instanceof KerasTensor && value.sourceLayer instanceof InputLayer) return value.sourceLayer;
  return undefined;
}

/** The input a first layer implies: its `inputShape`, or the single input of a model. */
function knownInput(layer: Layer): { batchShape: SymbolicShape; dtype: DType } | undefined {
  if (layer.batchInputShape) {
    return { batchShape: layer.batchInputShape, dtype: layer.dtype === 'int32' ? 'int32' : 'float32' };
  }
  if (layer instanceof Functional && layer.built && layer.inputs.length === 1) {
    return { batchShape: layer.inputs[0].shape, dtype: layer.inputs[0].dtype };
  }
  return undefined;
}

function newInput(batchShape: SymbolicShape, dtype: DType, name: string): KerasTensor {
  return new InputLayer({ batchShape, dtype, name }).output;
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

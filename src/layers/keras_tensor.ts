import type { DType } from '../tensor/dtype.js';
import { type SymbolicShape, formatShape } from '../tensor/shape.js';
import type { Layer } from './layer.js';

/**
 * A symbolic tensor: the shape and dtype a layer will produce, and where it came from
 * (`layer.inboundNodes[nodeIndex].outputs[tensorIndex]`). Functional models are graphs of these.
 */
export class KerasTensor {
  constructor(
    readonly shape: SymbolicShape,
    readonly dtype: DType,
    readonly sourceLayer: Layer,
    readonly nodeIndex: number,
    readonly tensorIndex: number,
  ) {}

  /** `dense_1[0][0]`, as Keras prints connections. */
  get name(): string {
    return `${this.sourceLayer.name}[${this.nodeIndex}][${this.tensorIndex}]`;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `KerasTensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, from=${this.name})`;
  }
}

/** One call of a layer on symbolic inputs. */
export class Node {
  readonly outputs: KerasTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: readonly KerasTensor[],
    /**
     * Masks given with the call, one per input (Keras's `layer(x, mask=m)`), which replace those
     * that flow with the inputs; null when the call takes the inputs' own masks.
     */
    readonly masks: readonly (KerasTensor | null)[] | null = null,
    /**
     * The layer's own call options given with the call (`useCausalMask: true`, an `attentionMask`
     * tensor), replayed each time the graph runs; null when none was given.
     */
    readonly options: Readonly<Record<string, unknown>> | null = null,
  ) {}

  /** Every tensor the call reads: its inputs, then its explicit masks, then tensors among its options. */
  get sources(): KerasTensor[] {
    const optionTensors = Object.values(this.options ?? {}).filter((v): v is KerasTensor => v instanceof KerasTensor);
    return [...this.inputs, ...(this.masks ?? []).filter((m) => m !== null), ...optionTensors];
  }

  /** Nodes whose outputs feed this one. */
  get parentNodes(): Node[] {
    return this.sources.map((t) => t.sourceLayer.inboundNodes[t.nodeIndex]);
  }

  get isInput(): boolean {
    return this.inputs.length === 0;
  }
}

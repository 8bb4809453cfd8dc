/**
 * What a layer owns besides its computation: its weights (its own and those of the layers it
 * holds), the losses its calls add, and the weight I/O on top (`getWeights`, `setWeights`,
 * `countParams`). Layer builds on it; keeping it apart keeps layer.ts about calling layers.
 */
import { Tensor } from '../tensor/tensor.js';
import { type Initializer, getInitializer, type InitializerId } from './initializers.js';
import { checkOptions } from './options.js';
import { Variable } from './variable.js';
import { type Regularizer, type RegularizerFn, getRegularizer, penalty } from './regularizers.js';
import { getConstraint } from './constraints.js';
import { chargeWeight } from './weight_budget.js';
import type { AddWeightArgs } from './layer_args.js';
import { trackedChildren } from './tracking.js';

export abstract class WeightOwner {
  abstract readonly name: string;
  abstract get className(): string;
  abstract trainable: boolean;
  protected readonly ownWeights: Variable[] = [];
  /** Losses added by the latest call (`addLoss`, activity regularization); cleared when a run starts. */
  private callLosses: Tensor[] = [];

  /**
   * Creates a weight of this layer, as Keras's `add_weight`: initialized now, counted in `weights`
   * in creation order, penalized by its regularizer and projected by its constraint in training.
   * The positional form (`name, shape, initializer, trainable`) is a shorthand used by built-ins.
   */
  addWeight(args: AddWeightArgs): Variable;
  addWeight(
    name: string,
    shape: readonly number[],
    initializer: InitializerId | Initializer,
    trainable?: boolean,
    policies?: Pick<AddWeightArgs, 'regularizer' | 'constraint'>,
  ): Variable;
  addWeight(
    nameOrArgs: string | AddWeightArgs,
    shape?: readonly number[],
    initializer?: InitializerId | Initializer,
    trainable?: boolean,
    policies: Pick<AddWeightArgs, 'regularizer' | 'constraint'> = {},
  ): Variable {
    const args: AddWeightArgs =
      typeof nameOrArgs === 'string'
        ? { name: nameOrArgs, shape: shape ?? [], initializer, trainable, ...policies }
        : nameOrArgs;
    checkOptions(`${this.className} layer '${this.name}': addWeight`, args, ADD_WEIGHT_OPTIONS);
    if (!Array.isArray(args.shape) || args.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(
        `${this.className} layer '${this.name}': addWeight needs a shape of whole numbers ≥ 0, got ${JSON.stringify(args.shape)}.`,
      );
    }
    if (args.dtype !== undefined && args.dtype !== 'float32') {
      throw new Error(`${this.className} layer '${this.name}': weights are float32, got dtype '${args.dtype}'.`);
    }
    const name = args.name ?? `variable${this.ownWeights.length === 0 ? '' : `_${this.ownWeights.length}`}`;
    // A model loading from a file has a cap on its weights: check it before allocating.
    chargeWeight(this.name, name, args.shape);
    const init = args.initializer ?? 'glorot_uniform';
    const values = (typeof init === 'string' ? getInitializer(init) : init)(args.shape);
    const v = new Variable(name, values, args.trainable ?? true, this.name);
    if (args.regularizer) v.regularizer = getRegularizer(args.regularizer);
    if (args.constraint) v.constraint = getConstraint(args.constraint);
    this.ownWeights.push(v);
    return v;
  }

  /**
   * The layers this layer holds in its properties, directly or in arrays and plain objects, in
   * the order they were assigned (Keras's tracked sublayers). Their weights count as this layer's.
   */
  get trackedLayers(): WeightOwner[] {
    return this.walkTrackedLayers();
  }

  /** The layers held in this layer's properties, found by walking them now. */
  protected walkTrackedLayers(): WeightOwner[] {
    return trackedChildren(this, TRACKED).layers;
  }

  /**
   * Every weight: this layer's own (those created trainable, then the others, each in creation
   * order, as Keras 3 orders them, which freezing does not change), then each tracked sublayer's.
   */
  get weights(): Variable[] {
    return guardCycle(this, () => {
      const { layers, variables } = trackedChildren(this, TRACKED);
      const own = [...new Set([...this.ownWeights, ...variables])];
      const out = new Set([...own.filter((w) => w.trainable), ...own.filter((w) => !w.trainable)]);
      for (const layer of layers) for (const w of layer.weights) out.add(w);
      return [...out];
    });
  }

  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return guardCycle(this, () => {
      const { layers, variables } = trackedChildren(this, TRACKED);
      const out = new Set([...this.ownWeights, ...variables].filter((w) => w.trainable));
      for (const layer of layers) for (const w of layer.trainableWeights) out.add(w);
      return [...out];
    });
  }

  get nonTrainableWeights(): Variable[] {
    const trainable = new Set(this.trainableWeights);
    return this.weights.filter((w) => !trainable.has(w));
  }

  /**
   * Adds a scalar loss from inside `call` (Keras's `add_loss`): training adds it to the total.
   * Losses are per run: each new forward pass starts from none.
   */
  addLoss(loss: Tensor): void {
    if (!(loss instanceof Tensor) || loss.size !== 1) {
      throw new TypeError(
        `${this.className} layer '${this.name}': addLoss takes a scalar tensor, got ${String(loss)}.`,
      );
    }
    this.callLosses.push(loss.rank === 0 ? loss : loss.reshape([]));
  }

  /**
   * The losses training adds to the model's: those added in the latest run by this layer and the
   * layers it holds, then each trainable weight's regularization penalty, computed now.
   */
  get losses(): Tensor[] {
    const weights = this.trainableWeights.filter((w) => w.regularizer);
    return [
      ...this.callLossesDeep(),
      ...weights.map((w) => penalty(w.regularizer as Regularizer | RegularizerFn, w.value)),
    ];
  }

  /** Losses added during the latest run, by this layer and every layer below it. */
  protected callLossesDeep(): Tensor[] {
    return guardCycle(this, () => [...this.callLosses, ...this.trackedLayers.flatMap((l) => l.callLossesDeep())]);
  }

  /** Forgets the losses of the previous run, here and below (Keras clears them per outermost call). */
  clearLosses(): void {
    this.callLosses = [];
    guardCycle(this, () => {
      for (const l of this.trackedLayers) l.clearLosses();
      return [];
    });
  }

  countParams(): number {
    return this.weights.reduce((p, w) => p + w.value.size, 0);
  }

  getWeights(): Tensor[] {
    return this.weights.map((w) => new Tensor(w.snapshot(), w.shape, 'float32'));
  }

  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(`Layer '${this.name}' has ${ws.length} weights, setWeights got ${values.length}.`);
    }
    ws.forEach((w, i) => w.assign(values[i]));
  }
}

const ADD_WEIGHT_OPTIONS = ['shape', 'initializer', 'trainable', 'name', 'dtype', 'regularizer', 'constraint'];

const TRACKED = {
  isLayer: (v: unknown): v is WeightOwner => v instanceof WeightOwner,
  isVariable: (v: unknown): v is Variable => v instanceof Variable,
};

/**
 * Runs a walk over a layer's children unless the same layer is already being walked: a layer that
 * holds a layer that holds it back must not recurse forever, so the inner visit finds nothing.
 */
const walking = new Set<WeightOwner>();
function guardCycle<T>(layer: WeightOwner, walk: () => T[]): T[] {
  if (walking.has(layer)) return [];
  walking.add(layer);
  try {
    return walk();
  } finally {
    walking.delete(layer);
  }
}

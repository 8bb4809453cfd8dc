// The Keras guides "Making new layers and models via subclassing" and "Customizing what happens in
// fit()", ported line for line: a custom layer with its config, saved and loaded; a subclassed model
// mixed both ways with functional ones; a model with its own trainStep; feature extraction through
// layer.output. Run it with `npx tsx examples/custom_layers_and_models.ts`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CallContext,
  Input,
  type KerasTensor,
  Layer,
  type LayerArgs,
  type Logs,
  Model,
  type StepData,
  type SymbolicShape,
  type Tensor,
  type Variable,
  layers,
  loadModel,
  ops,
  random,
  registerSerializable,
  setSeed,
  valueAndGrads,
} from '../src/index.js';

setSeed(1);
const dir = mkdtempSync(join(tmpdir(), 'dendrite-guide-'));

// ---- A layer with weights, its config, and saving -------------------------------------------
class CustomDense extends Layer {
  static override readonly className = 'CustomDense';
  readonly units: number;
  w: Variable | undefined;
  b: Variable | undefined;

  constructor({ units = 32, ...rest }: { units?: number } & LayerArgs = {}) {
    super(rest);
    this.units = units;
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape.at(-1) ?? 1;
    this.w = this.addWeight({ shape: [inputDim, this.units], initializer: 'random_normal', name: 'w' });
    this.b = this.addWeight({ shape: [this.units], initializer: 'random_normal', name: 'b' });
    this.built = true;
  }

  call(x: Tensor): Tensor {
    return ops.add(ops.matMul(x, this.w!.value), this.b!.value);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }
}
registerSerializable(CustomDense, { package: 'guide' });

const inputs = Input({ shape: [4] });
const outputs = new CustomDense({ units: 10 }).apply(inputs);
const model = new Model(inputs, outputs);
const config = model.getConfig();
const rebuilt = Model.fromConfig(config);
console.log(`CustomDense model: ${model.countParams()} parameters; rebuilt from its config: ${rebuilt.countParams()}`);
await model.save(join(dir, 'custom.keras'));
const loaded = await loadModel(join(dir, 'custom.keras'));
const x = random.uniform([3, 4]);
const same = ops
  .sub(model.predict(x), loaded.predict(x) as Tensor)
  .dataSync()
  .every((v) => v === 0);
console.log(`saved and loaded: predictions identical = ${same}`);

// ---- A layer holding layers: its weights are tracked ----------------------------------------
class MLPBlock extends Layer {
  linear1 = new layers.Dense(32, { activation: 'relu' });
  linear2 = new layers.Dense(32, { activation: 'relu' });
  linear3 = new layers.Dense(1);

  call(x: Tensor): Tensor {
    return this.linear3.apply(this.linear2.apply(this.linear1.apply(x)));
  }
}
const mlp = new MLPBlock();
mlp.apply(random.uniform([3, 64]));
console.log(`MLPBlock tracks ${mlp.weights.length} weights, ${mlp.trainableWeights.length} trainable`);

// ---- A subclassed model inside a functional one, and a functional one inside it -------------
class Classifier extends Model<KerasTensor> {
  block = new MLPBlock();
  dropout = new layers.Dropout(0.5);
  sigmoid = new layers.Activation('sigmoid');

  override call(t: Tensor, ctx: CallContext): Tensor {
    return this.sigmoid.apply(this.dropout.apply(this.block.apply(t), ctx));
  }
}
const features = Input({ shape: [64] });
const encoder = new Model(features, new layers.Dense(64, { activation: 'relu' }).apply(features));
const classifier = new Classifier();
const wrapped = new Model(features, classifier.apply(encoder.apply(features)));
wrapped.summary();

// ---- A model with its own trainStep -----------------------------------------------------------
class CustomFit extends Model<KerasTensor> {
  dense = new layers.Dense(1);
  override call(t: Tensor): Tensor {
    return this.dense.apply(t);
  }
  override trainStep(data: StepData): Logs {
    const vars = this.trainableWeights;
    const { value, grads } = valueAndGrads(
      () => this.computeLoss(data.y, this.predictStep(data.x), data.sampleWeight),
      vars.map((v) => v.value),
    );
    this.optimizer!.applyGradients(grads.map((g, i) => [g, vars[i]] as const));
    return { loss: value.values[0] };
  }
}
const custom = new CustomFit();
custom.compile({ optimizer: 'adam', loss: 'mse' });
const history = await custom.fit(random.uniform([256, 8]), random.uniform([256, 1]), { epochs: 3, verbose: 0 });
console.log(`custom trainStep: loss ${history.history.loss.map((v) => v.toFixed(4)).join(' → ')}`);

// ---- Feature extraction through layer.output ----------------------------------------------------
const img = Input({ shape: [28, 28, 1] });
let h = new layers.Conv2D(8, 3, { activation: 'relu' }).apply(img);
h = new layers.MaxPooling2D(2).apply(h);
h = new layers.Conv2D(16, 3, { activation: 'relu' }).apply(h);
const cnn = new Model(img, new layers.Dense(10).apply(new layers.GlobalAveragePooling2D().apply(h)));
const extractor = new Model(
  cnn.inputs,
  cnn.layers.map((l) => l.output),
);
const maps = extractor.predict(random.uniform([2, 28, 28, 1]));
console.log(`feature extraction: ${maps.map((m) => `[${m.shape.join(', ')}]`).join(' ')}`);

// Ops take their outputs from the step's buffer pool without zeroing them when a kernel writes
// every element. If one did not, a reused buffer would feed the previous step's values into this
// one. Here reused outputs are poisoned with NaN: several steps of models that use every such op,
// and a batched predict, must stay finite and match the same run without poisoning exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Input, Model, layers, random, setSeed, type KerasTensor, type Tensor } from '../src/index.js';
import { setOutputPoisoning } from '../src/ops/create.js';

interface Case {
  name: string;
  build(): Model<KerasTensor>;
  x(): Tensor | Tensor[];
  y(): Tensor;
  loss: 'categorical_crossentropy' | 'mse';
}

const cases: Case[] = [
  {
    name: 'CNN: convolutions (same, valid, strided, separable, transposed), pooling, batch norm, merges',
    build() {
      const image = Input({ shape: [12, 12, 3] });
      let h = new layers.Conv2D(8, 3, { activation: 'relu', padding: 'same' }).apply(image);
      const skip = new layers.Conv2D(8, 1).apply(image);
      h = layers.add([h, skip]);
      h = new layers.BatchNormalization().apply(h);
      h = new layers.MaxPooling2D(2).apply(h);
      h = new layers.SeparableConv2D(6, 3, { activation: 'tanh' }).apply(h);
      h = new layers.Conv2D(5, 3, { strides: 2, padding: 'same', activation: 'sigmoid' }).apply(h);
      h = new layers.Conv2DTranspose(4, 2, { strides: 2 }).apply(h);
      h = new layers.AveragePooling2D(2).apply(h);
      h = layers.concatenate([new layers.GlobalAveragePooling2D().apply(h), new layers.GlobalMaxPooling2D().apply(h)]);
      return new Model(image, new layers.Dense(4, { activation: 'softmax' }).apply(h));
    },
    x: () => random.normal([6, 12, 12, 3]),
    y: () => random.randint(0, 2, [6, 4]).cast('float32'),
    loss: 'categorical_crossentropy',
  },
  {
    name: 'sequences: masked embedding, backwards LSTM, bidirectional GRU, SimpleRNN, Conv1D',
    build() {
      const tokens = Input({ shape: [9], dtype: 'int32' });
      const e = new layers.Embedding(20, 6, { maskZero: true }).apply(tokens);
      const a = new layers.LSTM(5, { returnSequences: true, goBackwards: true }).apply(e);
      const b = new layers.Bidirectional(new layers.GRU(4, { returnSequences: true })).apply(a);
      const c = new layers.SimpleRNN(3).apply(b);
      const d = new layers.GlobalMaxPooling1D().apply(
        new layers.Conv1D(4, 3, { activation: 'relu' }).apply(new layers.Embedding(20, 6).apply(tokens)),
      );
      return new Model(tokens, new layers.Dense(2).apply(layers.concatenate([c, d])));
    },
    x: () => random.randint(0, 20, [6, 9]),
    y: () => random.normal([6, 2]),
    loss: 'mse',
  },
];

async function trainedWeights(
  c: Case,
  poison: boolean,
): Promise<{ losses: number[]; weights: Float32Array[]; predictions: Float32Array }> {
  setSeed(7);
  const model = c.build();
  model.compile({ optimizer: 'rmsprop', loss: c.loss });
  const x = c.x();
  const y = c.y();
  setOutputPoisoning(poison);
  try {
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) losses.push(Number(await model.trainOnBatch(x, y)));
    // Batches of 2 rows: predict reuses one batch's buffers for the next.
    const predictions = Float32Array.from(model.predict(x, { batchSize: 2 }).values);
    return { losses, weights: model.getWeights().map((w) => Float32Array.from(w.values)), predictions };
  } finally {
    setOutputPoisoning(false);
  }
}

for (const c of cases) {
  test(`reused output buffers are written in full: ${c.name}`, async () => {
    const clean = await trainedWeights(c, false);
    const poisoned = await trainedWeights(c, true);
    assert.ok(poisoned.losses.every(Number.isFinite), `losses ${poisoned.losses}`);
    assert.deepEqual(poisoned.losses, clean.losses);
    poisoned.weights.forEach((w, i) => assert.deepEqual(w, clean.weights[i], `weight ${i}`));
    assert.ok(poisoned.predictions.every(Number.isFinite));
    assert.deepEqual(poisoned.predictions, clean.predictions);
  });
}

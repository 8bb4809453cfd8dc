// The benchmark's models built with Dendrite's public API, exactly as a user writes them (API.md).
import { Input, Model, layers, type KerasTensor } from '../src/index.js';
import type { ModelKind } from './spec.js';

const {
  Dense,
  Embedding,
  LSTM,
  Conv1D,
  Conv2D,
  MaxPooling1D,
  MaxPooling2D,
  GlobalMaxPooling1D,
  GlobalAveragePooling2D,
  concatenate,
  add,
} = layers;

function mlp(): Model<KerasTensor> {
  const x = Input({ shape: [64] });
  let h = new Dense(32, { activation: 'relu' }).apply(x);
  h = new Dense(32, { activation: 'relu' }).apply(h);
  return new Model(x, new Dense(10, { activation: 'softmax' }).apply(h));
}

function qa(): Model<KerasTensor> {
  const text = Input({ shape: [200], dtype: 'int32', name: 'text' });
  const question = Input({ shape: [200], dtype: 'int32', name: 'question' });
  const t = new LSTM(32).apply(new Embedding(10000, 64).apply(text));
  const q = new LSTM(16).apply(new Embedding(10000, 32).apply(question));
  const answer = new Dense(500, { activation: 'softmax' }).apply(concatenate([t, q], { axis: -1 }));
  return new Model([text, question], answer);
}

function social(): Model<KerasTensor[]> {
  const posts = Input({ shape: [null], dtype: 'int32', name: 'posts' });
  let h = new Embedding(50000, 256).apply(posts);
  h = new Conv1D(128, 5, { activation: 'relu' }).apply(h);
  h = new MaxPooling1D(5).apply(h);
  h = new Conv1D(256, 5, { activation: 'relu' }).apply(h);
  h = new Conv1D(256, 5, { activation: 'relu' }).apply(h);
  h = new MaxPooling1D(5).apply(h);
  h = new Conv1D(256, 5, { activation: 'relu' }).apply(h);
  h = new Conv1D(256, 5, { activation: 'relu' }).apply(h);
  h = new GlobalMaxPooling1D().apply(h);
  h = new Dense(128, { activation: 'relu' }).apply(h);
  const age = new Dense(1, { name: 'age' }).apply(h);
  const income = new Dense(10, { activation: 'softmax', name: 'income' }).apply(h);
  const gender = new Dense(1, { activation: 'sigmoid', name: 'gender' }).apply(h);
  return new Model(posts, [age, income, gender]);
}

function resnet(): Model<KerasTensor> {
  const image = Input({ shape: [32, 32, 3], name: 'image' });
  let h = new Conv2D(32, 3, { activation: 'relu', padding: 'same' }).apply(image);
  h = new Conv2D(32, 3, { activation: 'relu', padding: 'same' }).apply(h);
  h = add([h, new Conv2D(32, 1).apply(image)]);
  h = new MaxPooling2D(2).apply(h);
  h = new Conv2D(64, 3, { activation: 'relu', padding: 'same' }).apply(h);
  h = new GlobalAveragePooling2D().apply(h);
  return new Model(image, new Dense(10, { activation: 'softmax' }).apply(h));
}

/** A fresh, uncompiled model of the given kind. */
export function buildModel(kind: ModelKind): Model<KerasTensor> | Model<KerasTensor[]> {
  switch (kind) {
    case 'mlp':
      return mlp();
    case 'qa':
      return qa();
    case 'social':
      return social();
    case 'resnet':
      return resnet();
  }
}

// The benchmark's models built with Dendrite's public API, exactly as a user writes them.
// Layers still being written elsewhere are looked up through a typed table, so that this file
// compiles and W1 runs before they land, and each other workload reports what it is missing.
import { Input, Model, layers, type KerasTensor } from '../src/index.js';
import type { ModelKind } from './spec.js';

interface Applies {
  apply(x: KerasTensor): KerasTensor;
}
type Ctor<A extends unknown[]> = new (...args: A) => Applies;

/** The layer API each workload uses, in the exact call shapes used here. */
interface NeededLayers {
  Dense: Ctor<[units: number, args?: { activation?: 'relu' | 'softmax' | 'sigmoid'; name?: string }]>;
  Embedding: Ctor<[inputDim: number, outputDim: number]>;
  LSTM: Ctor<[units: number]>;
  Conv1D: Ctor<[filters: number, kernelSize: number, args: { activation: 'relu' }]>;
  Conv2D: Ctor<[filters: number, kernelSize: number, args?: { activation?: 'relu'; padding?: 'same' }]>;
  MaxPooling1D: Ctor<[poolSize: number]>;
  MaxPooling2D: Ctor<[poolSize: number]>;
  GlobalMaxPooling1D: Ctor<[]>;
  GlobalAveragePooling2D: Ctor<[]>;
  concatenate: (xs: readonly KerasTensor[], args: { axis: number }) => KerasTensor;
  add: (xs: readonly KerasTensor[]) => KerasTensor;
}

// Structural assignment, no cast: a layer that exists must match the shape used below, and one
// that does not yet exist is simply absent (Dense is required, which also keeps the type non-weak).
const table: Partial<NeededLayers> & Pick<NeededLayers, 'Dense'> = layers;

/** The layer names a model needs that `layers` does not export yet. */
export function missingLayers(kind: ModelKind): string[] {
  const needs: Record<ModelKind, (keyof NeededLayers)[]> = {
    mlp: ['Dense'],
    qa: ['Embedding', 'LSTM', 'concatenate', 'Dense'],
    social: ['Embedding', 'Conv1D', 'MaxPooling1D', 'GlobalMaxPooling1D', 'Dense'],
    resnet: ['Conv2D', 'add', 'MaxPooling2D', 'GlobalAveragePooling2D', 'Dense'],
  };
  return needs[kind].filter((n) => table[n] === undefined);
}

function need<T>(x: T | undefined, name: string): T {
  if (x === undefined) throw new Error(`layers.${name} is not available yet`);
  return x;
}

function mlp(): Model<KerasTensor> {
  const { Dense } = table;
  const x = Input({ shape: [64] });
  let h = new Dense(32, { activation: 'relu' }).apply(x);
  h = new Dense(32, { activation: 'relu' }).apply(h);
  return new Model(x, new Dense(10, { activation: 'softmax' }).apply(h));
}

function qa(): Model<KerasTensor> {
  const { Dense } = table;
  const Embedding = need(table.Embedding, 'Embedding');
  const LSTM = need(table.LSTM, 'LSTM');
  const concatenate = need(table.concatenate, 'concatenate');
  const text = Input({ shape: [200], dtype: 'int32', name: 'text' });
  const question = Input({ shape: [200], dtype: 'int32', name: 'question' });
  const t = new LSTM(32).apply(new Embedding(10000, 64).apply(text));
  const q = new LSTM(16).apply(new Embedding(10000, 32).apply(question));
  const answer = new Dense(500, { activation: 'softmax' }).apply(concatenate([t, q], { axis: -1 }));
  return new Model([text, question], answer);
}

function social(): Model<KerasTensor[]> {
  const { Dense } = table;
  const Embedding = need(table.Embedding, 'Embedding');
  const Conv1D = need(table.Conv1D, 'Conv1D');
  const MaxPooling1D = need(table.MaxPooling1D, 'MaxPooling1D');
  const GlobalMaxPooling1D = need(table.GlobalMaxPooling1D, 'GlobalMaxPooling1D');
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
  const { Dense } = table;
  const Conv2D = need(table.Conv2D, 'Conv2D');
  const add = need(table.add, 'add');
  const MaxPooling2D = need(table.MaxPooling2D, 'MaxPooling2D');
  const GlobalAveragePooling2D = need(table.GlobalAveragePooling2D, 'GlobalAveragePooling2D');
  const image = Input({ shape: [32, 32, 3], name: 'image' });
  let h = new Conv2D(32, 3, { activation: 'relu', padding: 'same' }).apply(image);
  h = new Conv2D(32, 3, { activation: 'relu', padding: 'same' }).apply(h);
  h = add([h, new Conv2D(32, 1).apply(image)]);
  h = new MaxPooling2D(2).apply(h);
  h = new Conv2D(64, 3, { activation: 'relu', padding: 'same' }).apply(h);
  h = new GlobalAveragePooling2D().apply(h);
  return new Model(image, new Dense(10, { activation: 'softmax' }).apply(h));
}

/** A fresh, uncompiled model of the given kind; throws if a layer it needs does not exist yet. */
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

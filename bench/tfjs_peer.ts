// The same workloads in TensorFlow.js Layers (the peer a Node.js user would otherwise reach for),
// on its CPU and WASM backends. Loaded only after Dendrite's runs, so that its import and memory
// do not touch Dendrite's numbers.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { Column, Dataset } from './data.js';
import { headRows } from './data.js';
import type { PredictSession, TrainSession } from './measure.js';
import type { ModelKind, TargetSpec, TrainSpec } from './spec.js';

export type TfjsBackend = 'cpu' | 'wasm';

type Tf = typeof TF;
type Sym = TF.SymbolicTensor;

let loaded: Tf | undefined;

/** Imports tfjs (once) and switches it to `name`; throws if the backend cannot start. */
export async function useTfjs(name: TfjsBackend): Promise<Tf> {
  loaded ??= await import('@tensorflow/tfjs');
  const tf = loaded;
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the .wasm binaries are read from disk, so point the loader at the package's dist.
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(
      path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep,
    );
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' did not initialize`);
  await tf.ready();
  return tf;
}

/** Narrows a layer's output to one symbolic tensor (tfjs types `apply` as a wide union). */
function sym(tf: Tf, x: unknown): Sym {
  if (x instanceof tf.SymbolicTensor) return x;
  throw new Error('expected one symbolic tensor');
}

function buildModel(tf: Tf, kind: ModelKind): TF.LayersModel {
  const L = tf.layers;
  switch (kind) {
    case 'mlp': {
      const x = tf.input({ shape: [64] });
      let h = sym(tf, L.dense({ units: 32, activation: 'relu' }).apply(x));
      h = sym(tf, L.dense({ units: 32, activation: 'relu' }).apply(h));
      return tf.model({ inputs: x, outputs: sym(tf, L.dense({ units: 10, activation: 'softmax' }).apply(h)) });
    }
    case 'qa': {
      const text = tf.input({ shape: [200], dtype: 'int32', name: 'text' });
      const question = tf.input({ shape: [200], dtype: 'int32', name: 'question' });
      // Keras 3's LSTM gates use sigmoid; tfjs defaults to hard sigmoid.
      const t = sym(
        tf,
        L.lstm({ units: 32, recurrentActivation: 'sigmoid' }).apply(
          L.embedding({ inputDim: 10000, outputDim: 64 }).apply(text),
        ),
      );
      const q = sym(
        tf,
        L.lstm({ units: 16, recurrentActivation: 'sigmoid' }).apply(
          L.embedding({ inputDim: 10000, outputDim: 32 }).apply(question),
        ),
      );
      const cat = sym(tf, L.concatenate({ axis: -1 }).apply([t, q]));
      return tf.model({
        inputs: [text, question],
        outputs: sym(tf, L.dense({ units: 500, activation: 'softmax' }).apply(cat)),
      });
    }
    case 'social': {
      const posts = tf.input({ shape: [null], dtype: 'int32', name: 'posts' });
      let h = sym(tf, L.embedding({ inputDim: 50000, outputDim: 256 }).apply(posts));
      const conv = (filters: number): void => {
        h = sym(tf, L.conv1d({ filters, kernelSize: 5, activation: 'relu' }).apply(h));
      };
      const pool = (): void => {
        h = sym(tf, L.maxPooling1d({ poolSize: 5 }).apply(h));
      };
      conv(128);
      pool();
      conv(256);
      conv(256);
      pool();
      conv(256);
      conv(256);
      h = sym(tf, L.globalMaxPooling1d({}).apply(h));
      h = sym(tf, L.dense({ units: 128, activation: 'relu' }).apply(h));
      const age = sym(tf, L.dense({ units: 1, name: 'age' }).apply(h));
      const income = sym(tf, L.dense({ units: 10, activation: 'softmax', name: 'income' }).apply(h));
      const gender = sym(tf, L.dense({ units: 1, activation: 'sigmoid', name: 'gender' }).apply(h));
      return tf.model({ inputs: posts, outputs: [age, income, gender] });
    }
    case 'resnet': {
      const image = tf.input({ shape: [32, 32, 3], name: 'image' });
      let h = sym(tf, L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }).apply(image));
      h = sym(tf, L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', padding: 'same' }).apply(h));
      h = sym(tf, L.add().apply([h, sym(tf, L.conv2d({ filters: 32, kernelSize: 1 }).apply(image))]));
      h = sym(tf, L.maxPooling2d({ poolSize: 2 }).apply(h));
      h = sym(tf, L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', padding: 'same' }).apply(h));
      h = sym(tf, L.globalAveragePooling2d({}).apply(h));
      return tf.model({ inputs: image, outputs: sym(tf, L.dense({ units: 10, activation: 'softmax' }).apply(h)) });
    }
  }
}

/** tfjs has no `lossWeights`: each head's per-sample loss is scaled inside its loss function. */
function weightedLoss(tf: Tf, t: TargetSpec): (yTrue: TF.Tensor, yPred: TF.Tensor) => TF.Tensor {
  const base =
    t.loss === 'mse'
      ? tf.metrics.meanSquaredError
      : t.loss === 'binary_crossentropy'
        ? tf.metrics.binaryCrossentropy
        : tf.metrics.categoricalCrossentropy;
  return (yTrue, yPred) => tf.mul(base(yTrue, yPred), t.weight);
}

function compiled(tf: Tf, spec: TrainSpec): TF.LayersModel {
  const model = buildModel(tf, spec.model);
  // Keras's RMSprop defaults: learning rate 1e-3, rho 0.9, no momentum, epsilon 1e-7.
  const optimizer = tf.train.rmsprop(0.001, 0.9, 0, 1e-7);
  if (spec.targets.length === 1) model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  else model.compile({ optimizer, loss: spec.targets.map((t) => weightedLoss(tf, t)) });
  return model;
}

interface TfData {
  x: TF.Tensor | TF.Tensor[];
  y: TF.Tensor | TF.Tensor[];
  all: TF.Tensor[];
}

function asData(tf: Tf, d: Dataset, rows: number): TfData {
  const col = (c: Column): TF.Tensor => tf.tensor(headRows(c, rows).data, [rows, ...c.shape.slice(1)], c.dtype);
  const x = d.inputs.map(col);
  const y = d.targets.map(col);
  return { x: x.length === 1 ? x[0] : x, y: y.length === 1 ? y[0] : y, all: [...x, ...y] };
}

export function tfjsTraining(tf: Tf, spec: TrainSpec, data: Dataset): TrainSession {
  const model = compiled(tf, spec);
  const full = asData(tf, data, data.samples);
  const heads = new Map<number, TfData>();
  return {
    async step(samples) {
      let b = heads.get(samples);
      if (!b) heads.set(samples, (b = asData(tf, data, samples)));
      await model.trainOnBatch(b.x, b.y);
    },
    async fitEpochs(epochs, stopAfterBatch) {
      const times: number[] = [];
      let start = 0;
      await model.fit(full.x, full.y, {
        epochs,
        batchSize: spec.batch,
        shuffle: true,
        verbose: 0,
        callbacks: {
          onEpochBegin: async () => {
            start = performance.now();
          },
          onEpochEnd: async () => {
            // An epoch cut short by the watchdog is not a measurement.
            if (!model.stopTraining) times.push(performance.now() - start);
          },
          onBatchEnd: async () => {
            if (stopAfterBatch()) model.stopTraining = true;
          },
        },
      });
      return times;
    },
    dispose() {
      model.dispose();
      for (const d of [full, ...heads.values()]) tf.dispose(d.all);
    },
  };
}

export function tfjsPredict(tf: Tf, spec: TrainSpec, data: Dataset, batch: number): PredictSession {
  const model = compiled(tf, spec);
  const full = asData(tf, data, data.samples);
  const heads = new Map<number, TfData>([[data.samples, full]]);
  return {
    async predict(samples) {
      let b = heads.get(samples);
      if (!b) heads.set(samples, (b = asData(tf, data, samples)));
      const out = model.predict(b.x, { batchSize: batch });
      const outs = Array.isArray(out) ? out : [out];
      for (const t of outs) t.dataSync(); // forces the work, as for Dendrite
      tf.dispose(outs);
    },
    dispose() {
      model.dispose();
      for (const d of heads.values()) tf.dispose(d.all);
    },
  };
}

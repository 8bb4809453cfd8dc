// Dendrite's side of the measurement: compile a workload's model and expose the timing hooks.
// Everything goes through the public API (compile/fit/trainOnBatch/predict), as a user would.
import { Callback, type Tensor, backend, setSeed, tensor } from '../src/index.js';
import { type Column, type Dataset, headRows } from './data.js';
import { buildModel } from './dendrite_models.js';
import type { PredictSession, TrainSession } from './measure.js';
import type { TrainSpec } from './spec.js';

/** The active backend ('js' or 'native'), as the report names the engine. */
export function dendriteBackend(): string {
  return backend();
}

function toTensor(c: Column): Tensor {
  return tensor(c.data, c.shape, c.dtype);
}

/** Wall time of each epoch, from the fit loop's own hooks (no per-fit set-up counted). */
class EpochClock extends Callback {
  readonly times: number[] = [];
  private start = 0;
  constructor(private readonly stopAfterBatch: () => boolean) {
    super();
  }
  override onEpochBegin(): void {
    this.start = performance.now();
  }
  override onEpochEnd(): void {
    // An epoch cut short by the watchdog is not a measurement.
    if (this.model?.stopTraining !== true) this.times.push(performance.now() - this.start);
  }
  override onTrainBatchEnd(): void {
    if (this.model && this.stopAfterBatch()) this.model.stopTraining = true;
  }
}

function compiled(spec: TrainSpec): ReturnType<typeof buildModel> {
  setSeed(42);
  const model = buildModel(spec.model);
  const loss: Record<string, TrainSpec['targets'][number]['loss']> = {};
  const lossWeights: Record<string, number> = {};
  for (const t of spec.targets) {
    loss[t.name] = t.loss;
    lossWeights[t.name] = t.weight;
  }
  // A one-output model takes its loss directly: its output layer is not named after the target.
  if (spec.targets.length === 1) model.compile({ optimizer: 'rmsprop', loss: spec.targets[0].loss });
  else model.compile({ optimizer: 'rmsprop', loss, lossWeights });
  return model;
}

/** Inputs (one tensor, or one per input in order) and targets (likewise, in output order). */
function asData(d: Dataset, rows: number): { x: Tensor | Tensor[]; y: Tensor | Tensor[] } {
  const x = d.inputs.map((c) => toTensor(headRows(c, rows)));
  const y = d.targets.map((c) => toTensor(headRows(c, rows)));
  return { x: x.length === 1 ? x[0] : x, y: y.length === 1 ? y[0] : y };
}

export async function dendriteTraining(spec: TrainSpec, data: Dataset): Promise<TrainSession> {
  const model = compiled(spec);
  const full = asData(data, data.samples);
  const heads = new Map<number, ReturnType<typeof asData>>();
  return {
    async step(samples) {
      let b = heads.get(samples);
      if (!b) heads.set(samples, (b = asData(data, samples)));
      await model.trainOnBatch(b.x, b.y);
    },
    async fitEpochs(epochs, stopAfterBatch) {
      const clock = new EpochClock(stopAfterBatch);
      await model.fit(full.x, full.y, { epochs, batchSize: spec.batch, verbose: 0, shuffle: true, callbacks: [clock] });
      return clock.times;
    },
  };
}

export async function dendritePredict(spec: TrainSpec, data: Dataset, batch: number): Promise<PredictSession> {
  const model = compiled(spec);
  const heads = new Map<number, ReturnType<typeof asData>>();
  return {
    async predict(samples) {
      let b = heads.get(samples);
      if (!b) heads.set(samples, (b = asData(data, samples)));
      const out = model.predict(b.x, { batchSize: batch });
      // Read every output back so that no engine gets credit for deferred work.
      for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    },
  };
}

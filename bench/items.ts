// One measurement = one item (a training or a predict workload); engines run lists of items,
// in this process (Dendrite) or in a child process (peers), through the same code.
import { type Dataset, makeDataset } from './data.js';
import {
  type Outcome,
  type PredictSession,
  type Protocol,
  type TrainSession,
  measurePredict,
  measureTraining,
} from './measure.js';
import type { PredictSpec, TrainSpec } from './spec.js';

export interface Item {
  id: string;
  kind: 'train' | 'predict';
  /** The model (and input/target shapes) to build: for predict items, the trained workload's. */
  spec: TrainSpec;
  samples: number;
  batch: number;
}

export function planItems(train: TrainSpec[], predict: PredictSpec[], models: TrainSpec[]): Item[] {
  const items: Item[] = train.map((t) => ({ id: t.id, kind: 'train', spec: t, samples: t.samples, batch: t.batch }));
  for (const p of predict) {
    const spec = models.find((m) => m.id === p.of);
    if (!spec) throw new Error(`${p.id} predicts with unknown model ${p.of}`);
    items.push({ id: p.id, kind: 'predict', spec, samples: p.samples, batch: p.batch });
  }
  return items;
}

export interface Runner {
  label: string;
  train(spec: TrainSpec, data: Dataset): Promise<TrainSession>;
  predict(spec: TrainSpec, data: Dataset, batch: number): Promise<PredictSession>;
}

/** Data sets by workload and size, built once; the same seed gives every process the same data. */
export class DataCache {
  private readonly sets = new Map<string, Dataset>();
  get(spec: TrainSpec, samples: number): Dataset {
    const key = `${spec.id}:${samples}`;
    let d = this.sets.get(key);
    if (!d) this.sets.set(key, (d = makeDataset(spec, samples)));
    return d;
  }
}

export async function runItem(
  runner: Runner,
  item: Item,
  protocol: Protocol,
  data: DataCache,
  onProbe?: (ms: number, samples: number) => void,
): Promise<Outcome> {
  const d = data.get(item.spec, item.samples);
  return item.kind === 'train'
    ? measureTraining(() => runner.train(item.spec, d), item.samples, item.batch, protocol, onProbe)
    : measurePredict(() => runner.predict(item.spec, d, item.batch), item.samples, item.batch, protocol);
}

export function describe(o: Outcome | undefined): string {
  if (!o) return '—';
  return o.status === 'ok'
    ? `${o.value.toFixed(2)} (runs ${o.runs.map((r) => r.toFixed(1)).join(', ')})`
    : `${o.status}: ${o.reason}`;
}

import { Tensor } from '../tensor/tensor.js';
import { ones } from '../tensor/tensor.js';

/**
 * Reverse-mode autodiff on an eager tape. While a tape is recording, each op whose inputs depend on
 * a watched tensor appends one entry holding its backward function; `valueAndGrads` replays the
 * entries in reverse. Outside a recording nothing is kept, so inference pays nothing for autodiff.
 */
/**
 * Computes input gradients from output gradients. `needed[i]` says whether input i depends on a
 * watched tensor: a backward pass may skip the gradients nobody will read (the gradient of a
 * model's first layer with respect to its input data, say) and return null for them.
 */
export type BackwardFn = (dys: readonly (Tensor | null)[], needed: readonly boolean[]) => readonly (Tensor | null)[];

interface TapeEntry {
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  backward: BackwardFn;
  needed: boolean[];
}

interface Recording {
  entries: TapeEntry[];
  tracked: Set<number>;
}

let recording: Recording | null = null;

export function isRecording(): boolean {
  return recording !== null;
}

/** Called by every differentiable op after it computed its outputs. */
export function record(inputs: readonly Tensor[], outputs: readonly Tensor[], backward: BackwardFn): void {
  const rec = recording;
  if (!rec) return;
  const needed = inputs.map((t) => rec.tracked.has(t.id));
  if (!needed.includes(true)) return;
  rec.entries.push({ inputs, outputs, backward, needed });
  for (const t of outputs) rec.tracked.add(t.id);
}

/** Runs `f` without recording (for work that must never be differentiated, such as backward passes). */
export function noGrad<T>(f: () => T): T {
  if (typeof f !== 'function') throw new TypeError('noGrad: f must be a function.');
  const saved = recording;
  recording = null;
  try {
    return f();
  } finally {
    recording = saved;
  }
}

export interface ValueAndGrads {
  value: Tensor;
  /** One gradient per watched tensor, zeros where the value does not depend on it. */
  grads: Tensor[];
}

/** Gradient accumulation is injected by ops/ (it needs `add`), keeping this file free of op imports. */
let addTensors: (a: Tensor, b: Tensor) => Tensor = () => {
  throw new Error('ops not loaded');
};
export function installGradientAdder(add: (a: Tensor, b: Tensor) => Tensor): void {
  addTensors = add;
}

/**
 * Evaluates `f` (which must return a scalar, or a tensor whose elements are summed) and the
 * gradient of that value with respect to each tensor in `watch`.
 */
export function valueAndGrads(f: () => Tensor, watch: readonly Tensor[]): ValueAndGrads {
  if (typeof f !== 'function') throw new TypeError('valueAndGrads: f must be a function returning a tensor.');
  if (!Array.isArray(watch) || !watch.every((w) => w instanceof Tensor)) {
    throw new TypeError('valueAndGrads: watch must be an array of tensors.');
  }
  if (recording) throw new Error('valueAndGrads cannot be nested.');
  const rec: Recording = { entries: [], tracked: new Set(watch.map((t) => t.id)) };
  recording = rec;
  let value: Tensor;
  try {
    value = f();
  } finally {
    recording = null;
  }
  if (!(value instanceof Tensor)) throw new TypeError('valueAndGrads: f must return a tensor.');
  const grads = new Map<number, Tensor>();
  grads.set(value.id, ones(value.shape));
  for (let e = rec.entries.length - 1; e >= 0; e--) {
    const entry = rec.entries[e];
    const dys = entry.outputs.map((o) => grads.get(o.id) ?? null);
    if (dys.every((d) => d === null)) continue;
    const dxs = entry.backward(dys, entry.needed);
    for (let i = 0; i < entry.inputs.length; i++) {
      const dx = dxs[i];
      const input = entry.inputs[i];
      if (!dx || !rec.tracked.has(input.id)) continue;
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? addTensors(prev, dx) : dx);
    }
    // Free what is no longer needed: an entry's output gradients are consumed exactly here.
    for (const o of entry.outputs) grads.delete(o.id);
  }
  return {
    value,
    grads: watch.map((w) => grads.get(w.id) ?? new Tensor(new Float32Array(w.size), w.shape, 'float32')),
  };
}

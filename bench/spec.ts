// The benchmark's workloads as plain data, shared by every engine (Dendrite, tfjs, PyTorch) so
// that each one builds the same model on the same sizes. Definitions are issue 4's.

export type TrainId = 'W1' | 'W1big' | 'W2' | 'W3' | 'W4';
export type PredictId = 'P1' | 'P4';
/** The model families; a predict workload reuses a training workload's model. */
export type ModelKind = 'mlp' | 'qa' | 'social' | 'resnet';

export interface InputSpec {
  name: string;
  /** One sample's shape (no batch dimension). */
  shape: number[];
  dtype: 'float32' | 'int32';
  /** int32 inputs are uniform integers in [1, high). */
  high?: number;
}

/** How a target is drawn: one-hot rows, uniform reals in [0, 1), or 0/1 labels. */
export type TargetKind = 'onehot' | 'uniform' | 'binary';

export interface TargetSpec {
  name: string;
  units: number;
  kind: TargetKind;
  loss: 'categorical_crossentropy' | 'mse' | 'binary_crossentropy';
  weight: number;
}

export interface TrainSpec {
  id: TrainId;
  title: string;
  model: ModelKind;
  samples: number;
  batch: number;
  inputs: InputSpec[];
  targets: TargetSpec[];
  /** Forward FLOPs of one sample through the conv and dense layers (for achieved GFLOP/s). */
  forwardFlops: number;
}

export interface PredictSpec {
  id: PredictId;
  title: string;
  /** The training workload whose model (and input shapes) this predicts with. */
  of: TrainId;
  samples: number;
  batch: number;
}

export interface SizeProfile {
  quick: boolean;
  /** Epochs trained before timing starts (kernel set-up, JIT, pools). */
  warmupEpochs: number;
  /** Warm-up also lasts at least this long (see Protocol in measure.ts). */
  warmupSeconds: number;
  /** Epochs (or predict passes) whose median is reported. */
  measuredEpochs: number;
  /** A measurement whose estimated epoch time exceeds this many seconds is skipped. */
  budgetSeconds: number;
  train: TrainSpec[];
  predict: PredictSpec[];
}

const mlpInputs: InputSpec[] = [{ name: 'x', shape: [64], dtype: 'float32' }];
const mlpTargets: TargetSpec[] = [
  { name: 'y', units: 10, kind: 'onehot', loss: 'categorical_crossentropy', weight: 1 },
];
const mlpFlops = 2 * (64 * 32 + 32 * 32 + 32 * 10);

/** Forward FLOPs of a 'valid' Conv1D stack with pooling, as W3 defines it. */
function w3Flops(length: number): number {
  let flops = 0;
  let len = length;
  let cin = 256;
  const conv = (cout: number): void => {
    len = len - 4;
    flops += 2 * len * 5 * cin * cout;
    cin = cout;
  };
  const pool = (): void => {
    len = Math.floor(len / 5);
  };
  conv(128);
  pool();
  conv(256);
  conv(256);
  pool();
  conv(256);
  conv(256);
  return flops + 2 * (256 * 128 + 128 * 12);
}

// W4: 3x3 conv 3→32 and 32→32 at 32×32, 1x1 conv 3→32, pool, 3x3 conv 32→64 at 16×16, Dense 64→10.
const w4Flops = 2 * (1024 * 27 * 32 + 1024 * 288 * 32 + 1024 * 3 * 32 + 256 * 288 * 64 + 64 * 10);

function train(quick: boolean): TrainSpec[] {
  const w3Length = 2000;
  return [
    {
      id: 'W1',
      title: 'MLP 64-32-32-10, 1,000 samples, batch 128',
      model: 'mlp',
      samples: 1000,
      batch: 128,
      inputs: mlpInputs,
      targets: mlpTargets,
      forwardFlops: mlpFlops,
    },
    {
      id: 'W1big',
      title: `same MLP, ${(quick ? 10_000 : 100_000).toLocaleString('en-US')} samples`,
      model: 'mlp',
      samples: quick ? 10_000 : 100_000,
      batch: 128,
      inputs: mlpInputs,
      targets: mlpTargets,
      forwardFlops: mlpFlops,
    },
    {
      id: 'W2',
      title: `two-input Embedding+LSTM QA, ${quick ? 256 : '1,000'} samples, batch 128`,
      model: 'qa',
      samples: quick ? 256 : 1000,
      batch: 128,
      inputs: [
        { name: 'text', shape: [200], dtype: 'int32', high: 10000 },
        { name: 'question', shape: [200], dtype: 'int32', high: 10000 },
      ],
      targets: [{ name: 'answer', units: 500, kind: 'onehot', loss: 'categorical_crossentropy', weight: 1 }],
      // Per timestep: 4 gates of (input + recurrent) matmuls for both LSTMs.
      forwardFlops: 200 * 2 * 4 * (32 * (64 + 32) + 16 * (32 + 16)) + 2 * 48 * 500,
    },
    {
      id: 'W3',
      title: `multi-output Conv1D stack, ${quick ? 64 : 512} posts of length 2,000, batch 64`,
      model: 'social',
      samples: quick ? 64 : 512,
      batch: 64,
      inputs: [{ name: 'posts', shape: [w3Length], dtype: 'int32', high: 50000 }],
      targets: [
        { name: 'age', units: 1, kind: 'uniform', loss: 'mse', weight: 0.25 },
        { name: 'income', units: 10, kind: 'onehot', loss: 'categorical_crossentropy', weight: 1 },
        { name: 'gender', units: 1, kind: 'binary', loss: 'binary_crossentropy', weight: 10 },
      ],
      forwardFlops: w3Flops(w3Length),
    },
    {
      id: 'W4',
      title: `residual CNN on 32×32×3, ${quick ? 512 : '2,048'} samples, batch 64`,
      model: 'resnet',
      samples: quick ? 512 : 2048,
      batch: 64,
      inputs: [{ name: 'image', shape: [32, 32, 3], dtype: 'float32' }],
      targets: [{ name: 'label', units: 10, kind: 'onehot', loss: 'categorical_crossentropy', weight: 1 }],
      forwardFlops: w4Flops,
    },
  ];
}

/** The sizes of a full run, or of a `--quick` one (same models, fewer samples and epochs). */
export function sizeProfile(quick: boolean, budgetSeconds?: number): SizeProfile {
  return {
    quick,
    warmupEpochs: 1,
    warmupSeconds: 1,
    measuredEpochs: quick ? 2 : 3,
    budgetSeconds: budgetSeconds ?? (quick ? 10 : 40),
    train: train(quick),
    predict: [
      {
        id: 'P1',
        title: `W1's MLP predicting ${quick ? '20,000' : '100,000'} samples, batch 1,024`,
        of: 'W1',
        samples: quick ? 20_000 : 100_000,
        batch: 1024,
      },
      {
        id: 'P4',
        title: `W4's CNN predicting ${quick ? 512 : '2,048'} samples, batch 64`,
        of: 'W4',
        samples: quick ? 512 : 2048,
        batch: 64,
      },
    ],
  };
}

/** Training FLOPs per epoch, counted as 3× forward (forward, input gradient, weight gradient). */
export function trainFlopsPerEpoch(spec: TrainSpec): number {
  return 3 * spec.forwardFlops * spec.samples;
}

/** A learning rate that depends on the optimizer's step count (0-based), as Keras's schedules. */
export type LearningRateSchedule = (step: number) => number;

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
}

/** lr = initial · rate^(step / decaySteps), floored exponent when `staircase`. */
export function ExponentialDecay(args: ExponentialDecayArgs): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = args;
  if (!(decaySteps > 0)) throw new Error(`ExponentialDecay: decaySteps must be positive, got ${decaySteps}.`);
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

export interface PiecewiseConstantArgs {
  boundaries: number[];
  values: number[];
}

export function PiecewiseConstantDecay(args: PiecewiseConstantArgs): LearningRateSchedule {
  if (args.values.length !== args.boundaries.length + 1)
    throw new Error('PiecewiseConstantDecay: values needs one more entry than boundaries.');
  return (step) => {
    const i = args.boundaries.findIndex((b) => step <= b);
    return args.values[i < 0 ? args.values.length - 1 : i];
  };
}

/**
 * A cap on how many weight values layers may create while one synchronous call runs: loading a
 * model from a file, whose config can ask for any size (a Dense of 500 million units takes two
 * kilobytes to write down). `Layer.addWeight` charges each weight here before it allocates it, so
 * the weight that would pass the cap is refused before a byte of it exists, whatever the layer,
 * custom layers included.
 */
import { formatShape } from '../tensor/shape.js';

interface Budget {
  readonly limit: number;
  used: number;
  /** The error for a weight that does not fit; `detail` names the layer, the weight and the count. */
  readonly refuse: (detail: string) => Error;
}

let active: Budget | null = null;

/** Runs `fn` with at most `limit` weight values created in it; `refuse` makes the error for the first one past it. */
export function withWeightBudget<T>(limit: number, refuse: (detail: string) => Error, fn: () => T): T {
  const outer = active;
  active = { limit, used: 0, refuse };
  try {
    return fn();
  } finally {
    active = outer;
  }
}

/** Counts a weight about to be created against the running budget, if there is one; throws when it does not fit. */
export function chargeWeight(layer: string, weight: string, shape: readonly number[]): void {
  if (!active) return;
  const size = shape.reduce((a, b) => a * b, 1);
  if (active.used + size > active.limit) {
    throw active.refuse(
      `layer '${layer}' asks for a weight '${weight}' of shape ${formatShape(shape)} ` +
        `(${size.toLocaleString('en-US')} values) after ${active.used.toLocaleString('en-US')} values ` +
        'in the layers before it',
    );
  }
  active.used += size;
}

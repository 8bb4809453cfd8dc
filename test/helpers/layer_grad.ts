import type { Layer } from '../../src/layers/layer.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { checkGradients, randTensor } from './gradcheck.js';

/**
 * Finite-difference check of a built layer's call with respect to its inputs and each trainable
 * weight. Weights are given deterministic random values first (restored afterwards).
 */
export function checkLayerGradients(
  layer: Layer,
  inputs: Tensor[],
  { training = false, seed = 100, tol, eps }: { training?: boolean; seed?: number; tol?: number; eps?: number } = {},
): void {
  const vars = layer.trainableWeights;
  const saved = vars.map((v) => v.value);
  const values = vars.map((v, i) => randTensor(v.shape, seed + i, -0.6, 0.6));
  try {
    checkGradients(
      (xs) => {
        vars.forEach((v, i) => (v.value = xs[inputs.length + i]));
        return layer.invoke(xs.slice(0, inputs.length), { training })[0];
      },
      [...inputs, ...values],
      { tol, eps },
    );
  } finally {
    vars.forEach((v, i) => (v.value = saved[i]));
  }
}

export function copyOf(t: Tensor): Tensor {
  return new Tensor(Float32Array.from(t.values), t.shape, 'float32');
}

import { nextNormal, nextUniform } from '../tensor/random.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Creates a weight's initial value for a shape. */
export type Initializer = (shape: Shape) => Tensor;

export type InitializerId =
  | 'zeros'
  | 'ones'
  | 'glorot_uniform'
  | 'glorot_normal'
  | 'he_normal'
  | 'he_uniform'
  | 'lecun_normal'
  | 'lecun_uniform'
  | 'random_normal'
  | 'random_uniform'
  | 'truncated_normal'
  | 'orthogonal'
  | 'identity';

/** Keras's fan computation: dense kernels are [in, out]; conv kernels [...spatial, in, out]. */
function fans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function filled(shape: Shape, draw: () => number): Tensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return new Tensor(data, shape, 'float32');
}

/** Truncated normal (re-drawn beyond 2σ), as Keras's variance-scaling normal uses. */
function truncated(stddev: number): () => number {
  return () => {
    let v: number;
    do v = nextNormal();
    while (v < -2 || v > 2);
    return v * stddev;
  };
}

export type VarianceMode = 'fan_in' | 'fan_out' | 'fan_avg';
export function varianceScaling(
  scale: number,
  mode: VarianceMode,
  distribution: 'uniform' | 'truncated_normal',
): Initializer {
  return (shape) => {
    const { fanIn, fanOut } = fans(shape);
    const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const variance = scale / Math.max(1, n);
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return filled(shape, () => (2 * nextUniform() - 1) * limit);
    }
    // 0.8796… is the stddev of a unit normal truncated at ±2; dividing keeps the target variance.
    return filled(shape, truncated(Math.sqrt(variance) / 0.87962566103423978));
  };
}

/** An orthogonal matrix (rows or columns orthonormal), by Gram–Schmidt on a normal draw, as Keras's `orthogonal`. */
export function orthogonal(gain = 1): Initializer {
  return (shape) => {
    const rows = sizeOf(shape.slice(0, -1));
    const cols = shape[shape.length - 1];
    const n = Math.max(rows, cols);
    const k = Math.min(rows, cols);
    // k orthonormal vectors of length n.
    const q: Float64Array[] = [];
    for (let j = 0; j < k; j++) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = nextNormal();
      for (const u of q) {
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
      let norm = 0;
      for (let i = 0; i < n; i++) norm += v[i] * v[i];
      norm = Math.sqrt(norm);
      for (let i = 0; i < n; i++) v[i] /= norm;
      q.push(v);
    }
    const data = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) data[r * cols + c] = gain * (rows >= cols ? q[c][r] : q[r][c]);
    }
    return new Tensor(data, shape, 'float32');
  };
}

export function constant(value: number): Initializer {
  return (shape) => filled(shape, () => value);
}

export function randomNormal(mean = 0, stddev = 0.05): Initializer {
  return (shape) => filled(shape, () => mean + stddev * nextNormal());
}

export function randomUniform(minval = -0.05, maxval = 0.05): Initializer {
  return (shape) => filled(shape, () => minval + (maxval - minval) * nextUniform());
}

const registry: Record<InitializerId, Initializer> = {
  zeros: constant(0),
  ones: constant(1),
  glorot_uniform: varianceScaling(1, 'fan_avg', 'uniform'),
  glorot_normal: varianceScaling(1, 'fan_avg', 'truncated_normal'),
  he_normal: varianceScaling(2, 'fan_in', 'truncated_normal'),
  he_uniform: varianceScaling(2, 'fan_in', 'uniform'),
  lecun_normal: varianceScaling(1, 'fan_in', 'truncated_normal'),
  lecun_uniform: varianceScaling(1, 'fan_in', 'uniform'),
  random_normal: randomNormal(),
  random_uniform: randomUniform(),
  truncated_normal: (shape) => filled(shape, truncated(0.05)),
  orthogonal: orthogonal(),
  identity: (shape) => {
    const c = shape[1];
    return filled(
      shape,
      (() => {
        let i = 0;
        return () => {
          const v = Math.floor(i / c) === i % c ? 1 : 0;
          i++;
          return v;
        };
      })(),
    );
  },
};

export function getInitializer(id: InitializerId | Initializer): Initializer {
  if (typeof id === 'function') return id;
  const init = registry[id];
  if (!init) throw new Error(`Unknown initializer '${id}'. Known: ${Object.keys(registry).join(', ')}.`);
  return init;
}

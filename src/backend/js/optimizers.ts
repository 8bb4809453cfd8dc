// Update rules follow Keras 3's optimizers (keras/src/optimizers/*.py) term for term, so one step
// lands on the same weights as Keras within float32 rounding.

export function sgdUpdate(
  w: Float32Array,
  g: Float32Array,
  velocity: Float32Array | null,
  lr: number,
  momentum: number,
  nesterov: boolean,
): void {
  const n = w.length;
  if (!velocity) {
    for (let i = 0; i < n; i++) w[i] -= lr * g[i];
    return;
  }
  for (let i = 0; i < n; i++) {
    const m = momentum * velocity[i] - lr * g[i];
    velocity[i] = m;
    w[i] += nesterov ? momentum * m - lr * g[i] : m;
  }
}

export function rmspropUpdate(
  w: Float32Array,
  g: Float32Array,
  ms: Float32Array,
  mom: Float32Array | null,
  lr: number,
  rho: number,
  momentum: number,
  epsilon: number,
  gradSquares: Float32Array | null = null,
): void {
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const v = rho * ms[i] + (1 - rho) * (gradSquares ? gradSquares[i] : gi * gi);
    ms[i] = v;
    const inc = (lr * gi) / Math.sqrt(v + epsilon);
    if (mom) {
      const m = momentum * mom[i] + inc;
      mom[i] = m;
      w[i] -= m;
    } else {
      w[i] -= inc;
    }
  }
}

export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vhat: Float32Array | null,
  lr: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  step: number,
  weightDecay: number,
  gradSquares: Float32Array | null = null,
): void {
  const n = w.length;
  if (weightDecay > 0) {
    const decay = lr * weightDecay;
    for (let i = 0; i < n; i++) w[i] -= w[i] * decay;
  }
  const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = m[i] + (gi - m[i]) * (1 - beta1);
    const vi = v[i] + ((gradSquares ? gradSquares[i] : gi * gi) - v[i]) * (1 - beta2);
    m[i] = mi;
    v[i] = vi;
    let denom = vi;
    if (vhat) {
      if (vi > vhat[i]) vhat[i] = vi;
      denom = vhat[i];
    }
    w[i] -= (alpha * mi) / (Math.sqrt(denom) + epsilon);
  }
}

export function adagradUpdate(
  w: Float32Array,
  g: Float32Array,
  acc: Float32Array,
  lr: number,
  epsilon: number,
  gradSquares: Float32Array | null = null,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    acc[i] += gradSquares ? gradSquares[i] : gi * gi;
    w[i] -= (lr * gi) / Math.sqrt(acc[i] + epsilon);
  }
}

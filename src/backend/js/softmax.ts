export function softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (x[base + c] > max) max = x[base + c];
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = Math.exp(x[base + c] - max);
      out[base + c] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let c = 0; c < cols; c++) out[base + c] *= inv;
  }
}

export function softmaxGrad(y: Float32Array, dy: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[base + c] * y[base + c];
    for (let c = 0; c < cols; c++) out[base + c] = y[base + c] * (dy[base + c] - dot);
  }
}

export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Float32Array,
  rows: number,
  cols: number,
  loss: Float32Array,
  grad: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (logits[base + c] > max) max = logits[base + c];
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits[base + c] - max);
    const logSum = Math.log(sum) + max;
    let l = 0;
    for (let c = 0; c < cols; c++) l -= labels[base + c] * (logits[base + c] - logSum);
    loss[r] = l;
    for (let c = 0; c < cols; c++) grad[base + c] = Math.exp(logits[base + c] - logSum) - labels[base + c];
  }
}

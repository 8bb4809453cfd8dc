export function gather(table: Float32Array, dim: number, indices: Int32Array, out: Float32Array): void {
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * dim;
    out.set(table.subarray(src, src + dim), i * dim);
  }
}

export function scatterAdd(dy: Float32Array, dim: number, indices: Int32Array, dtable: Float32Array): void {
  for (let i = 0; i < indices.length; i++) {
    const dst = indices[i] * dim;
    const src = i * dim;
    for (let j = 0; j < dim; j++) dtable[dst + j] += dy[src + j];
  }
}

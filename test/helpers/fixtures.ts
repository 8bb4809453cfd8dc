import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/tensor/tensor.js';

/** The Keras 3 golden fixtures kept in the repository (see test/fixtures/README.md). */
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keras3');

/** Reads a little-endian C-order .npy file (float32, float64, int32, int64, bool) as a tensor. */
export function readNpy(path: string): Tensor {
  const buf = readFileSync(path);
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path} is not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)![1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order not supported`);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)![1];
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const body = buf.subarray(headerStart + headerLen);
  const n = shape.reduce((p, d) => p * d, 1);
  const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  switch (descr) {
    case '<f4':
      return new Tensor(new Float32Array(ab, 0, n), shape, 'float32');
    case '<f8':
      return new Tensor(Float32Array.from(new Float64Array(ab, 0, n)), shape, 'float32');
    case '<i4':
      return new Tensor(new Int32Array(ab, 0, n), shape, 'int32');
    case '<i8':
      return new Tensor(
        Int32Array.from(new BigInt64Array(ab, 0, n), (v) => Number(v)),
        shape,
        'int32',
      );
    case '|b1':
      return new Tensor(new Uint8Array(ab, 0, n), shape, 'bool');
    default:
      throw new Error(`${path}: unsupported dtype ${descr}`);
  }
}

export interface Manifest {
  name: string;
  param_count?: number;
  input_names: string[];
  output_names: string[];
  inputs: { name: string; file: string; shape: number[]; dtype: string }[];
  targets: { output: string; file: string; shape: number[]; dtype: string }[];
  predictions: { output: string; file: string; shape: number[] }[];
  weights: { path: string; shape: number[]; trainable: boolean; file: string }[];
  compile: Record<string, unknown>;
  train_step: {
    loss_before: number;
    gradients: { path: string; file: string }[];
    logs: Record<string, number>;
    weights_after: { path: string; file: string }[];
  };
  [key: string]: unknown;
}

export function loadManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(FIXTURES, folder, 'manifest.json'), 'utf8')) as Manifest;
}

export function fixtureArray(folder: string, file: string): Tensor {
  return readNpy(join(FIXTURES, folder, file));
}

/** Largest |a − b| relative to the largest |b| (at least 1e-12). */
export function maxRelativeError(a: Tensor, b: Tensor): number {
  let maxDiff = 0;
  let maxRef = 1e-12;
  for (let i = 0; i < b.size; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(a.values[i] - b.values[i]));
    maxRef = Math.max(maxRef, Math.abs(b.values[i]));
  }
  return maxDiff / maxRef;
}

export function maxAbsError(a: Tensor, b: Tensor): number {
  let m = 0;
  for (let i = 0; i < b.size; i++) m = Math.max(m, Math.abs(a.values[i] - b.values[i]));
  return m;
}

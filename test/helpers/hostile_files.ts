/**
 * Builders of hostile model files, for the loading tests: zip archives whose entries claim sizes
 * they do not have, deflate streams that inflate a thousandfold, and HDF5 files with link cycles
 * or datasets that declare a gigabyte. Built from the Keras fixtures at test time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, strFromU8, strToU8, unzipSync } from 'fflate';
import h5wasm from 'h5wasm';
import { type H5Group as SavedGroup, readHdf5 } from '../../src/saving/hdf5.js';
import { crc32 } from '../../src/saving/zip_reader.js';
import { FIXTURES } from './fixtures.js';

/** One entry as it will be written: its bytes in the archive and what the headers claim. */
export interface RawEntry {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  /** The uncompressed size the headers claim. */
  size: number;
  crc: number;
}

export const stored = (name: string, bytes: Uint8Array): RawEntry => ({
  name,
  data: bytes,
  method: 0,
  size: bytes.length,
  crc: crc32(bytes),
});

export const deflated = (name: string, bytes: Uint8Array): RawEntry => ({
  name,
  data: deflateSync(bytes),
  method: 8,
  size: bytes.length,
  crc: crc32(bytes),
});

/** A zip archive of the entries exactly as given (sizes and CRCs included, true or not). */
export function rawZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const directory: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 20, true);
    local.setUint16(8, e.method, true);
    local.setUint32(14, e.crc, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.size, true);
    local.setUint16(26, name.length, true);
    const central = new DataView(new ArrayBuffer(46));
    central.setUint32(0, 0x02014b50, true);
    central.setUint16(4, 20, true);
    central.setUint16(6, 20, true);
    central.setUint16(10, e.method, true);
    central.setUint32(16, e.crc, true);
    central.setUint32(20, e.data.length, true);
    central.setUint32(24, e.size, true);
    central.setUint16(28, name.length, true);
    central.setUint32(42, offset, true);
    parts.push(new Uint8Array(local.buffer), name, e.data);
    directory.push(new Uint8Array(central.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const directorySize = directory.reduce((n, p) => n + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, directorySize, true);
  end.setUint32(16, offset, true);
  const all = [...parts, ...directory, new Uint8Array(end.buffer)];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A raw deflate stream of `size` zero bytes in about size / 1032 bytes: one dynamic-Huffman block
 * whose length-258 and distance-1 codes are one bit each, both 0, so the body is zero bytes.
 */
export function deflateBomb(size: number): Uint8Array {
  const pairs = Math.floor((size - 1) / 258);
  const literals = size - 1 - 258 * pairs;
  const out = new Uint8Array(Math.ceil((200 + 2 * pairs + 2 * literals) / 8) + 8);
  let bit = 0;
  const put = (value: number, bits: number): void => {
    for (let i = 0; i < bits; i++, bit++) if ((value >> i) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  // A Huffman code goes in from its first (most significant) bit.
  const code = (value: number, bits: number): void => {
    for (let i = bits - 1; i >= 0; i--, bit++) if ((value >> i) & 1) out[bit >> 3] |= 1 << (bit & 7);
  };
  put(1, 1); // the final block
  put(2, 2); // dynamic Huffman codes
  put(29, 5); // 286 literal/length codes
  put(0, 5); // 1 distance code
  put(14, 4); // 18 code-length codes, in the order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1
  for (const len of [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) put(len, 3);
  // Code-length codes: 18 is 0, 1 is 10, 2 is 11.
  const zeros = (n: number): void => {
    code(0, 1);
    put(n - 11, 7);
  };
  code(3, 2); // literal 0: length 2
  zeros(138);
  zeros(117); // literals 1…255: unused
  code(3, 2); // end of block: length 2
  zeros(28); // lengths 257…284: unused
  code(2, 2); // length 258 (symbol 285): length 1
  code(2, 2); // distance 1 (code 0): length 1
  // Literal/length codes: 285 is 0, literal 0 is 10, end of block is 11; distance code 0 is 0.
  code(2, 2); // one zero byte
  bit += 2 * pairs; // then 258 more, `pairs` times: both codes are 0
  for (let i = 0; i < literals; i++) code(2, 2);
  code(3, 2);
  return out.subarray(0, Math.ceil(bit / 8));
}

/** An entry that claims `size` bytes and holds a stream inflating to that many zeros (its CRC is not theirs). */
export const bombEntry = (name: string, size: number): RawEntry => ({
  name,
  data: deflateBomb(size),
  method: 8,
  size,
  crc: 0,
});

export const fixtureBytes = (folder: string): Uint8Array =>
  new Uint8Array(readFileSync(join(FIXTURES, folder, 'model.keras')));

/** A fixture's .keras entries, unpacked. */
export const kerasParts = (folder: string): Record<string, Uint8Array> => unzipSync(fixtureBytes(folder));

/** A fixture's config.json, parsed. */
export const kerasConfig = (folder: string): Record<string, unknown> =>
  JSON.parse(strFromU8(kerasParts(folder)['config.json'])) as Record<string, unknown>;

/** A .keras file of the parts given, stored as Keras stores them, in Keras's order, then any extra entries. */
export function kerasFile(parts: Record<string, Uint8Array>, extra: readonly RawEntry[] = []): Uint8Array {
  return rawZip([...Object.entries(parts).map(([name, bytes]) => stored(name, bytes)), ...extra]);
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = InstanceType<typeof h5wasm.Group>;
let scratch = 0;

/** HDF5 bytes changed by `edit`, done with h5wasm on a copy opened for writing. */
export async function editHdf5(bytes: Uint8Array, edit: (file: H5File) => void): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const name = `/hostile-${process.pid}-${++scratch}.h5`;
  FS!.writeFile(name, bytes);
  try {
    const file = new h5wasm.File(name, 'a');
    try {
      edit(file);
    } finally {
      file.close();
    }
    return FS!.readFile(name);
  } finally {
    FS!.unlink(name);
  }
}

/** A hard link from `layers/dense/loop` back to `layers`: a walk of every group never ends. */
export const withLinkCycle = (weights: Uint8Array): Promise<Uint8Array> =>
  editHdf5(weights, (f) => f.create_hard_link('/layers', '/layers/dense/loop'));

/**
 * A dataset declaring `values` float32 values in compressed chunks, none written, so the file
 * stays small: reading it would allocate them all.
 */
export const withHugeDataset = (weights: Uint8Array, path: string, values: number): Promise<Uint8Array> =>
  editHdf5(weights, (f) => {
    const d = f.create_dataset({
      name: path,
      data: new Float32Array(1024),
      shape: [1024],
      maxshape: [null],
      chunks: [1024],
      compression: 'gzip',
    });
    d.resize([values]);
  });

/**
 * The weights file rewritten with the first kernel (`layers/dense/vars/0`) compressed in one chunk
 * of `side` × `side` values: the data stays 64 × 32, the file small, but reading the kernel makes
 * HDF5 inflate the whole chunk.
 */
export async function withBigChunk(weights: Uint8Array, side: number): Promise<Uint8Array> {
  const tree = await readHdf5(weights, 'weights');
  const { FS } = await h5wasm.ready;
  const name = `/hostile-${process.pid}-${++scratch}.h5`;
  const file = new h5wasm.File(name, 'w');
  const write = (g: H5Group, node: SavedGroup, path: string): void => {
    for (const [key, child] of node.groups) write(g.create_group(key), child, `${path}/${key}`);
    for (const [key, a] of node.arrays) {
      const chunked = path === '/layers/dense/vars' && key === '0';
      g.create_dataset({
        name: key,
        data: a.values,
        shape: a.shape,
        dtype: '<f',
        ...(chunked ? { maxshape: [null, null], chunks: [side, side], compression: 'gzip' as const } : {}),
      });
    }
  };
  try {
    write(file, tree, '');
    file.close();
    return FS!.readFile(name);
  } finally {
    FS!.unlink(name);
  }
}

export { strToU8 };

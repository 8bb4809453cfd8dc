/**
 * Reads chosen entries of a zip archive, and only those: the central directory says where each
 * entry is and how large it claims to be, and an entry is inflated only when asked for, only if
 * its claimed size is within the caller's limit, and never past that claim. fflate's `unzipSync`
 * inflates every entry it keeps, into a buffer of whatever size the entry claims, so a small
 * archive holding a zip bomb would take gigabytes; its streaming `Inflate` is used here instead.
 */
import { Inflate } from 'fflate';

interface Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
  /** More than one central-directory record names it: which one is meant is ambiguous. */
  duplicate: boolean;
}

export interface ZipReader {
  /** The entry names, in the order of the central directory. */
  readonly names: readonly string[];
  /** The size an entry claims uncompressed, and its size in the archive; undefined when absent. */
  sizes(name: string): { size: number; compressedSize: number } | undefined;
  /**
   * An entry's bytes. Throws, before inflating anything, when the entry claims more than `limit`
   * bytes (`why` says where the limit comes from); throws when it inflates to more or fewer bytes
   * than it claims, or fails its CRC-32.
   */
  read(name: string, limit: number, why: string): Uint8Array;
}

const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) + u16(b, at + 2) * 0x10000) >>> 0;
const u64 = (b: Uint8Array, at: number): number => u32(b, at) + u32(b, at + 4) * 0x100000000;

/**
 * Deflate inflates at most 1032-fold, so an inflate step given `n` input bytes makes at most about
 * 1032·n. Each step takes as much input as keeps that within what the entry may still make, plus
 * a MiB: a bomb is caught within a MiB of its claim, and a sound entry takes few steps.
 */
const stepFor = (left: number): number => Math.max(1024, Math.floor((left + 2 ** 20) / 1032));

export function openZip(bytes: Uint8Array, what: string): ZipReader {
  const bad = (why: string): Error => new Error(`${what} is not a .keras file (a zip archive): ${why}.`);
  const inside = (at: number, length: number): boolean => at >= 0 && length >= 0 && at + length <= bytes.length;
  // The end-of-central-directory record: the last 22 bytes, or earlier by the length of a comment.
  let end = -1;
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at--) {
    if (u32(bytes, at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) throw bad('it has no end-of-central-directory record');
  let count = u16(bytes, end + 10);
  let directorySize = u32(bytes, end + 12);
  let offset = u32(bytes, end + 16);
  // Zip64: the real counts and offsets are in a record that a locator just before this one points at.
  if (end >= 20 && u32(bytes, end - 20) === 0x07064b50) {
    const at = u64(bytes, end - 12);
    if (!inside(at, 56) || u32(bytes, at) !== 0x06064b50) throw bad('its zip64 locator points at no zip64 record');
    count = u64(bytes, at + 32);
    directorySize = u64(bytes, at + 40);
    offset = u64(bytes, at + 48);
  }
  if (!inside(offset, directorySize)) throw bad('its central directory lies outside the file');

  const entries = new Map<string, Entry>();
  const names: string[] = [];
  const utf8 = new TextDecoder();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (!inside(at, 46) || u32(bytes, at) !== 0x02014b50) throw bad(`central directory record ${i} is damaged`);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const next = at + 46 + nameLength + extraLength + u16(bytes, at + 32);
    if (!inside(at, next - at)) throw bad(`central directory record ${i} runs past the end of the file`);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const entry: Entry = {
      name,
      flags: u16(bytes, at + 8),
      method: u16(bytes, at + 10),
      crc: u32(bytes, at + 16),
      compressedSize: u32(bytes, at + 20),
      size: u32(bytes, at + 24),
      headerOffset: u32(bytes, at + 42),
      duplicate: false,
    };
    readZip64Extra(bytes, at + 46 + nameLength, extraLength, entry);
    const seen = entries.get(name);
    if (seen) seen.duplicate = true;
    else {
      entries.set(name, entry);
      names.push(name);
    }
    at = next;
  }

  return {
    names,
    sizes: (name) => {
      const e = entries.get(name);
      return e && { size: e.size, compressedSize: e.compressedSize };
    },
    read: (name, limit, why) => {
      const e = entries.get(name);
      if (!e) throw new Error(`${what} has no entry ${name}.`);
      const where = `${what}: entry ${name}`;
      if (e.duplicate)
        throw new Error(`${where} appears more than once in the archive, so which one is meant is unclear.`);
      if (e.flags & 1) throw new Error(`${where} is encrypted, which Dendrite does not read.`);
      // Written so that a size a damaged zip64 field leaves undefined (NaN) fails too.
      if (!(e.size <= limit)) {
        throw new Error(
          `${where} claims ${e.size.toLocaleString('en-US')} bytes uncompressed, ` +
            `more than the ${limit.toLocaleString('en-US')} allowed (${why}).`,
        );
      }
      const h = e.headerOffset;
      if (!inside(h, 30) || u32(bytes, h) !== 0x04034b50) throw bad(`the local header of ${name} is missing`);
      const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28);
      if (!inside(start, e.compressedSize)) throw bad(`the data of ${name} runs past the end of the file`);
      const data = bytes.subarray(start, start + e.compressedSize);
      let out: Uint8Array;
      if (e.method === 0) {
        if (e.compressedSize !== e.size)
          throw new Error(`${where} is stored uncompressed in ${e.compressedSize} bytes but claims ${e.size}.`);
        out = data;
      } else if (e.method === 8) out = inflateExactly(data, e.size, where);
      else
        throw new Error(
          `${where} is compressed with method ${e.method}; Dendrite reads stored (0) and deflated (8) entries.`,
        );
      if (crc32(out) !== e.crc) throw new Error(`${where} fails its CRC-32 check: the file is damaged.`);
      return out;
    },
  };
}

/** Zip64's extended-information field (id 1): 64-bit values for the fields that hold 0xffffffff. */
function readZip64Extra(bytes: Uint8Array, at: number, length: number, e: Entry): void {
  for (let p = at; p + 4 <= at + length; p += 4 + u16(bytes, p + 2)) {
    if (u16(bytes, p) !== 1) continue;
    let q = p + 4;
    const take = (): number => {
      const v = q + 8 <= at + length ? u64(bytes, q) : Number.NaN;
      q += 8;
      return v;
    };
    if (e.size === 0xffffffff) e.size = take();
    if (e.compressedSize === 0xffffffff) e.compressedSize = take();
    if (e.headerOffset === 0xffffffff) e.headerOffset = take();
    return;
  }
}

/** Inflates `data`, which must inflate to exactly `size` bytes; stops as soon as it passes them. */
function inflateExactly(data: Uint8Array, size: number, where: string): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  const inflate = new Inflate((chunk) => {
    if (filled + chunk.length > size)
      throw new Error(`${where} inflates to more than the ${size.toLocaleString('en-US')} bytes it claims.`);
    out.set(chunk, filled);
    filled += chunk.length;
  });
  try {
    for (let at = 0; at < data.length; ) {
      const next = Math.min(at + stepFor(size - filled), data.length);
      inflate.push(data.subarray(at, next), next === data.length);
      at = next;
    }
  } catch (e) {
    const message = (e as Error).message;
    throw message.startsWith(where) ? e : new Error(`${where} is not valid deflate data: ${message}.`);
  }
  if (filled !== size)
    throw new Error(
      `${where} inflates to ${filled.toLocaleString('en-US')} bytes, ` +
        `not the ${size.toLocaleString('en-US')} it claims.`,
    );
  return out;
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 that zip records for each entry (Python's zipfile checks it too). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

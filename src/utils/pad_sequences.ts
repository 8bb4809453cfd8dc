import { describeValue } from '../tensor/describe.js';
import { Tensor } from '../tensor/tensor.js';

export interface PadSequencesArgs {
  /** The length of every row; default the longest sequence's. */
  maxlen?: number | null;
  /** The result's dtype (default 'int32', as Keras's). */
  dtype?: 'int32' | 'float32';
  /** Where short sequences get `value`: 'pre' (default, Keras's) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end long sequences lose: 'pre' (default, Keras's, keeping the latest steps) or 'post'. */
  truncating?: 'pre' | 'post';
  /** The padding value (default 0). */
  value?: number;
}

const OPTIONS: readonly string[] = ['maxlen', 'dtype', 'padding', 'truncating', 'value'];
const WHERE = 'utils.padSequences';
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** A sequence is an array or a typed array of numbers. */
type Sequence = readonly number[] | ArrayLike<number>;

function isSequence(s: unknown): s is Sequence {
  return Array.isArray(s) || (ArrayBuffer.isView(s) && !(s instanceof DataView));
}

function checkEnd(name: string, value: unknown): 'pre' | 'post' {
  if (value !== 'pre' && value !== 'post') {
    throw new Error(`${WHERE}: ${name} must be 'pre' or 'post', got ${describeValue(value)}.`);
  }
  return value;
}

/** A number the result's dtype holds exactly; `what` says where it came from. */
function checkElement(v: unknown, dtype: 'int32' | 'float32', what: string): number {
  if (typeof v !== 'number') throw new TypeError(`${WHERE}: ${what} is ${describeValue(v)}; expected a number.`);
  if (dtype === 'int32' && !(Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX)) {
    throw new Error(`${WHERE}: ${what} is ${v}, which an int32 result cannot hold; pass dtype: 'float32'.`);
  }
  return v;
}

/**
 * Pads (and truncates) sequences to one length, as Keras's `keras.utils.pad_sequences`: a tensor
 * of shape `[sequences.length, maxlen]`. By default both happen at the start ('pre'), so each row
 * ends with its sequence's latest steps.
 */
export function padSequences(sequences: readonly Sequence[], args: PadSequencesArgs = {}): Tensor {
  if (!Array.isArray(sequences)) {
    throw new TypeError(`${WHERE}: sequences must be an array of sequences, got ${describeValue(sequences)}.`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw new TypeError(`${WHERE} expects an options object, got ${describeValue(args)}.`);
  }
  for (const key of Object.keys(args)) {
    if (!OPTIONS.includes(key)) {
      throw new TypeError(`${WHERE} got an unexpected option '${key}'. Valid options: ${OPTIONS.join(', ')}.`);
    }
  }
  const dtype = args.dtype ?? 'int32';
  if (dtype !== 'int32' && dtype !== 'float32') {
    throw new Error(`${WHERE}: dtype must be 'int32' or 'float32', got ${describeValue(dtype)}.`);
  }
  const padding = checkEnd('padding', args.padding ?? 'pre');
  const truncating = checkEnd('truncating', args.truncating ?? 'pre');
  const value = checkElement(args.value ?? 0, dtype, 'value');
  // Every element is checked, the truncated ones too: a bad one anywhere is a bug in the data.
  sequences.forEach((s, i) => {
    if (!isSequence(s)) {
      throw new TypeError(`${WHERE}: sequence ${i} is ${describeValue(s)}; expected an array of numbers.`);
    }
    for (let k = 0; k < s.length; k++) checkElement(s[k], dtype, `sequence ${i}[${k}]`);
  });
  let maxlen: number;
  if (args.maxlen === undefined || args.maxlen === null) {
    maxlen = sequences.reduce((m, s) => Math.max(m, s.length), 0);
  } else {
    if (typeof args.maxlen !== 'number' || !Number.isSafeInteger(args.maxlen) || args.maxlen < 0) {
      throw new Error(`${WHERE}: maxlen must be a whole number ≥ 0 or null, got ${describeValue(args.maxlen)}.`);
    }
    maxlen = args.maxlen;
  }
  const out =
    dtype === 'int32' ? new Int32Array(sequences.length * maxlen) : new Float32Array(sequences.length * maxlen);
  out.fill(value);
  sequences.forEach((s, row) => {
    const keep = Math.min(s.length, maxlen);
    const from = truncating === 'pre' ? s.length - keep : 0;
    const to = row * maxlen + (padding === 'pre' ? maxlen - keep : 0);
    for (let k = 0; k < keep; k++) out[to + k] = s[from + k];
  });
  return new Tensor(out, [sequences.length, maxlen], dtype);
}

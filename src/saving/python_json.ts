/**
 * JSON text as Python's `json.dumps` writes it, which is how Keras writes config.json. Python
 * tells a float from an int by its type and writes `0.0` for a float zero; Keras checks those
 * types when it loads (`SGD(momentum=0)` is refused: "momentum must be a float"). JavaScript has
 * one number type, so the caller says which numbers are floats.
 */

/**
 * Where a number sits. Inside the `config` of a Keras object (`{ module, class_name, config }`):
 * that object's class and the config key it falls under, however deep (a record or list held by
 * that key stays under it). Elsewhere both are null. `owner` is the class of the innermost Keras
 * object around it, config or not (an op's call arguments sit beside its config), `path` has
 * every key from the root, and `list` is the list the value is an item of, if it is one.
 */
export interface JsonPlace {
  className: string | null;
  field: string | null;
  owner: string | null;
  path: readonly string[];
  list?: readonly unknown[];
}

/** Decides whether the number at a place is a Python float. */
export type FloatRule = (place: JsonPlace) => boolean;

/**
 * Python's `repr` of a float: the shortest digits that read back as the same double (JavaScript
 * finds the same ones), in fixed notation for exponents −4 to 15 and scientific outside
 * (`1e-07`, `1e+16`), always with a decimal point or an exponent. Non-finite values are written
 * as Python's json writes them (`NaN`, `Infinity`), which Keras reads back.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const e = Number(exp);
  const digits = mantissa.replace('.', '');
  const sign = x < 0 ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${whole}.${frac || '0'}`;
}

/** An int as Python writes it: every digit, never an exponent. */
function pythonInt(x: number): string {
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

/** A string with Python's `ensure_ascii` escapes: everything outside printable ASCII as `\uXXXX`. */
function pythonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isKerasObject(v: Record<string, unknown>): boolean {
  return typeof v.class_name === 'string' && typeof v.config === 'object' && v.config !== null;
}

/**
 * Writes `value` as `json.dumps` would (`", "` and `": "` separators, keys in insertion order).
 * A number is written as a float where `isFloat` says so for its place, or where it is not a
 * whole number; as an int otherwise. Keys whose value is `undefined` are left out, as
 * JSON.stringify leaves them out.
 */
export function pythonJson(value: unknown, isFloat: FloatRule): string {
  const write = (v: unknown, place: JsonPlace): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return isFloat(place) || !Number.isInteger(v) ? pythonFloat(v) : pythonInt(v);
    if (typeof v === 'string') return pythonString(v);
    // A list's items stand in the list's place: `values` of a schedule are all floats.
    if (Array.isArray(v)) return `[${v.map((item) => write(item, { ...place, list: v })).join(', ')}]`;
    if (typeof v === 'object') {
      const obj = v as Record<string, unknown>;
      const keras = isKerasObject(obj);
      const parts: string[] = [];
      for (const [key, item] of Object.entries(obj)) {
        if (item === undefined) continue;
        const path = [...place.path, key];
        let inner: JsonPlace;
        if (keras) {
          const owner = String(obj.class_name);
          inner = { className: key === 'config' ? owner : null, field: null, owner, path };
        } else if (place.className !== null && place.field === null)
          inner = { ...place, field: key, path, list: undefined };
        else inner = { ...place, path, list: undefined };
        parts.push(`${pythonString(key)}: ${write(item, inner)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    throw new TypeError(`Cannot write a ${typeof v} into a Keras config file.`);
  };
  return write(value, { className: null, field: null, owner: null, path: [] });
}

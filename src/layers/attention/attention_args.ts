/** Checks shared by the attention layers: their sizes and rates, and the inputs they take. */
import { type SymbolicShape, formatShape } from '../../tensor/shape.js';
import { type Layer, type ShapeArg, isShapeList } from '../layer.js';

export function checkDim(className: string, what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new Error(`${className}: ${what} must be a positive integer, got ${JSON.stringify(v)}.`);
  }
  return v;
}

export function checkRate(className: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
    throw new Error(`${className}: dropout must be a number in [0, 1), got ${JSON.stringify(v)}.`);
  }
  return v;
}

export function checkWindow(className: string, v: unknown): number | null {
  if (v === null) return null;
  return checkDim(className, 'slidingWindow', v);
}

/**
 * The shapes of `[query, value]` or `[query, value, key]` (key defaults to value), each of rank 3 or
 * more with a known feature size, value and key agreeing on every axis but the last.
 */
export function attentionInputs(
  layer: Layer,
  inputShape: ShapeArg,
): { query: SymbolicShape; value: SymbolicShape; key: SymbolicShape } {
  const where = `${layer.className} layer '${layer.name}'`;
  const list = isShapeList(inputShape) ? inputShape : [inputShape];
  if (list.length < 2 || list.length > 3) {
    throw new Error(
      `${where} takes [query, value] or [query, value, key], got ${list.length} ` +
        `input${list.length === 1 ? '' : 's'}: ${list.map(formatShape).join(', ')}.`,
    );
  }
  const [query, value, key = value] = list;
  for (const [name, s] of [
    ['query', query],
    ['value', value],
    ['key', key],
  ] as const) {
    if (s.length < 3 || s[s.length - 1] === null) {
      throw new Error(
        `${where}: the ${name} must be [batch, steps, features] (or more axes) with a known feature size, got ` +
          `${formatShape(s)}.`,
      );
    }
  }
  const same =
    key.length === value.length &&
    key.slice(1, -1).every((d, i) => d === null || value[i + 1] === null || d === value[i + 1]);
  if (!same) {
    throw new Error(
      `${where}: value and key must agree on every axis but the last, got value ${formatShape(value)} and key ` +
        `${formatShape(key)}.`,
    );
  }
  return { query, value, key };
}

/**
 * An attention mask must broadcast to [batch, T, S] (T query steps, S key steps): checked when the
 * layer is called, so a wrong one is reported with the shapes rather than deep inside the softmax.
 */
export function checkAttentionMask(layer: Layer, mask: unknown, query: SymbolicShape, key: SymbolicShape): void {
  const shape = (mask as { shape?: unknown } | null | undefined)?.shape;
  if (!Array.isArray(shape) || query.length !== 3) return;
  const want: SymbolicShape = [query[0], query[1], key[1]];
  const s = shape as SymbolicShape;
  const off = want.length - s.length;
  const fits = off >= 0 && s.every((d, i) => d === null || d === 1 || want[off + i] === null || d === want[off + i]);
  if (!fits) {
    throw new Error(
      `${layer.className} layer '${layer.name}': attentionMask of shape ${formatShape(s)} does not broadcast to ` +
        `[batch, query steps, key steps] = ${formatShape(want)}.`,
    );
  }
}

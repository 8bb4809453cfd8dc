import { GATE_ACTIVATIONS, type GateActivation } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import { floatData } from './create.js';
import { checkBoolean, checkOneOf, checkRank, checkTensor, fail } from './validate.js';

// The options of the fused recurrent ops (recurrent.ts), checked and with their defaults filled in.

export interface RecurrentOpOptions {
  /** Process time steps last to first; the returned sequence is then in reversed time order (as Keras). */
  goBackwards?: boolean;
  /** Return every step's output [B, T, u] instead of the last one [B, u]. */
  returnSequences?: boolean;
  /** Masked steps output zeros instead of repeating the previous output (Bidirectional's choice). */
  zeroOutputForMask?: boolean;
  activation?: GateActivation;
  recurrentActivation?: GateActivation;
  /** Recurrent dropout: [B, u] multiplier of h before each recurrent matmul (already scaled by 1/keep). */
  recurrentDropMask?: Tensor | null;
}

export interface GruOpOptions extends RecurrentOpOptions {
  /** Keras 3's default: apply the reset gate after the recurrent matmul; bias is then [2, 3u]. */
  resetAfter?: boolean;
}

export interface Resolved {
  goBackwards: boolean;
  returnSequences: boolean;
  zeroOut: boolean;
  act: GateActivation;
  recAct: GateActivation;
  drop: Float32Array | null;
}

/** Checks the options (named after `op`) and fills in the defaults. */
export function resolve(op: string, o: RecurrentOpOptions, act: GateActivation, recAct: GateActivation): Resolved {
  if (typeof o !== 'object' || o === null) fail(op, 'options must be an object.');
  const flag = (v: boolean | undefined, name: string): boolean => (v === undefined ? false : checkBoolean(v, op, name));
  const drop = o.recurrentDropMask ?? null;
  if (drop !== null) checkTensor(drop, op, 'recurrentDropMask');
  return {
    goBackwards: flag(o.goBackwards, 'goBackwards'),
    returnSequences: flag(o.returnSequences, 'returnSequences'),
    zeroOut: flag(o.zeroOutputForMask, 'zeroOutputForMask'),
    act: checkOneOf(o.activation ?? act, GATE_ACTIVATIONS, op, 'activation'),
    recAct: checkOneOf(o.recurrentActivation ?? recAct, GATE_ACTIVATIONS, op, 'recurrentActivation'),
    drop: drop ? floatData(drop, 'recurrent dropout mask') : null,
  };
}

/** A mask is a [batch, steps] tensor or null (its shape is checked against the input later). */
export function checkMask(mask: Tensor | null, op: string): void {
  if (mask === null) return;
  checkTensor(mask, op, 'mask');
  checkRank(mask, op, 'mask', 2);
}

import type { Backend, GateActivation, GruSequence, LstmSequence } from '../backend.js';
import { jsBackend } from '../js/index.js';
import type { NativeAddon } from './addon.js';
import { GATE_CODE } from './codes.js';

type RecurrentKernels = Pick<
  Backend,
  | 'lstmGatesForward'
  | 'lstmGatesBackward'
  | 'gruGatesForward'
  | 'gruGatesBackward'
  | 'gruResetForward'
  | 'gruCandidateForward'
  | 'gruCandidateBackward'
  | 'gruResetBackward'
  | 'rnnStepForward'
  | 'rnnStepBackward'
  | 'lstmSequenceForward'
  | 'lstmSequenceBackward'
  | 'gruSequenceForward'
  | 'gruSequenceBackward'
>;

/** The activation's code, or undefined for a name the addon does not know (the reference then raises the error). */
const code = (a: GateActivation): number | undefined => GATE_CODE[a];

/** The addon's size-and-flags vector for a sequence, or null when an activation has no native code. */
function sequenceDims(s: LstmSequence | GruSequence): Int32Array | null {
  const a = code(s.act),
    r = code(s.recAct);
  if (a === undefined || r === undefined) return null;
  return Int32Array.of(s.batch, s.steps, s.features, s.units, s.goBackwards ? 1 : 0, a, r);
}

/** Native whole-sequence LSTM and GRU, and the gate kernels for one LSTM / GRU / SimpleRNN time step. */
export function recurrentKernels(addon: NativeAddon): RecurrentKernels {
  return {
    lstmSequenceForward(s) {
      const dims = sequenceDims(s);
      if (!dims) return jsBackend.lstmSequenceForward(s);
      addon.lstmSequenceForward(
        s.x,
        s.kernel,
        s.recurrentKernel,
        s.bias,
        s.mask,
        s.recurrentDropMask,
        s.gates,
        s.c,
        s.h,
        dims,
      );
    },
    lstmSequenceBackward(s, dStep, dh, dc, g) {
      const dims = sequenceDims(s);
      if (!dims) return jsBackend.lstmSequenceBackward(s, dStep, dh, dc, g);
      addon.lstmSequenceBackward(
        s.x,
        s.kernel,
        s.recurrentKernel,
        s.bias,
        s.mask,
        s.recurrentDropMask,
        s.gates,
        s.c,
        s.h,
        dims,
        dStep,
        dh,
        dc,
        g.dx,
        g.dKernel,
        g.dRecurrentKernel,
        g.dBias,
      );
    },
    gruSequenceForward(s) {
      const dims = sequenceDims(s);
      if (!dims) return jsBackend.gruSequenceForward(s);
      addon.gruSequenceForward(
        s.x,
        s.kernel,
        s.recurrentKernel,
        s.bias,
        s.mask,
        s.recurrentDropMask,
        s.gates,
        s.rec,
        s.h,
        dims,
      );
    },
    gruSequenceBackward(s, dStep, dh, g) {
      const dims = sequenceDims(s);
      if (!dims) return jsBackend.gruSequenceBackward(s, dStep, dh, g);
      addon.gruSequenceBackward(
        s.x,
        s.kernel,
        s.recurrentKernel,
        s.bias,
        s.mask,
        s.recurrentDropMask,
        s.gates,
        s.rec,
        s.h,
        dims,
        dStep,
        dh,
        g.dx,
        g.dKernel,
        g.dRecurrentKernel,
        g.dBias,
      );
    },
    lstmGatesForward(z, cPrev, hPrev, c, h, mask, batch, units, act, recAct) {
      const a = code(act),
        r = code(recAct);
      if (a === undefined || r === undefined)
        return jsBackend.lstmGatesForward(z, cPrev, hPrev, c, h, mask, batch, units, act, recAct);
      addon.lstmGatesForward(z, cPrev, hPrev, c, h, mask, batch, units, a, r);
    },
    lstmGatesBackward(gates, cPrev, c, dhNext, dOut, dcNext, dz, dhPrev, dcPrev, mask, batch, units, act, recAct) {
      const a = code(act),
        r = code(recAct);
      if (a === undefined || r === undefined) {
        return jsBackend.lstmGatesBackward(
          gates,
          cPrev,
          c,
          dhNext,
          dOut,
          dcNext,
          dz,
          dhPrev,
          dcPrev,
          mask,
          batch,
          units,
          act,
          recAct,
        );
      }
      addon.lstmGatesBackward(gates, cPrev, c, dhNext, dOut, dcNext, dz, dhPrev, dcPrev, mask, batch, units, a, r);
    },
    gruGatesForward(xg, rec, hPrev, h, mask, batch, units, act, recAct) {
      const a = code(act),
        r = code(recAct);
      if (a === undefined || r === undefined)
        return jsBackend.gruGatesForward(xg, rec, hPrev, h, mask, batch, units, act, recAct);
      addon.gruGatesForward(xg, rec, hPrev, h, mask, batch, units, a, r);
    },
    gruGatesBackward(gates, rec, hPrev, dhNext, dOut, dx, drec, dhPrev, mask, batch, units, act, recAct) {
      const a = code(act),
        r = code(recAct);
      if (a === undefined || r === undefined) {
        return jsBackend.gruGatesBackward(
          gates,
          rec,
          hPrev,
          dhNext,
          dOut,
          dx,
          drec,
          dhPrev,
          mask,
          batch,
          units,
          act,
          recAct,
        );
      }
      addon.gruGatesBackward(gates, rec, hPrev, dhNext, dOut, dx, drec, dhPrev, mask, batch, units, a, r);
    },
    gruResetForward(xg, recZR, hRec, rh, batch, units, recAct) {
      const r = code(recAct);
      if (r === undefined) return jsBackend.gruResetForward(xg, recZR, hRec, rh, batch, units, recAct);
      addon.gruResetForward(xg, recZR, hRec, rh, batch, units, r);
    },
    gruCandidateForward(xg, recH, hPrev, h, mask, batch, units, act) {
      const a = code(act);
      if (a === undefined) return jsBackend.gruCandidateForward(xg, recH, hPrev, h, mask, batch, units, act);
      addon.gruCandidateForward(xg, recH, hPrev, h, mask, batch, units, a);
    },
    gruCandidateBackward(gates, hPrev, dhNext, dOut, dzr, dah, dhPrev, mask, batch, units, act, recAct) {
      const a = code(act),
        r = code(recAct);
      if (a === undefined || r === undefined) {
        return jsBackend.gruCandidateBackward(
          gates,
          hPrev,
          dhNext,
          dOut,
          dzr,
          dah,
          dhPrev,
          mask,
          batch,
          units,
          act,
          recAct,
        );
      }
      addon.gruCandidateBackward(gates, hPrev, dhNext, dOut, dzr, dah, dhPrev, mask, batch, units, a, r);
    },
    gruResetBackward(gates, hRec, drh, dzr, dhRec, mask, batch, units, recAct) {
      const r = code(recAct);
      if (r === undefined) return jsBackend.gruResetBackward(gates, hRec, drh, dzr, dhRec, mask, batch, units, recAct);
      addon.gruResetBackward(gates, hRec, drh, dzr, dhRec, mask, batch, units, r);
    },
    rnnStepForward(z, hPrev, h, mask, batch, units, act) {
      const a = code(act);
      if (a === undefined) return jsBackend.rnnStepForward(z, hPrev, h, mask, batch, units, act);
      addon.rnnStepForward(z, hPrev, h, mask, batch, units, a);
    },
    rnnStepBackward(y, dhNext, dOut, dz, dhPrev, mask, batch, units, act) {
      const a = code(act);
      if (a === undefined) return jsBackend.rnnStepBackward(y, dhNext, dOut, dz, dhPrev, mask, batch, units, act);
      addon.rnnStepBackward(y, dhNext, dOut, dz, dhPrev, mask, batch, units, a);
    },
  };
}

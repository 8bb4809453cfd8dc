// Vector math for the generic build (flags from binding.gyp); see vmath_impl.h.
#include <cstdint>

#include "vmath.h"


namespace {
#include "vmath_impl.h"
#include "lstm_impl.h"
}  // namespace

namespace dn {
extern const VMath kVMath_generic = {vexp, vtanh, vsigmoid, vexp_shift_sum, lstm_row_forward, lstm_row_backward};
}  // namespace dn


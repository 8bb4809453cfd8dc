// Vector math for the avx512 build (flags from binding.gyp); see vmath_impl.h.
#include <cstdint>

#include "vmath.h"

#if defined(__x86_64__)
namespace {
#include "vmath_impl.h"
#include "lstm_impl.h"
}  // namespace

namespace dn {
extern const VMath kVMath_avx512 = {vexp, vtanh, vsigmoid, vexp_shift_sum, lstm_row_forward, lstm_row_backward};
}  // namespace dn
#endif

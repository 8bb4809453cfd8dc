// Broadcasting binary ops. Shapes are right-aligned, size-1 output dims dropped, and neighbouring
// dims merged when both operands broadcast them the same way, so most calls reduce to one or two
// dims whose innermost loop is same-shape, row-vector or scalar.
#include <cmath>

#include "kernels.h"

namespace dn {
namespace {

struct Add { static float f(float a, float b) { return a + b; } };
struct Sub { static float f(float a, float b) { return a - b; } };
struct Mul { static float f(float a, float b) { return a * b; } };
struct Div { static float f(float a, float b) { return a / b; } };
struct Pow { static float f(float a, float b) { return std::pow(a, b); } };
struct Max { static float f(float a, float b) { return a >= b ? a : b; } };
struct Min { static float f(float a, float b) { return a <= b ? a : b; } };
struct Eq { static float f(float a, float b) { return a == b ? 1.f : 0.f; } };
struct Ne { static float f(float a, float b) { return a != b ? 1.f : 0.f; } };
struct Gt { static float f(float a, float b) { return a > b ? 1.f : 0.f; } };
struct Ge { static float f(float a, float b) { return a >= b ? 1.f : 0.f; } };
struct Lt { static float f(float a, float b) { return a < b ? 1.f : 0.f; } };
struct Le { static float f(float a, float b) { return a <= b ? 1.f : 0.f; } };

struct Layout {
  int rank = 0;
  long dim[kMaxRank];
  long as[kMaxRank];  // element strides, 0 where broadcast
  long bs[kMaxRank];
};

Layout collapse(const int32_t* aShape, int aRank, const int32_t* bShape, int bRank, const int32_t* outShape, int outRank) {
  long dim[kMaxRank], ab[kMaxRank], bb[kMaxRank];  // ab/bb: 1 when the operand varies along the dim
  int r = 0;
  for (int d = 0; d < outRank; ++d) {
    const long od = outShape[d];
    if (od == 1) continue;
    const int ad = d - (outRank - aRank), bd = d - (outRank - bRank);
    dim[r] = od;
    ab[r] = (ad >= 0 && aShape[ad] != 1) ? 1 : 0;
    bb[r] = (bd >= 0 && bShape[bd] != 1) ? 1 : 0;
    if (r > 0 && ab[r] == ab[r - 1] && bb[r] == bb[r - 1]) {
      dim[r - 1] *= od;
    } else {
      ++r;
    }
  }
  Layout l;
  l.rank = r;
  long sa = 1, sb = 1;
  for (int d = r - 1; d >= 0; --d) {
    l.dim[d] = dim[d];
    l.as[d] = ab[d] ? sa : 0;
    l.bs[d] = bb[d] ? sb : 0;
    if (ab[d]) sa *= dim[d];
    if (bb[d]) sb *= dim[d];
  }
  return l;
}

template <class Op, class T>
void inner(const float* __restrict a, long sa, const float* __restrict b, long sb, T* __restrict out, long n) {
  if (sa == 1 && sb == 1) {
    for (long i = 0; i < n; ++i) out[i] = static_cast<T>(Op::f(a[i], b[i]));
  } else if (sa == 1) {
    const float bv = b[0];
    for (long i = 0; i < n; ++i) out[i] = static_cast<T>(Op::f(a[i], bv));
  } else if (sb == 1) {
    const float av = a[0];
    for (long i = 0; i < n; ++i) out[i] = static_cast<T>(Op::f(av, b[i]));
  } else {
    const T v = static_cast<T>(Op::f(a[0], b[0]));
    for (long i = 0; i < n; ++i) out[i] = v;
  }
}

template <class Op, class T>
void run(const float* a, const float* b, T* out, const Layout& l) {
  if (l.rank == 0) {
    out[0] = static_cast<T>(Op::f(a[0], b[0]));
    return;
  }
  const int last = l.rank - 1;
  const long n = l.dim[last];
  if (l.rank == 1) {
    // One merged dim (same shapes, or one side a scalar): a big one uses both cores' bandwidth.
    parallel_ranges(static_cast<size_t>(n), kParallelElements, [&](size_t lo, size_t hi) {
      const long o = static_cast<long>(lo);
      inner<Op, T>(a + o * l.as[0], l.as[0], b + o * l.bs[0], l.bs[0], out + o, static_cast<long>(hi - lo));
    });
    return;
  }
  long outer = 1;
  for (int d = 0; d < last; ++d) outer *= l.dim[d];
  long idx[kMaxRank] = {0};
  long ai = 0, bi = 0;
  for (long o = 0; o < outer; ++o) {
    inner<Op, T>(a + ai, l.as[last], b + bi, l.bs[last], out + o * n, n);
    for (int d = last - 1; d >= 0; --d) {
      ai += l.as[d];
      bi += l.bs[d];
      if (++idx[d] < l.dim[d]) break;
      ai -= l.as[d] * l.dim[d];
      bi -= l.bs[d] * l.dim[d];
      idx[d] = 0;
    }
  }
}

template <class Op>
void dispatch_out(const float* a, const float* b, void* out, bool outU8, const Layout& l) {
  if (outU8) run<Op, uint8_t>(a, b, static_cast<uint8_t*>(out), l);
  else run<Op, float>(a, b, static_cast<float*>(out), l);
}

}  // namespace

void binary(int op, const float* a, const int32_t* aShape, int aRank, const float* b, const int32_t* bShape, int bRank,
            void* out, bool outU8, const int32_t* outShape, int outRank) {
  const Layout l = collapse(aShape, aRank, bShape, bRank, outShape, outRank);
  switch (op) {
    case B_ADD: return dispatch_out<Add>(a, b, out, outU8, l);
    case B_SUB: return dispatch_out<Sub>(a, b, out, outU8, l);
    case B_MUL: return dispatch_out<Mul>(a, b, out, outU8, l);
    case B_DIV: return dispatch_out<Div>(a, b, out, outU8, l);
    case B_POW: return dispatch_out<Pow>(a, b, out, outU8, l);
    case B_MAXIMUM: return dispatch_out<Max>(a, b, out, outU8, l);
    case B_MINIMUM: return dispatch_out<Min>(a, b, out, outU8, l);
    case B_EQUAL: return dispatch_out<Eq>(a, b, out, outU8, l);
    case B_NOT_EQUAL: return dispatch_out<Ne>(a, b, out, outU8, l);
    case B_GREATER: return dispatch_out<Gt>(a, b, out, outU8, l);
    case B_GREATER_EQUAL: return dispatch_out<Ge>(a, b, out, outU8, l);
    case B_LESS: return dispatch_out<Lt>(a, b, out, outU8, l);
    case B_LESS_EQUAL: return dispatch_out<Le>(a, b, out, outU8, l);
    default: return;
  }
}

}  // namespace dn

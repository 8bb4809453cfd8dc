// Node-API bindings for GEMM, elementwise, reduction, data-movement, softmax and embedding
// kernels. Each binding unwraps its typed arrays in place (no copies), checks every size and code
// with the shared readers of napi_args.h (integers, overflow-safe products against the arrays'
// real lengths) so that a bad call throws instead of touching memory outside a buffer, and returns
// before the kernel when there is nothing to write: a zero next to a huge size must not start a
// loop over the huge one.
#include <cmath>
#include <cstring>

#include "bindings.h"
#include "kernels.h"
#include "napi_args.h"

namespace dn {
namespace {

napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info, "matmul");
  View A = a.f32(0, "a"), B = a.f32(1, "b"), C = a.f32(2, "out");
  const long m = a.size(3, "m"), n = a.size(4, "n"), k = a.size(5, "k");
  const bool tA = a.flag(6, "transA"), tB = a.flag(7, "transB");
  View bias = a.f32(8, "bias", true);
  const int act = a.code(9, "act", ACT_TANH + 1);
  const bool acc = a.flag(10, "accumulate");
  if (!a.ok() || !a.need(A, Count(m) * k, "a") || !a.need(B, Count(k) * n, "b") || !a.need(C, Count(m) * n, "out") ||
      !a.need_opt(bias, n, "bias"))
    return nullptr;
  if (Count(m).zero() || Count(n).zero()) return nullptr;  // nothing to write (and k may be anything)
  GemmArgs g{m, n, k,
             A.f32(), tA ? 1 : k, tA ? m : 1,
             B.f32(), tB ? 1 : n, tB ? k : 1,
             C.f32(), n, bias.f32(), act, acc};
  gemm(g);
  return nullptr;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info, "unary");
  const int op = a.code(0, "op", U_COUNT);
  View x = a.f32(1, "x"), out = a.typed(2, "out");
  const float alpha = static_cast<float>(a.num(3, "alpha"));
  if (!a.require(out.type != EL_I32, "out must be a Float32Array or Uint8Array") ||
      !a.require(out.type != EL_U8 || op == U_IS_NOT_FINITE, "a Uint8Array out needs the isNotFinite op") ||
      !a.need(out, x.length, "out"))
    return nullptr;
  if (out.type == EL_F32) unary_f32(op, x.f32(), out.f32(), x.length, alpha);
  else unary_to_u8(op, x.f32(), out.u8(), x.length, alpha);
  return nullptr;
}

napi_value UnaryGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, "unaryGrad");
  const int op = a.code(0, "op", U_COUNT);
  View x = a.f32(1, "x"), y = a.f32(2, "y"), dy = a.f32(3, "dy"), out = a.f32(4, "out");
  const float alpha = static_cast<float>(a.num(5, "alpha"));
  const size_t n = x.length;
  if (!a.ok() || !a.need(y, n, "y") || !a.need(dy, n, "dy") || !a.need(out, n, "out")) return nullptr;
  unary_grad(op, x.f32(), y.f32(), dy.f32(), out.f32(), n, alpha);
  return nullptr;
}

// The elements of a shape given as int32 dims; every dim must be non-negative.
Count shape_size(Args& a, const int32_t* dims, int rank, const char* name) {
  Count n = 1;
  for (int d = 0; d < rank; ++d) {
    if (dims[d] < 0) {
      a.fail("%s has a negative dimension %d at axis %d", name, dims[d], d);
      return n;
    }
    n = n * dims[d];
  }
  return n;
}

// An operand's shape broadcasts to the output's: right-aligned, each dim 1 or equal.
bool broadcasts(Args& a, const int32_t* s, int rank, const int32_t* os, int orank, const char* name) {
  for (int d = 0; d < rank; ++d) {
    const int32_t od = os[orank - rank + d];
    if (s[d] != 1 && s[d] != od)
      return a.fail("%s's dimension %d at axis %d does not broadcast to the output's %d", name, s[d], d, od);
  }
  return true;
}

// shapes: [aRank, bRank, outRank, aShape…, bShape…, outShape…] or null for equal-length operands.
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info, "binary");
  const int op = a.code(0, "op", B_COUNT);
  View A = a.f32(1, "a"), B = a.f32(2, "b"), out = a.typed(3, "out"), shapes = a.i32(4, "shapes", true);
  if (!a.require(out.type != EL_I32, "out must be a Float32Array or Uint8Array") ||
      !a.require(out.type != EL_U8 || op >= B_EQUAL, "a Uint8Array out needs a comparison op"))
    return nullptr;
  const bool u8 = out.type == EL_U8;
  if (!shapes.present) {
    if (!a.need(A, out.length, "a") || !a.need(B, out.length, "b")) return nullptr;
    if (out.length == 0) return nullptr;
    if (!a.require(out.length <= INT32_MAX, "out has more than 2^31 − 1 elements; pass shapes")) return nullptr;
    const int32_t len = static_cast<int32_t>(out.length);
    binary(op, A.f32(), &len, 1, B.f32(), &len, 1, out.data, u8, &len, 1);
    return nullptr;
  }
  if (!a.need(shapes, 3, "shapes")) return nullptr;
  const int32_t* s = shapes.i32();
  const int ar = s[0], br = s[1], orank = s[2];
  if (!a.require(ar >= 0 && br >= 0 && ar <= orank && br <= orank && orank <= kMaxRank,
                 "shapes has ranks a %d, b %d, out %d; each must be in [0, out's rank] and out's at most %d", ar, br, orank,
                 kMaxRank) ||
      !a.need(shapes, Count(3) + ar + br + orank, "shapes"))
    return nullptr;
  const int32_t *as = s + 3, *bs = as + ar, *os = bs + br;
  const Count na = shape_size(a, as, ar, "a's shape"), nb = shape_size(a, bs, br, "b's shape"),
              no = shape_size(a, os, orank, "out's shape");
  if (!broadcasts(a, as, ar, os, orank, "a") || !broadcasts(a, bs, br, os, orank, "b") || !a.need(A, na, "a") ||
      !a.need(B, nb, "b") || !a.need(out, no, "out"))
    return nullptr;
  if (no.zero()) return nullptr;
  binary(op, A.f32(), as, ar, B.f32(), bs, br, out.data, u8, os, orank);
  return nullptr;
}

napi_value ReduceSum(napi_env env, napi_callback_info info) {
  Args a(env, info, "reduceSum");
  View x = a.f32(0, "x");
  const long outer = a.size(1, "outer"), reduce = a.size(2, "reduce"), inner = a.size(3, "inner");
  View out = a.f32(4, "out");
  if (!a.ok() || !a.need(x, Count(outer) * reduce * inner, "x") || !a.need(out, Count(outer) * inner, "out")) return nullptr;
  if ((Count(outer) * inner).zero()) return nullptr;
  reduce_sum(x.f32(), outer, reduce, inner, out.f32());
  return nullptr;
}

napi_value ReduceMax(napi_env env, napi_callback_info info) {
  Args a(env, info, "reduceMax");
  View x = a.f32(0, "x");
  const long outer = a.size(1, "outer"), reduce = a.size(2, "reduce"), inner = a.size(3, "inner");
  View out = a.f32(4, "out"), arg = a.i32(5, "argmax", true);
  if (!a.ok() || !a.need(x, Count(outer) * reduce * inner, "x") || !a.need(out, Count(outer) * inner, "out") ||
      !a.need_opt(arg, Count(outer) * inner, "argmax") ||
      !a.require(reduce <= INT32_MAX, "reduce must be below 2^31 (argmax is int32), got %ld", reduce))
    return nullptr;
  if ((Count(outer) * inner).zero()) return nullptr;
  reduce_max(x.f32(), outer, reduce, inner, out.f32(), arg.present ? arg.i32() : nullptr);
  return nullptr;
}

size_t elem_bytes(const View& v) { return v.type == EL_U8 ? 1 : 4; }

// spec: [rank, shape…, perm…]; x and out have the same element type.
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info, "transpose");
  View x = a.typed(0, "x"), out = a.typed(1, "out"), spec = a.i32(2, "spec");
  if (!a.require(x.type == out.type, "x and out must have the same element type") || !a.need(spec, 1, "spec")) return nullptr;
  const int32_t* s = spec.i32();
  const int rank = s[0];
  if (!a.require(rank >= 0 && rank <= kMaxRank, "rank must be in [0, %d], got %d", kMaxRank, rank) ||
      !a.need(spec, Count(1) + Count(2) * rank, "spec"))
    return nullptr;
  const Count n = shape_size(a, s + 1, rank, "the shape");
  // perm must be a permutation of 0..rank−1: a repeated axis would read past the input.
  bool seen[kMaxRank] = {false};
  for (int d = 0; d < rank && !a.failed; ++d) {
    const int32_t p = s[1 + rank + d];
    if (p < 0 || p >= rank || seen[p]) a.fail("perm must be a permutation of 0..%d, got %d at position %d", rank - 1, p, d);
    else seen[p] = true;
  }
  if (!a.need(x, n, "x") || !a.need(out, n, "out")) return nullptr;
  if (n.zero()) return nullptr;
  transpose(x.data, elem_bytes(x), s + 1, s + 1 + rank, rank, out.data);
  return nullptr;
}

napi_value CopyBlock(napi_env env, napi_callback_info info) {
  Args a(env, info, "copyBlock");
  View x = a.typed(0, "x");
  const long outer = a.size(1, "outer"), inner = a.size(2, "inner");
  View out = a.typed(3, "out");
  const long outInner = a.size(4, "outInner"), offset = a.size(5, "offset");
  if (!a.require(x.type == out.type, "x and out must have the same element type") ||
      !a.require(!(Count(offset) + inner).bad && offset + inner <= outInner,
                 "offset %ld + inner %ld must fit in outInner %ld", offset, inner, outInner))
    return nullptr;
  if (outer == 0 || inner == 0) return nullptr;
  if (!a.need(x, Count(outer) * inner, "x") || !a.need(out, Count(outer - 1) * outInner + offset + inner, "out")) return nullptr;
  copy_block(x.data, elem_bytes(x), outer, inner, out.data, outInner, offset);
  return nullptr;
}

napi_value SliceBlock(napi_env env, napi_callback_info info) {
  Args a(env, info, "sliceBlock");
  View x = a.typed(0, "x");
  const long outer = a.size(1, "outer"), xInner = a.size(2, "xInner"), offset = a.size(3, "offset"), inner = a.size(4, "inner");
  View out = a.typed(5, "out");
  if (!a.require(x.type == out.type, "x and out must have the same element type") ||
      !a.require(!(Count(offset) + inner).bad && offset + inner <= xInner,
                 "offset %ld + inner %ld must fit in xInner %ld", offset, inner, xInner))
    return nullptr;
  if (outer == 0 || inner == 0) return nullptr;
  if (!a.need(x, Count(outer - 1) * xInner + offset + inner, "x") || !a.need(out, Count(outer) * inner, "out")) return nullptr;
  slice_block(x.data, elem_bytes(x), outer, xInner, offset, inner, out.data);
  return nullptr;
}

// JS's ToInt32 of Math.trunc(v): NaN and ±Infinity become 0, everything else wraps modulo 2^32.
int32_t to_int32(float v) {
  if (!std::isfinite(v)) return 0;
  const double t = std::trunc(static_cast<double>(v));
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

template <class S, class D>
void convert(const S* __restrict x, D* __restrict out, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<D>(x[i]);
}

napi_value Cast(napi_env env, napi_callback_info info) {
  Args a(env, info, "cast");
  View x = a.typed(0, "x"), out = a.typed(1, "out");
  if (!a.ok() || !a.need(out, x.length, "out")) return nullptr;
  const size_t n = x.length;
  if (n == 0) return nullptr;
  if (out.type == EL_U8) {
    uint8_t* o = out.u8();
    if (x.type == EL_F32) for (size_t i = 0; i < n; ++i) o[i] = x.f32()[i] != 0.f ? 1 : 0;
    else if (x.type == EL_I32) for (size_t i = 0; i < n; ++i) o[i] = x.i32()[i] != 0 ? 1 : 0;
    else for (size_t i = 0; i < n; ++i) o[i] = x.u8()[i] != 0 ? 1 : 0;
  } else if (out.type == EL_I32) {
    if (x.type == EL_F32) for (size_t i = 0; i < n; ++i) out.i32()[i] = to_int32(x.f32()[i]);
    else if (x.type == EL_I32) std::memcpy(out.data, x.data, n * 4);
    else convert(x.u8(), out.i32(), n);
  } else if (out.type == EL_F32) {
    if (x.type == EL_F32) std::memcpy(out.data, x.data, n * 4);
    else if (x.type == EL_I32) convert(x.i32(), out.f32(), n);
    else convert(x.u8(), out.f32(), n);
  }
  return nullptr;
}

napi_value SumSquares(napi_env env, napi_callback_info info) {
  Args a(env, info, "sumSquares");
  View x = a.f32(0, "x");
  if (!a.ok()) return nullptr;
  napi_value r;
  napi_create_double(env, sum_squares(x.f32(), x.length), &r);
  return r;
}

napi_value AllFinite(napi_env env, napi_callback_info info) {
  Args a(env, info, "allFinite");
  View x = a.f32(0, "x");
  if (!a.ok()) return nullptr;
  napi_value r;
  napi_get_boolean(env, all_finite(x.f32(), x.length), &r);
  return r;
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a(env, info, "softmax");
  View x = a.f32(0, "x"), out = a.f32(1, "out");
  const long rows = a.size(2, "rows"), cols = a.size(3, "cols");
  const Count n = Count(rows) * cols;
  if (!a.ok() || !a.need(x, n, "x") || !a.need(out, n, "out")) return nullptr;
  if (n.zero()) return nullptr;
  softmax(x.f32(), out.f32(), rows, cols);
  return nullptr;
}

napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, "softmaxGrad");
  View y = a.f32(0, "y"), dy = a.f32(1, "dy"), out = a.f32(2, "out");
  const long rows = a.size(3, "rows"), cols = a.size(4, "cols");
  const Count n = Count(rows) * cols;
  if (!a.ok() || !a.need(y, n, "y") || !a.need(dy, n, "dy") || !a.need(out, n, "out")) return nullptr;
  if (n.zero()) return nullptr;
  softmax_grad(y.f32(), dy.f32(), out.f32(), rows, cols);
  return nullptr;
}

napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info, "softmaxCrossEntropy");
  View logits = a.f32(0, "logits"), labels = a.f32(1, "labels");
  const long rows = a.size(2, "rows"), cols = a.size(3, "cols");
  View loss = a.f32(4, "loss"), grad = a.f32(5, "grad");
  const Count n = Count(rows) * cols;
  if (!a.ok() || !a.need(logits, n, "logits") || !a.need(labels, n, "labels") || !a.need(loss, rows, "loss") ||
      !a.need(grad, n, "grad"))
    return nullptr;
  if (rows == 0) return nullptr;
  softmax_cross_entropy(logits.f32(), labels.f32(), rows, cols, loss.f32(), grad.f32());
  return nullptr;
}

// Every index must name a row of a table with `rows` rows.
bool indices_in_range(Args& a, const View& idx, long rows) {
  const int32_t* p = idx.i32();
  for (size_t i = 0; i < idx.length; ++i)
    if (p[i] < 0 || p[i] >= rows)
      return a.require(false, "index %d at position %zu is out of range for a table of %ld rows", p[i], i, rows);
  return true;
}

napi_value Gather(napi_env env, napi_callback_info info) {
  Args a(env, info, "gather");
  View table = a.f32(0, "table");
  const long dim = a.size(1, "dim");
  View idx = a.i32(2, "indices"), out = a.f32(3, "out");
  if (!a.ok() || !a.need(out, Count(idx.length) * dim, "out")) return nullptr;
  if (idx.length == 0 || dim == 0) return nullptr;
  if (!indices_in_range(a, idx, static_cast<long>(table.length) / dim)) return nullptr;
  gather(table.f32(), dim, idx.i32(), static_cast<long>(idx.length), out.f32());
  return nullptr;
}

napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  Args a(env, info, "scatterAdd");
  View dy = a.f32(0, "dy");
  const long dim = a.size(1, "dim");
  View idx = a.i32(2, "indices"), dtable = a.f32(3, "dtable");
  if (!a.ok() || !a.need(dy, Count(idx.length) * dim, "dy")) return nullptr;
  if (idx.length == 0 || dim == 0) return nullptr;
  if (!indices_in_range(a, idx, static_cast<long>(dtable.length) / dim)) return nullptr;
  scatter_add(dy.f32(), dim, idx.i32(), static_cast<long>(idx.length), dtable.f32());
  return nullptr;
}

}  // namespace

void register_math(napi_env env, napi_value exports) {
  const Entry entries[] = {
      {"matmul", Matmul},       {"unary", Unary},         {"unaryGrad", UnaryGrad},   {"binary", Binary},
      {"reduceSum", ReduceSum}, {"reduceMax", ReduceMax}, {"transpose", Transpose},   {"copyBlock", CopyBlock},
      {"sliceBlock", SliceBlock}, {"cast", Cast},         {"sumSquares", SumSquares}, {"allFinite", AllFinite},
      {"softmax", Softmax},     {"softmaxGrad", SoftmaxGrad}, {"softmaxCrossEntropy", SoftmaxCrossEntropy},
      {"gather", Gather},       {"scatterAdd", ScatterAdd},
  };
  define(env, exports, entries, sizeof(entries) / sizeof(entries[0]));
}

}  // namespace dn

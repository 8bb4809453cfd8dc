// Node-API bindings for GEMM, elementwise, reduction, data-movement, softmax and embedding
// kernels. Each binding unwraps its typed arrays in place (no copies), checks sizes so that a bad
// call throws instead of corrupting memory, and runs the kernel on the caller's buffers.
#include <cmath>
#include <cstring>

#include "bindings.h"
#include "kernels.h"
#include "napi_args.h"

namespace dn {
namespace {

napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View A = a.f32(0), B = a.f32(1), C = a.f32(2);
  const long m = a.integer(3), n = a.integer(4), k = a.integer(5);
  const bool tA = a.flag(6), tB = a.flag(7);
  View bias = a.f32(8, true);
  const int act = static_cast<int>(a.integer(9));
  const bool acc = a.flag(10);
  if (!a.ok()) return nullptr;
  if (m < 0 || n < 0 || k < 0 || !a.need(A, m * k, "matmul: a is too small") || !a.need(B, k * n, "matmul: b is too small") ||
      !a.need(C, m * n, "matmul: out is too small") || (bias.data && !a.need(bias, n, "matmul: bias is too small")) ||
      !a.ok())
    return nullptr;
  GemmArgs g{m, n, k,
             A.f32(), tA ? 1 : k, tA ? m : 1,
             B.f32(), tB ? 1 : n, tB ? k : 1,
             C.f32(), n, bias.f32(), act, acc};
  gemm(g);
  return nullptr;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  View x = a.f32(1), out = a.typed(2);
  const float alpha = static_cast<float>(a.num(3));
  if (!a.ok() || !a.need(out, x.length, "unary: out is too small") || !a.ok()) return nullptr;
  if (out.type == EL_F32) unary_f32(op, x.f32(), out.f32(), x.length, alpha);
  else if (out.type == EL_U8) unary_to_u8(op, x.f32(), out.u8(), x.length, alpha);
  return nullptr;
}

napi_value UnaryGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  View x = a.f32(1), y = a.f32(2), dy = a.f32(3), out = a.f32(4);
  const float alpha = static_cast<float>(a.num(5));
  const size_t n = x.length;
  if (!a.ok() || !a.need(y, n, "unaryGrad: y is too small") || !a.need(dy, n, "unaryGrad: dy is too small") ||
      !a.need(out, n, "unaryGrad: out is too small") || !a.ok())
    return nullptr;
  unary_grad(op, x.f32(), y.f32(), dy.f32(), out.f32(), n, alpha);
  return nullptr;
}

// shapes: [aRank, bRank, outRank, aShape…, bShape…, outShape…] or null for equal-length operands.
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info);
  const int op = static_cast<int>(a.integer(0));
  View A = a.f32(1), B = a.f32(2), out = a.typed(3), shapes = a.i32(4, true);
  if (!a.ok()) return nullptr;
  const bool u8 = out.type == EL_U8;
  if (!shapes.data) {
    const int32_t len = static_cast<int32_t>(out.length);
    if (!a.need(A, out.length, "binary: a is too small") || !a.need(B, out.length, "binary: b is too small") || !a.ok())
      return nullptr;
    binary(op, A.f32(), &len, 1, B.f32(), &len, 1, out.data, u8, &len, 1);
    return nullptr;
  }
  const int32_t* s = shapes.i32();
  const int ar = s[0], br = s[1], orank = s[2];
  if (ar < 0 || br < 0 || orank < 0 || ar > orank || br > orank || orank > kMaxRank ||
      shapes.length < static_cast<size_t>(3 + ar + br + orank)) {
    a.error = "binary: bad shapes";
    a.ok();
    return nullptr;
  }
  const int32_t *as = s + 3, *bs = as + ar, *os = bs + br;
  size_t na = 1, nb = 1, no = 1;
  for (int d = 0; d < ar; ++d) na *= static_cast<size_t>(as[d]);
  for (int d = 0; d < br; ++d) nb *= static_cast<size_t>(bs[d]);
  for (int d = 0; d < orank; ++d) no *= static_cast<size_t>(os[d]);
  if (!a.need(A, na, "binary: a is too small") || !a.need(B, nb, "binary: b is too small") ||
      !a.need(out, no, "binary: out is too small") || !a.ok())
    return nullptr;
  if (no == 0) return nullptr;
  binary(op, A.f32(), as, ar, B.f32(), bs, br, out.data, u8, os, orank);
  return nullptr;
}

napi_value ReduceSum(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0);
  const long outer = a.integer(1), reduce = a.integer(2), inner = a.integer(3);
  View out = a.f32(4);
  if (!a.ok() || !a.need(x, outer * reduce * inner, "reduceSum: x is too small") ||
      !a.need(out, outer * inner, "reduceSum: out is too small") || !a.ok())
    return nullptr;
  reduce_sum(x.f32(), outer, reduce, inner, out.f32());
  return nullptr;
}

napi_value ReduceMax(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0);
  const long outer = a.integer(1), reduce = a.integer(2), inner = a.integer(3);
  View out = a.f32(4), arg = a.i32(5, true);
  if (!a.ok() || !a.need(x, outer * reduce * inner, "reduceMax: x is too small") ||
      !a.need(out, outer * inner, "reduceMax: out is too small") ||
      (arg.data && !a.need(arg, outer * inner, "reduceMax: argmax is too small")) || !a.ok())
    return nullptr;
  reduce_max(x.f32(), outer, reduce, inner, out.f32(), arg.i32());
  return nullptr;
}

size_t elem_bytes(const View& v) { return v.type == EL_U8 ? 1 : 4; }

// spec: [rank, shape…, perm…]; x and out have the same element type.
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.typed(0), out = a.typed(1), spec = a.i32(2);
  if (!a.ok()) return nullptr;
  const int32_t* s = spec.i32();
  const int rank = spec.length > 0 ? s[0] : -1;
  if (rank < 0 || rank > kMaxRank || spec.length < static_cast<size_t>(1 + 2 * rank) || x.type != out.type) {
    a.error = "transpose: bad arguments";
    a.ok();
    return nullptr;
  }
  size_t n = 1;
  for (int d = 0; d < rank; ++d) {
    n *= static_cast<size_t>(s[1 + d]);
    if (s[1 + rank + d] < 0 || s[1 + rank + d] >= rank) a.error = "transpose: bad permutation";
  }
  if (!a.need(x, n, "transpose: x is too small") || !a.need(out, n, "transpose: out is too small") || !a.ok()) return nullptr;
  if (n == 0) return nullptr;
  transpose(x.data, elem_bytes(x), s + 1, s + 1 + rank, rank, out.data);
  return nullptr;
}

napi_value CopyBlock(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.typed(0);
  const long outer = a.integer(1), inner = a.integer(2);
  View out = a.typed(3);
  const long outInner = a.integer(4), offset = a.integer(5);
  if (!a.ok()) return nullptr;
  if (x.type != out.type || offset < 0 || offset + inner > outInner) a.error = "copyBlock: bad arguments";
  if (outer <= 0 || inner <= 0) return a.ok(), nullptr;
  if (!a.need(x, outer * inner, "copyBlock: x is too small") ||
      !a.need(out, (outer - 1) * outInner + offset + inner, "copyBlock: out is too small") || !a.ok())
    return nullptr;
  copy_block(x.data, elem_bytes(x), outer, inner, out.data, outInner, offset);
  return nullptr;
}

napi_value SliceBlock(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.typed(0);
  const long outer = a.integer(1), xInner = a.integer(2), offset = a.integer(3), inner = a.integer(4);
  View out = a.typed(5);
  if (!a.ok()) return nullptr;
  if (x.type != out.type || offset < 0 || offset + inner > xInner) a.error = "sliceBlock: bad arguments";
  if (outer <= 0 || inner <= 0) return a.ok(), nullptr;
  if (!a.need(x, (outer - 1) * xInner + offset + inner, "sliceBlock: x is too small") ||
      !a.need(out, outer * inner, "sliceBlock: out is too small") || !a.ok())
    return nullptr;
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
  Args a(env, info);
  View x = a.typed(0), out = a.typed(1);
  if (!a.ok() || !a.need(out, x.length, "cast: out is too small") || !a.ok()) return nullptr;
  const size_t n = x.length;
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
  Args a(env, info);
  View x = a.f32(0);
  if (!a.ok()) return nullptr;
  napi_value r;
  napi_create_double(env, sum_squares(x.f32(), x.length), &r);
  return r;
}

napi_value AllFinite(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0);
  if (!a.ok()) return nullptr;
  napi_value r;
  napi_get_boolean(env, all_finite(x.f32(), x.length), &r);
  return r;
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), out = a.f32(1);
  const long rows = a.integer(2), cols = a.integer(3);
  if (!a.ok() || !a.need(x, rows * cols, "softmax: x is too small") || !a.need(out, rows * cols, "softmax: out is too small") ||
      !a.ok())
    return nullptr;
  softmax(x.f32(), out.f32(), rows, cols);
  return nullptr;
}

napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View y = a.f32(0), dy = a.f32(1), out = a.f32(2);
  const long rows = a.integer(3), cols = a.integer(4);
  const long n = rows * cols;
  if (!a.ok() || !a.need(y, n, "softmaxGrad: y is too small") || !a.need(dy, n, "softmaxGrad: dy is too small") ||
      !a.need(out, n, "softmaxGrad: out is too small") || !a.ok())
    return nullptr;
  softmax_grad(y.f32(), dy.f32(), out.f32(), rows, cols);
  return nullptr;
}

napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View logits = a.f32(0), labels = a.f32(1);
  const long rows = a.integer(2), cols = a.integer(3);
  View loss = a.f32(4), grad = a.f32(5);
  const long n = rows * cols;
  if (!a.ok() || !a.need(logits, n, "softmaxCrossEntropy: logits is too small") ||
      !a.need(labels, n, "softmaxCrossEntropy: labels is too small") || !a.need(loss, rows, "softmaxCrossEntropy: loss is too small") ||
      !a.need(grad, n, "softmaxCrossEntropy: grad is too small") || !a.ok())
    return nullptr;
  softmax_cross_entropy(logits.f32(), labels.f32(), rows, cols, loss.f32(), grad.f32());
  return nullptr;
}

napi_value Gather(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View table = a.f32(0);
  const long dim = a.integer(1);
  View idx = a.i32(2), out = a.f32(3);
  if (!a.ok() || !a.need(out, idx.length * dim, "gather: out is too small") || !a.ok()) return nullptr;
  const long rows = dim > 0 ? static_cast<long>(table.length) / dim : 0;
  for (size_t i = 0; i < idx.length; ++i)
    if (idx.i32()[i] < 0 || idx.i32()[i] >= rows) {
      a.error = "gather: index out of range";
      a.ok();
      return nullptr;
    }
  gather(table.f32(), dim, idx.i32(), static_cast<long>(idx.length), out.f32());
  return nullptr;
}

napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View dy = a.f32(0);
  const long dim = a.integer(1);
  View idx = a.i32(2), dtable = a.f32(3);
  if (!a.ok() || !a.need(dy, idx.length * dim, "scatterAdd: dy is too small") || !a.ok()) return nullptr;
  const long rows = dim > 0 ? static_cast<long>(dtable.length) / dim : 0;
  for (size_t i = 0; i < idx.length; ++i)
    if (idx.i32()[i] < 0 || idx.i32()[i] >= rows) {
      a.error = "scatterAdd: index out of range";
      a.ok();
      return nullptr;
    }
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

// Argument unpacking and checking for the raw C Node-API, shared by every binding. Each reader
// takes the argument's name, records the first failure as "<kernel>: <argument> <what is wrong>",
// and bindings check once and throw a single JS error. Sizes are validated as non-negative
// integers and multiplied as checked Counts, so a size check can never pass because the product
// wrapped around (2^32 · 2^32 is 0 in 64-bit arithmetic, not "large").
#pragma once
#include <node_api.h>

#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace dn {

enum ElemType : int { EL_F32 = 0, EL_I32 = 1, EL_U8 = 2, EL_OTHER = 3 };

struct View {
  void* data = nullptr;
  size_t length = 0;  // elements
  ElemType type = EL_OTHER;
  bool present = false;  // a typed array was passed (an empty one may still have null data)
  float* f32() const { return static_cast<float*>(data); }
  int32_t* i32() const { return static_cast<int32_t*>(data); }
  uint8_t* u8() const { return static_cast<uint8_t*>(data); }
};

// An element count computed from sizes: 64-bit, and once an operation overflows (or a negative
// value enters) it stays invalid, so whole expressions can be written plainly and checked once.
struct Count {
  uint64_t v = 0;
  bool bad = false;
  Count() = default;
  Count(long long x) : v(static_cast<uint64_t>(x)), bad(x < 0) {}
  Count(long x) : Count(static_cast<long long>(x)) {}
  Count(int x) : Count(static_cast<long long>(x)) {}
  Count(unsigned long x) : v(x) {}
  Count(unsigned long long x) : v(x) {}
  bool zero() const { return !bad && v == 0; }
};
inline Count operator*(Count a, Count b) {
  Count r;
  r.bad = a.bad || b.bad || __builtin_mul_overflow(a.v, b.v, &r.v);
  return r;
}
inline Count operator+(Count a, Count b) {
  Count r;
  r.bad = a.bad || b.bad || __builtin_add_overflow(a.v, b.v, &r.v);
  return r;
}

// The largest size a JS number carries exactly; larger ones are refused rather than rounded.
constexpr double kMaxSize = 9007199254740991.0;  // 2^53 − 1

constexpr size_t kMaxArgs = 20;

struct Args {
  napi_env env;
  const char* kernel;
  napi_value argv[kMaxArgs];
  size_t argc = kMaxArgs;
  bool failed = false;
  bool thrown = false;
  char msg[320] = {0};

  Args(napi_env e, napi_callback_info info, const char* kernelName) : env(e), kernel(kernelName) {
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) fail("could not read the arguments");
  }

  // Records the first failure; always returns false so checks can end with `return a.fail(...)`.
  bool fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    if (failed) return false;
    failed = true;
    int n = std::snprintf(msg, sizeof(msg), "%s: ", kernel);
    if (n < 0 || static_cast<size_t>(n) >= sizeof(msg)) n = 0;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg + n, sizeof(msg) - static_cast<size_t>(n), fmt, ap);
    va_end(ap);
    return false;
  }

  // A typed array argument; `nullable` accepts null or undefined (data stays null).
  View typed(size_t i, const char* name, bool nullable = false) {
    View v;
    if (failed) return v;
    if (i >= argc) {
      if (!nullable) fail("%s is missing (argument %zu)", name, i);
      return v;
    }
    napi_valuetype vt;
    napi_typeof(env, argv[i], &vt);
    if (nullable && (vt == napi_null || vt == napi_undefined)) return v;
    napi_typedarray_type t;
    napi_value ab;
    size_t off;
    bool isTyped = false;
    napi_is_typedarray(env, argv[i], &isTyped);
    if (!isTyped || napi_get_typedarray_info(env, argv[i], &t, &v.length, &v.data, &ab, &off) != napi_ok) {
      fail("%s must be a Float32Array, Int32Array or Uint8Array", name);
      return v;
    }
    v.present = true;
    v.type = t == napi_float32_array ? EL_F32 : t == napi_int32_array ? EL_I32 : t == napi_uint8_array ? EL_U8 : EL_OTHER;
    if (v.type == EL_OTHER) fail("%s must be a Float32Array, Int32Array or Uint8Array", name);
    // An empty typed array may have no backing store; kernels never dereference it (sizes are 0).
    return v;
  }

  View of_type(size_t i, const char* name, bool nullable, ElemType want, const char* typeName) {
    View v = typed(i, name, nullable);
    if (!failed && v.present && v.type != want) fail("%s must be a %s", name, typeName);
    return v;
  }
  View f32(size_t i, const char* name, bool nullable = false) { return of_type(i, name, nullable, EL_F32, "Float32Array"); }
  View i32(size_t i, const char* name, bool nullable = false) { return of_type(i, name, nullable, EL_I32, "Int32Array"); }
  View u8(size_t i, const char* name, bool nullable = false) { return of_type(i, name, nullable, EL_U8, "Uint8Array"); }

  double num(size_t i, const char* name) {
    double d = 0;
    if (failed) return d;
    if (i >= argc || napi_get_value_double(env, argv[i], &d) != napi_ok) fail("%s must be a number", name);
    return d;
  }

  // A size or index: an integer in [0, 2^53). Fractions, negatives, NaN and infinities are errors.
  long size(size_t i, const char* name) {
    const double d = num(i, name);
    if (failed) return 0;
    if (!(d >= 0 && d <= kMaxSize && std::floor(d) == d)) {
      fail("%s must be a non-negative integer, got %.17g", name, d);
      return 0;
    }
    return static_cast<long>(d);
  }

  // An enum code (an op or activation): an integer in [0, count).
  int code(size_t i, const char* name, int count) {
    const double d = num(i, name);
    if (failed) return 0;
    if (!(d >= 0 && d < count && std::floor(d) == d)) {
      fail("%s must be an integer code in [0, %d), got %.17g", name, count, d);
      return 0;
    }
    return static_cast<int>(d);
  }

  bool flag(size_t i, const char* name) {
    bool b = false;
    if (!failed && (i >= argc || napi_get_value_bool(env, argv[i], &b) != napi_ok)) fail("%s must be a boolean", name);
    return b;
  }

  // Throws (once) if anything failed; returns true when the binding may proceed.
  bool ok() {
    if (!failed) return true;
    // A TypeError, as for a wrong argument type: the call itself is malformed either way.
    if (!thrown) napi_throw_type_error(env, nullptr, msg);
    thrown = true;
    return false;
  }

  // `v` must hold at least `n` elements: the bounds check that keeps a wrong call from reading or
  // writing outside a buffer. Throws on failure, so bindings chain checks with || and return.
  bool need(const View& v, Count n, const char* name) {
    if (failed) return ok();
    if (n.bad) fail("the sizes given for %s overflow 64-bit arithmetic", name);
    else if (v.length < n.v)
      fail("%s has %zu elements, but the sizes given need %llu", name, v.length, static_cast<unsigned long long>(n.v));
    return ok();
  }
  // Optional buffers: null passes.
  bool need_opt(const View& v, Count n, const char* name) { return !v.present || need(v, n, name); }

  // A condition on the arguments; the message says what was expected.
  bool require(bool cond, const char* fmt, ...) __attribute__((format(printf, 3, 4))) {
    if (failed || cond) return ok();
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    fail("%s", detail);
    return ok();
  }
};

inline napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

}  // namespace dn

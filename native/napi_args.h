// Argument unpacking for the raw C Node-API. Each helper reads one argument and records the first
// failure in Args::error; bindings check it once and throw a single TypeError.
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>

namespace dn {

enum ElemType : int { EL_F32 = 0, EL_I32 = 1, EL_U8 = 2, EL_OTHER = 3 };

struct View {
  void* data = nullptr;
  size_t length = 0;  // elements
  ElemType type = EL_OTHER;
  float* f32() const { return static_cast<float*>(data); }
  int32_t* i32() const { return static_cast<int32_t*>(data); }
  uint8_t* u8() const { return static_cast<uint8_t*>(data); }
};

constexpr size_t kMaxArgs = 20;

struct Args {
  napi_env env;
  napi_value argv[kMaxArgs];
  size_t argc = kMaxArgs;
  const char* error = nullptr;
  bool thrown = false;

  Args(napi_env e, napi_callback_info info) : env(e) {
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok) error = "bad call";
  }

  bool has(size_t i) { return i < argc; }

  View typed(size_t i, bool nullable = false) {
    View v;
    if (error) return v;
    if (i >= argc) {
      if (!nullable) error = "missing typed array argument";
      return v;
    }
    napi_valuetype vt;
    napi_typeof(env, argv[i], &vt);
    if (nullable && (vt == napi_null || vt == napi_undefined)) return v;
    napi_typedarray_type t;
    napi_value ab;
    size_t off;
    if (napi_get_typedarray_info(env, argv[i], &t, &v.length, &v.data, &ab, &off) != napi_ok) {
      error = "expected a typed array";
      return v;
    }
    v.type = t == napi_float32_array ? EL_F32 : t == napi_int32_array ? EL_I32 : t == napi_uint8_array ? EL_U8 : EL_OTHER;
    return v;
  }

  View f32(size_t i, bool nullable = false) {
    View v = typed(i, nullable);
    if (!error && v.data && v.type != EL_F32) error = "expected a Float32Array";
    return v;
  }

  View i32(size_t i, bool nullable = false) {
    View v = typed(i, nullable);
    if (!error && v.data && v.type != EL_I32) error = "expected an Int32Array";
    return v;
  }

  View u8(size_t i, bool nullable = false) {
    View v = typed(i, nullable);
    if (!error && v.data && v.type != EL_U8) error = "expected a Uint8Array";
    return v;
  }

  double num(size_t i) {
    double d = 0;
    if (!error && (i >= argc || napi_get_value_double(env, argv[i], &d) != napi_ok)) error = "expected a number";
    return d;
  }

  long integer(size_t i) {
    int64_t v = 0;
    if (!error && (i >= argc || napi_get_value_int64(env, argv[i], &v) != napi_ok)) error = "expected an integer";
    return static_cast<long>(v);
  }

  bool flag(size_t i) {
    bool b = false;
    if (!error && (i >= argc || napi_get_value_bool(env, argv[i], &b) != napi_ok)) error = "expected a boolean";
    return b;
  }

  // Throws (once) if anything failed; returns true when the binding may proceed.
  bool ok() {
    if (!error) return true;
    if (!thrown) napi_throw_type_error(env, nullptr, error);
    thrown = true;
    return false;
  }

  // Bounds check that keeps a wrong call from writing outside a buffer; throws on failure, so
  // bindings can chain checks with || and return.
  bool need(const View& v, size_t elems, const char* what) {
    if (!error && v.length < elems) error = what;
    return ok();
  }
};

inline napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

}  // namespace dn

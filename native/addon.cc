// Module entry: registers the kernel bindings plus a few introspection calls (which SIMD family
// was picked, how many threads the pool uses) for the loader, tests and benchmarks.
#include <cstring>

#include "bindings.h"
#include "common.h"
#include "napi_args.h"

namespace dn {
namespace {

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, gemm_isa(), NAPI_AUTO_LENGTH, &s);
  return s;
}

napi_value ForceIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  char name[32] = {0};
  size_t len = 0;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof(name), &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "forceIsa: expected a string");
    return nullptr;
  }
  napi_value r;
  napi_get_boolean(env, gemm_force_isa(name), &r);
  return r;
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, pool_threads(), &r);
  return r;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, "setThreads");
  const long n = a.size(0, "n");
  if (!a.ok()) return nullptr;
  pool_set_threads(static_cast<int>(n < 1 ? 1 : n > 256 ? 256 : n));
  return nullptr;
}

// Bumped whenever a binding's arguments change, so the loader can refuse a stale build instead of
// calling it with arguments it would misread (NATIVE_ABI in src/backend/native/addon.ts).
constexpr int kAbi = 3;

napi_value Abi(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, kAbi, &r);
  return r;
}

napi_value PeakGflops(napi_env env, napi_callback_info info) {
  Args a(env, info, "peakGflops");
  const double seconds = a.num(0, "seconds");
  if (!a.ok()) return nullptr;
  napi_value r;
  napi_create_double(env, fma_peak_gflops(seconds > 0 && seconds < 10 ? seconds : 0.2), &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  const Entry entries[] = {
      {"isa", Isa}, {"forceIsa", ForceIsa}, {"threads", Threads}, {"setThreads", SetThreads}, {"peakGflops", PeakGflops}, {"abi", Abi},
  };
  define(env, exports, entries, sizeof(entries) / sizeof(entries[0]));
  register_math(env, exports);
  register_nn(env, exports);
  register_rnn(env, exports);
  return exports;
}

}  // namespace
}  // namespace dn

NAPI_MODULE_INIT() { return dn::Init(env, exports); }

// Registration helpers shared by the binding files.
#pragma once
#include <node_api.h>

#include <cstddef>

namespace dn {

struct Entry {
  const char* name;
  napi_callback fn;
};

inline void define(napi_env env, napi_value exports, const Entry* entries, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    napi_value f;
    napi_create_function(env, entries[i].name, NAPI_AUTO_LENGTH, entries[i].fn, nullptr, &f);
    napi_set_named_property(env, exports, entries[i].name, f);
  }
}

void register_math(napi_env env, napi_value exports);
void register_nn(napi_env env, napi_value exports);
void register_rnn(napi_env env, napi_value exports);

}  // namespace dn

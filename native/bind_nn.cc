// Node-API bindings for convolutions, pooling and the fused optimizer updates. Geometry arrives
// packed in an Int32Array (filled by the TypeScript side from its geometry object) so a call
// reads one typed array instead of sixteen object properties. Geometry is checked to be one that
// TensorFlow's paddings can produce, and every buffer against its overflow-checked size.
#include <cstring>
#include <initializer_list>

#include "bindings.h"
#include "kernels.h"
#include "napi_args.h"

namespace dn {
namespace {

// [batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups|multiplier]
const char* const kConvField[16] = {"batch",   "inH",     "inW",       "inC",       "outH",   "outW",    "outC", "kH",
                                    "kW",      "strideH", "strideW",   "dilationH", "dilationW", "padTop", "padLeft",
                                    "groups"};

// One spatial axis of a window geometry, as TensorFlow's 'valid' and 'same' paddings produce it:
// the leading pad is shorter than the (dilated) window, and the last window starts inside the
// input. Kernels size their padded buffers from these, so they must not be arbitrary.
bool window_axis(Args& a, const char* axis, long in, long out, long k, long stride, long dilation, long pad) {
  const long effective = (k - 1) * dilation + 1;
  if (pad >= effective)
    return a.require(false, "geometry's leading pad on %s (%ld) must be shorter than the window (%ld)", axis, pad, effective);
  if (out > 0 && (in == 0 || (out - 1) * stride > in - 1))
    return a.require(false, "geometry has %ld outputs on %s, more than an input of %ld with stride %ld allows", out, axis, in,
                     stride);
  return true;
}

bool read_conv(Args& a, size_t i, bool depthwise, ConvGeom& g) {
  View v = a.i32(i, "geometry");
  if (!a.need(v, 16, "geometry")) return false;
  const int32_t* s = v.i32();
  for (int k = 0; k < 16; ++k)
    if (s[k] < 0)
      return a.require(false, "geometry's %s must be non-negative, got %d", k == 15 && depthwise ? "multiplier" : kConvField[k],
                       s[k]);
  for (int k : {7, 8, 9, 10, 11, 12, 15})
    if (s[k] < 1)
      return a.require(false, "geometry's %s must be at least 1, got %d", k == 15 && depthwise ? "multiplier" : kConvField[k],
                       s[k]);
  g = ConvGeom{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], 1, 1};
  if (depthwise) {
    g.multiplier = s[15];
    g.outC = g.inC * g.multiplier;
  } else {
    g.groups = s[15];
    if (g.inC % g.groups != 0 || g.outC % g.groups != 0)
      return a.require(false, "geometry's groups (%ld) must divide inC (%ld) and outC (%ld)", g.groups, g.inC, g.outC);
  }
  return window_axis(a, "the height", g.inH, g.outH, g.kH, g.strideH, g.dilationH, g.padTop) &&
         window_axis(a, "the width", g.inW, g.outW, g.kW, g.strideW, g.dilationW, g.padLeft);
}

Count in_size(const ConvGeom& g) { return Count(g.batch) * g.inH * g.inW * g.inC; }
Count out_size(const ConvGeom& g) { return Count(g.batch) * g.outH * g.outW * g.outC; }
Count kernel_size(const ConvGeom& g) { return Count(g.kH) * g.kW * (g.inC / g.groups) * g.outC; }
Count dw_kernel_size(const ConvGeom& g) { return Count(g.kH) * g.kW * g.inC * g.multiplier; }

// A gradient that sums over nothing (no outputs, or no input pixels) is zero.
bool zero_if_empty(bool empty, const View& out, Count n) {
  if (empty && n.v > 0) std::memset(out.data, 0, n.v * sizeof(float));
  return empty;
}

napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args a(env, info, "conv2d");
  View x = a.f32(0, "x"), k = a.f32(1, "kernel"), bias = a.f32(2, "bias", true), out = a.f32(3, "out");
  ConvGeom g;
  if (!read_conv(a, 4, false, g)) return nullptr;
  const int act = a.code(5, "act", ACT_TANH + 1);
  if (!a.ok() || !a.need(x, in_size(g), "x") || !a.need(k, kernel_size(g), "kernel") || !a.need(out, out_size(g), "out") ||
      !a.need_opt(bias, g.outC, "bias"))
    return nullptr;
  if (out_size(g).zero()) return nullptr;
  if (!a.require(g.inC > 0, "geometry's inC must be at least 1 for a non-empty output")) return nullptr;
  conv2d(x.f32(), k.f32(), bias.present ? bias.f32() : nullptr, out.f32(), g, act);
  return nullptr;
}

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, "conv2dBackpropInput");
  View dy = a.f32(0, "dy"), k = a.f32(1, "kernel"), dx = a.f32(2, "dx");
  ConvGeom g;
  if (!read_conv(a, 3, false, g) || !a.need(dy, out_size(g), "dy") || !a.need(k, kernel_size(g), "kernel") ||
      !a.need(dx, in_size(g), "dx"))
    return nullptr;
  if (in_size(g).zero() || zero_if_empty(out_size(g).zero(), dx, in_size(g))) return nullptr;
  conv2d_backprop_input(dy.f32(), k.f32(), dx.f32(), g);
  return nullptr;
}

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, "conv2dBackpropFilter");
  View x = a.f32(0, "x"), dy = a.f32(1, "dy"), dk = a.f32(2, "dkernel");
  ConvGeom g;
  if (!read_conv(a, 3, false, g) || !a.need(x, in_size(g), "x") || !a.need(dy, out_size(g), "dy") ||
      !a.need(dk, kernel_size(g), "dkernel"))
    return nullptr;
  if (kernel_size(g).zero() || zero_if_empty(out_size(g).zero() || in_size(g).zero(), dk, kernel_size(g))) return nullptr;
  conv2d_backprop_filter(x.f32(), dy.f32(), dk.f32(), g);
  return nullptr;
}

napi_value DepthwiseConv2d(napi_env env, napi_callback_info info) {
  Args a(env, info, "depthwiseConv2d");
  View x = a.f32(0, "x"), k = a.f32(1, "kernel"), out = a.f32(2, "out");
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(x, in_size(g), "x") || !a.need(k, dw_kernel_size(g), "kernel") ||
      !a.need(out, out_size(g), "out"))
    return nullptr;
  if (out_size(g).zero()) return nullptr;
  depthwise_conv2d(x.f32(), k.f32(), out.f32(), g);
  return nullptr;
}

napi_value DepthwiseBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, "depthwiseConv2dBackpropInput");
  View dy = a.f32(0, "dy"), k = a.f32(1, "kernel"), dx = a.f32(2, "dx");
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(dy, out_size(g), "dy") || !a.need(k, dw_kernel_size(g), "kernel") ||
      !a.need(dx, in_size(g), "dx"))
    return nullptr;
  if (in_size(g).zero() || zero_if_empty(out_size(g).zero(), dx, in_size(g))) return nullptr;
  depthwise_backprop_input(dy.f32(), k.f32(), dx.f32(), g);
  return nullptr;
}

napi_value DepthwiseBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, "depthwiseConv2dBackpropFilter");
  View x = a.f32(0, "x"), dy = a.f32(1, "dy"), dk = a.f32(2, "dkernel");
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(x, in_size(g), "x") || !a.need(dy, out_size(g), "dy") ||
      !a.need(dk, dw_kernel_size(g), "dkernel"))
    return nullptr;
  if (dw_kernel_size(g).zero() || zero_if_empty(out_size(g).zero() || in_size(g).zero(), dk, dw_kernel_size(g)))
    return nullptr;
  depthwise_backprop_filter(x.f32(), dy.f32(), dk.f32(), g);
  return nullptr;
}

// [batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft]
const char* const kPoolField[12] = {"batch", "inH", "inW",     "channels", "outH",   "outW",
                                    "kH",    "kW",  "strideH", "strideW",  "padTop", "padLeft"};

bool read_pool(Args& a, size_t i, PoolGeom& g) {
  View v = a.i32(i, "geometry");
  if (!a.need(v, 12, "geometry")) return false;
  const int32_t* s = v.i32();
  for (int k = 0; k < 12; ++k)
    if (s[k] < 0) return a.require(false, "geometry's %s must be non-negative, got %d", kPoolField[k], s[k]);
  for (int k = 6; k < 10; ++k)
    if (s[k] < 1) return a.require(false, "geometry's %s must be at least 1, got %d", kPoolField[k], s[k]);
  // No window rule here: the kernels clamp every window to the input, so any padding is safe.
  g = PoolGeom{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]};
  return true;
}

Count pool_in(const PoolGeom& g) { return Count(g.batch) * g.inH * g.inW * g.channels; }
Count pool_out(const PoolGeom& g) { return Count(g.batch) * g.outH * g.outW * g.channels; }

napi_value MaxPool2d(napi_env env, napi_callback_info info) {
  Args a(env, info, "maxPool2d");
  View x = a.f32(0, "x"), out = a.f32(1, "out"), arg = a.i32(2, "argmax");
  PoolGeom g;
  if (!read_pool(a, 3, g) || !a.need(x, pool_in(g), "x") || !a.need(out, pool_out(g), "out") ||
      !a.need(arg, pool_out(g), "argmax") ||
      !a.require(pool_in(g).v <= INT32_MAX, "x has more than 2^31 − 1 elements, which int32 argmax cannot index"))
    return nullptr;
  if (pool_out(g).zero()) return nullptr;
  max_pool2d(x.f32(), out.f32(), arg.i32(), g);
  return nullptr;
}

napi_value MaxPool2dGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, "maxPool2dGrad");
  View dy = a.f32(0, "dy"), arg = a.i32(1, "argmax"), dx = a.f32(2, "dx");
  // The kernel skips argmax entries outside dx, so only the lengths need to agree.
  if (!a.ok() || !a.need(arg, dy.length, "argmax")) return nullptr;
  if (dx.length == 0) return nullptr;
  max_pool2d_grad(dy.f32(), arg.i32(), dy.length, dx.f32(), dx.length);
  return nullptr;
}

napi_value AvgPool2d(napi_env env, napi_callback_info info) {
  Args a(env, info, "avgPool2d");
  View x = a.f32(0, "x"), out = a.f32(1, "out");
  PoolGeom g;
  if (!read_pool(a, 2, g) || !a.need(x, pool_in(g), "x") || !a.need(out, pool_out(g), "out")) return nullptr;
  if (pool_out(g).zero()) return nullptr;
  avg_pool2d(x.f32(), out.f32(), g);
  return nullptr;
}

napi_value AvgPool2dGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, "avgPool2dGrad");
  View dy = a.f32(0, "dy"), dx = a.f32(1, "dx");
  PoolGeom g;
  if (!read_pool(a, 2, g) || !a.need(dy, pool_out(g), "dy") || !a.need(dx, pool_in(g), "dx")) return nullptr;
  if (pool_in(g).zero()) return nullptr;
  avg_pool2d_grad(dy.f32(), dx.f32(), g);
  return nullptr;
}

napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info, "sgdUpdate");
  View w = a.f32(0, "w"), g = a.f32(1, "g"), vel = a.f32(2, "velocity", true);
  const float lr = static_cast<float>(a.num(3, "lr")), momentum = static_cast<float>(a.num(4, "momentum"));
  const bool nesterov = a.flag(5, "nesterov");
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "g") || !a.need_opt(vel, n, "velocity")) return nullptr;
  if (n == 0) return nullptr;
  sgd_update(w.f32(), g.f32(), vel.present ? vel.f32() : nullptr, n, lr, momentum, nesterov);
  return nullptr;
}

napi_value RmspropUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info, "rmspropUpdate");
  View w = a.f32(0, "w"), g = a.f32(1, "g"), ms = a.f32(2, "ms"), mom = a.f32(3, "momentum slot", true);
  const float lr = static_cast<float>(a.num(4, "lr")), rho = static_cast<float>(a.num(5, "rho"));
  const float momentum = static_cast<float>(a.num(6, "momentum")), eps = static_cast<float>(a.num(7, "epsilon"));
  View sq = a.f32(8, "gradSquares", true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "g") || !a.need(ms, n, "ms") || !a.need_opt(mom, n, "momentum slot") ||
      !a.need_opt(sq, n, "gradSquares"))
    return nullptr;
  if (n == 0) return nullptr;
  rmsprop_update(w.f32(), g.f32(), ms.f32(), mom.present ? mom.f32() : nullptr, n, lr, rho, momentum, eps,
                 sq.present ? sq.f32() : nullptr);
  return nullptr;
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info, "adamUpdate");
  View w = a.f32(0, "w"), g = a.f32(1, "g"), m = a.f32(2, "m"), v = a.f32(3, "v"), vhat = a.f32(4, "vhat", true);
  const double lr = a.num(5, "lr"), b1 = a.num(6, "beta1"), b2 = a.num(7, "beta2"), eps = a.num(8, "epsilon");
  const double step = a.num(9, "step"), wd = a.num(10, "weightDecay");
  View sq = a.f32(11, "gradSquares", true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "g") || !a.need(m, n, "m") || !a.need(v, n, "v") || !a.need_opt(vhat, n, "vhat") ||
      !a.need_opt(sq, n, "gradSquares"))
    return nullptr;
  if (n == 0) return nullptr;
  adam_update(w.f32(), g.f32(), m.f32(), v.f32(), vhat.present ? vhat.f32() : nullptr, n, lr, b1, b2, eps, step, wd,
              sq.present ? sq.f32() : nullptr);
  return nullptr;
}

napi_value AdagradUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info, "adagradUpdate");
  View w = a.f32(0, "w"), g = a.f32(1, "g"), acc = a.f32(2, "acc");
  const float lr = static_cast<float>(a.num(3, "lr")), eps = static_cast<float>(a.num(4, "epsilon"));
  View sq = a.f32(5, "gradSquares", true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "g") || !a.need(acc, n, "acc") || !a.need_opt(sq, n, "gradSquares")) return nullptr;
  if (n == 0) return nullptr;
  adagrad_update(w.f32(), g.f32(), acc.f32(), n, lr, eps, sq.present ? sq.f32() : nullptr);
  return nullptr;
}

}  // namespace

void register_nn(napi_env env, napi_value exports) {
  const Entry entries[] = {
      {"conv2d", Conv2d},
      {"conv2dBackpropInput", Conv2dBackpropInput},
      {"conv2dBackpropFilter", Conv2dBackpropFilter},
      {"depthwiseConv2d", DepthwiseConv2d},
      {"depthwiseConv2dBackpropInput", DepthwiseBackpropInput},
      {"depthwiseConv2dBackpropFilter", DepthwiseBackpropFilter},
      {"maxPool2d", MaxPool2d},
      {"maxPool2dGrad", MaxPool2dGrad},
      {"avgPool2d", AvgPool2d},
      {"avgPool2dGrad", AvgPool2dGrad},
      {"sgdUpdate", SgdUpdate},
      {"rmspropUpdate", RmspropUpdate},
      {"adamUpdate", AdamUpdate},
      {"adagradUpdate", AdagradUpdate},
  };
  define(env, exports, entries, sizeof(entries) / sizeof(entries[0]));
}

}  // namespace dn

// Node-API bindings for convolutions, pooling and the fused optimizer updates. Geometry arrives
// packed in an Int32Array (filled by the TypeScript side from its geometry object) so a call
// reads one typed array instead of sixteen object properties.
#include "bindings.h"
#include "kernels.h"
#include "napi_args.h"

namespace dn {
namespace {

// [batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, groups|multiplier]
bool read_conv(Args& a, size_t i, bool depthwise, ConvGeom& g) {
  View v = a.i32(i);
  if (!a.ok()) return false;
  if (v.length < 16) {
    a.error = "conv: geometry needs 16 values";
    return a.ok();
  }
  const int32_t* s = v.i32();
  g = ConvGeom{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14], 1, 1};
  if (depthwise) {
    g.multiplier = s[15];
    g.outC = g.inC * g.multiplier;
  } else {
    g.groups = s[15];
  }
  for (int k = 0; k < 16; ++k)
    if (s[k] < 0) a.error = "conv: negative geometry";
  if (g.groups < 1 || g.multiplier < 1 || g.strideH < 1 || g.strideW < 1 || g.dilationH < 1 || g.dilationW < 1 ||
      g.inC % g.groups != 0 || g.outC % g.groups != 0)
    a.error = "conv: bad geometry";
  return a.ok();
}

size_t in_size(const ConvGeom& g) { return static_cast<size_t>(g.batch * g.inH * g.inW * g.inC); }
size_t out_size(const ConvGeom& g) { return static_cast<size_t>(g.batch * g.outH * g.outW * g.outC); }
size_t kernel_size(const ConvGeom& g) { return static_cast<size_t>(g.kH * g.kW * (g.inC / g.groups) * g.outC); }
size_t dw_kernel_size(const ConvGeom& g) { return static_cast<size_t>(g.kH * g.kW * g.inC * g.multiplier); }

napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), k = a.f32(1), bias = a.f32(2, true), out = a.f32(3);
  ConvGeom g;
  if (!read_conv(a, 4, false, g) || !a.need(x, in_size(g), "conv2d: x is too small") ||
      !a.need(k, kernel_size(g), "conv2d: kernel is too small") || !a.need(out, out_size(g), "conv2d: out is too small") ||
      (bias.data && !a.need(bias, g.outC, "conv2d: bias is too small")))
    return nullptr;
  const int act = static_cast<int>(a.integer(5));
  if (!a.ok()) return nullptr;
  if (act < ACT_LINEAR || act > ACT_TANH) {
    a.error = "conv2d: unknown activation";
    a.ok();
    return nullptr;
  }
  conv2d(x.f32(), k.f32(), bias.f32(), out.f32(), g, act);
  return nullptr;
}

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View dy = a.f32(0), k = a.f32(1), dx = a.f32(2);
  ConvGeom g;
  if (!read_conv(a, 3, false, g) || !a.need(dy, out_size(g), "conv2dBackpropInput: dy is too small") ||
      !a.need(k, kernel_size(g), "conv2dBackpropInput: kernel is too small") ||
      !a.need(dx, in_size(g), "conv2dBackpropInput: dx is too small"))
    return nullptr;
  conv2d_backprop_input(dy.f32(), k.f32(), dx.f32(), g);
  return nullptr;
}

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), dy = a.f32(1), dk = a.f32(2);
  ConvGeom g;
  if (!read_conv(a, 3, false, g) || !a.need(x, in_size(g), "conv2dBackpropFilter: x is too small") ||
      !a.need(dy, out_size(g), "conv2dBackpropFilter: dy is too small") ||
      !a.need(dk, kernel_size(g), "conv2dBackpropFilter: dkernel is too small"))
    return nullptr;
  conv2d_backprop_filter(x.f32(), dy.f32(), dk.f32(), g);
  return nullptr;
}

napi_value DepthwiseConv2d(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), k = a.f32(1), out = a.f32(2);
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(x, in_size(g), "depthwiseConv2d: x is too small") ||
      !a.need(k, dw_kernel_size(g), "depthwiseConv2d: kernel is too small") ||
      !a.need(out, out_size(g), "depthwiseConv2d: out is too small"))
    return nullptr;
  depthwise_conv2d(x.f32(), k.f32(), out.f32(), g);
  return nullptr;
}

napi_value DepthwiseBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View dy = a.f32(0), k = a.f32(1), dx = a.f32(2);
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(dy, out_size(g), "depthwiseConv2dBackpropInput: dy is too small") ||
      !a.need(k, dw_kernel_size(g), "depthwiseConv2dBackpropInput: kernel is too small") ||
      !a.need(dx, in_size(g), "depthwiseConv2dBackpropInput: dx is too small"))
    return nullptr;
  depthwise_backprop_input(dy.f32(), k.f32(), dx.f32(), g);
  return nullptr;
}

napi_value DepthwiseBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), dy = a.f32(1), dk = a.f32(2);
  ConvGeom g;
  if (!read_conv(a, 3, true, g) || !a.need(x, in_size(g), "depthwiseConv2dBackpropFilter: x is too small") ||
      !a.need(dy, out_size(g), "depthwiseConv2dBackpropFilter: dy is too small") ||
      !a.need(dk, dw_kernel_size(g), "depthwiseConv2dBackpropFilter: dkernel is too small"))
    return nullptr;
  depthwise_backprop_filter(x.f32(), dy.f32(), dk.f32(), g);
  return nullptr;
}

// [batch, inH, inW, channels, outH, outW, kH, kW, strideH, strideW, padTop, padLeft]
bool read_pool(Args& a, size_t i, PoolGeom& g) {
  View v = a.i32(i);
  if (!a.ok()) return false;
  if (v.length < 12) {
    a.error = "pool: geometry needs 12 values";
    return a.ok();
  }
  const int32_t* s = v.i32();
  g = PoolGeom{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11]};
  for (int k = 0; k < 12; ++k)
    if (s[k] < 0) a.error = "pool: negative geometry";
  return a.ok();
}

size_t pool_in(const PoolGeom& g) { return static_cast<size_t>(g.batch * g.inH * g.inW * g.channels); }
size_t pool_out(const PoolGeom& g) { return static_cast<size_t>(g.batch * g.outH * g.outW * g.channels); }

napi_value MaxPool2d(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), out = a.f32(1), arg = a.i32(2);
  PoolGeom g;
  if (!read_pool(a, 3, g) || !a.need(x, pool_in(g), "maxPool2d: x is too small") ||
      !a.need(out, pool_out(g), "maxPool2d: out is too small") || !a.need(arg, pool_out(g), "maxPool2d: argmax is too small"))
    return nullptr;
  max_pool2d(x.f32(), out.f32(), arg.i32(), g);
  return nullptr;
}

napi_value MaxPool2dGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View dy = a.f32(0), arg = a.i32(1), dx = a.f32(2);
  if (!a.ok() || !a.need(arg, dy.length, "maxPool2dGrad: argmax is too small")) return nullptr;
  max_pool2d_grad(dy.f32(), arg.i32(), dy.length, dx.f32(), dx.length);
  return nullptr;
}

napi_value AvgPool2d(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View x = a.f32(0), out = a.f32(1);
  PoolGeom g;
  if (!read_pool(a, 2, g) || !a.need(x, pool_in(g), "avgPool2d: x is too small") ||
      !a.need(out, pool_out(g), "avgPool2d: out is too small"))
    return nullptr;
  avg_pool2d(x.f32(), out.f32(), g);
  return nullptr;
}

napi_value AvgPool2dGrad(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View dy = a.f32(0), dx = a.f32(1);
  PoolGeom g;
  if (!read_pool(a, 2, g) || !a.need(dy, pool_out(g), "avgPool2dGrad: dy is too small") ||
      !a.need(dx, pool_in(g), "avgPool2dGrad: dx is too small"))
    return nullptr;
  avg_pool2d_grad(dy.f32(), dx.f32(), g);
  return nullptr;
}

napi_value SgdUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View w = a.f32(0), g = a.f32(1), vel = a.f32(2, true);
  const float lr = static_cast<float>(a.num(3)), momentum = static_cast<float>(a.num(4));
  const bool nesterov = a.flag(5);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "sgdUpdate: g is too small") || (vel.data && !a.need(vel, n, "sgdUpdate: velocity is too small")))
    return nullptr;
  sgd_update(w.f32(), g.f32(), vel.f32(), n, lr, momentum, nesterov);
  return nullptr;
}

napi_value RmspropUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View w = a.f32(0), g = a.f32(1), ms = a.f32(2), mom = a.f32(3, true);
  const float lr = static_cast<float>(a.num(4)), rho = static_cast<float>(a.num(5));
  const float momentum = static_cast<float>(a.num(6)), eps = static_cast<float>(a.num(7));
  View sq = a.f32(8, true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "rmspropUpdate: g is too small") || !a.need(ms, n, "rmspropUpdate: ms is too small") ||
      (mom.data && !a.need(mom, n, "rmspropUpdate: momentum slot is too small")) ||
      (sq.data && !a.need(sq, n, "rmspropUpdate: gradSquares is too small")))
    return nullptr;
  rmsprop_update(w.f32(), g.f32(), ms.f32(), mom.f32(), n, lr, rho, momentum, eps, sq.f32());
  return nullptr;
}

napi_value AdamUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View w = a.f32(0), g = a.f32(1), m = a.f32(2), v = a.f32(3), vhat = a.f32(4, true);
  const double lr = a.num(5), b1 = a.num(6), b2 = a.num(7), eps = a.num(8), step = a.num(9), wd = a.num(10);
  View sq = a.f32(11, true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "adamUpdate: g is too small") || !a.need(m, n, "adamUpdate: m is too small") ||
      !a.need(v, n, "adamUpdate: v is too small") || (vhat.data && !a.need(vhat, n, "adamUpdate: vhat is too small")) ||
      (sq.data && !a.need(sq, n, "adamUpdate: gradSquares is too small")))
    return nullptr;
  adam_update(w.f32(), g.f32(), m.f32(), v.f32(), vhat.f32(), n, lr, b1, b2, eps, step, wd, sq.f32());
  return nullptr;
}

napi_value AdagradUpdate(napi_env env, napi_callback_info info) {
  Args a(env, info);
  View w = a.f32(0), g = a.f32(1), acc = a.f32(2);
  const float lr = static_cast<float>(a.num(3)), eps = static_cast<float>(a.num(4));
  View sq = a.f32(5, true);
  const size_t n = w.length;
  if (!a.ok() || !a.need(g, n, "adagradUpdate: g is too small") || !a.need(acc, n, "adagradUpdate: acc is too small") ||
      (sq.data && !a.need(sq, n, "adagradUpdate: gradSquares is too small")))
    return nullptr;
  adagrad_update(w.f32(), g.f32(), acc.f32(), n, lr, eps, sq.f32());
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

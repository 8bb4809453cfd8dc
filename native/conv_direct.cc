// Direct convolution driver (NHWC input, HWIO kernel, groups = 1). One sample at a time is copied
// into a zero-padded buffer, so the tiles of conv_direct.h read every tap of every pixel at a fixed
// stride with no bounds checks and nothing is packed: with few channels (3 to 64, the notebook's
// CNNs) packing an implicit im2col cost the GEMM path as much as the arithmetic. The input
// gradient of a stride-1 convolution is itself a direct convolution of dy with the flipped,
// transposed kernel. Work is split across the pool in fixed ranges of samples (or of bands of
// output rows when samples are fewer than threads), so the filter gradient's per-part sums are
// added in the same order every run.
#include "conv_direct.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "kernels.h"

namespace dn {
namespace {

// The zero-padded input of one sample: rows of `rowStride` floats, pixel (ph, pw) at
// base + ph·rowStride + pw·C, covering every pixel any tap of any output reads.
struct Padded {
  const float* base;
  long rowStride;
};

long padded_h(const ConvGeom& g) { return (g.outH - 1) * g.strideH + (g.kH - 1) * g.dilationH + 1; }
long padded_w(const ConvGeom& g) { return (g.outW - 1) * g.strideW + (g.kW - 1) * g.dilationW + 1; }

Padded pad_sample(const float* xn, const ConvGeom& g) {
  const long C = g.inC, Hp = padded_h(g), Wp = padded_w(g);
  // Nothing to pad: read the sample where it is.
  if (g.padTop == 0 && g.padLeft == 0 && Hp <= g.inH && Wp <= g.inW) return {xn, g.inW * C};
  float* dst = scratch(2, static_cast<size_t>(Hp * Wp * C));
  const long w0 = std::min(Wp, std::max(0L, g.padLeft)), w1 = std::max(w0, std::min(Wp, g.inW + g.padLeft));
  for (long ph = 0; ph < Hp; ++ph) {
    float* row = dst + ph * Wp * C;
    const long ih = ph - g.padTop;
    if (ih < 0 || ih >= g.inH) {
      std::memset(row, 0, sizeof(float) * static_cast<size_t>(Wp * C));
      continue;
    }
    std::memset(row, 0, sizeof(float) * static_cast<size_t>(w0 * C));
    std::memcpy(row + w0 * C, xn + (ih * g.inW + (w0 - g.padLeft)) * C, sizeof(float) * static_cast<size_t>((w1 - w0) * C));
    std::memset(row + w1 * C, 0, sizeof(float) * static_cast<size_t>((Wp - w1) * C));
  }
  return {dst, Wp * C};
}

// The reduction split into runs of contiguous (tap, channel) indices: with dilationW = 1 the kW
// taps of one kernel row are adjacent pixels, so a kernel row is one run of kW·C values.
struct Run {
  long aOffset;  // into the padded sample, relative to the output pixel's first tap
  long row;      // first kernel row (index into the [kH·kW·C, outC] kernel matrix)
};

std::vector<Run> runs(const ConvGeom& g, long rowStride, long* len) {
  std::vector<Run> r;
  const long C = g.inC;
  if (g.dilationW == 1) {
    *len = g.kW * C;
    for (long kh = 0; kh < g.kH; ++kh) r.push_back({kh * g.dilationH * rowStride, kh * g.kW * C});
  } else {
    *len = C;
    for (long kh = 0; kh < g.kH; ++kh)
      for (long kw = 0; kw < g.kW; ++kw) r.push_back({kh * g.dilationH * rowStride + kw * g.dilationW * C, (kh * g.kW + kw) * C});
  }
  return r;
}

// Work goes to the pool in units of one sample's band of output rows: whole samples when there are
// at least as many samples as threads, otherwise bands, so that one image still uses every core.
// Each part takes a fixed, contiguous range of units.
struct Split {
  long parts = 1, bands = 1;
  // Units [u0, u1) of part p, and unit u's sample and rows [oh0, oh1).
  void units(long batch, long p, long* u0, long* u1) const {
    const long total = batch * bands, per = (total + parts - 1) / parts;
    *u0 = std::min(total, p * per);
    *u1 = std::min(total, *u0 + per);
  }
  void unit(long u, long outH, long* n, long* oh0, long* oh1) const {
    const long per = (outH + bands - 1) / bands, b = u % bands;
    *n = u / bands;
    *oh0 = std::min(outH, b * per);
    *oh1 = std::min(outH, *oh0 + per);
  }
};

Split split_for(const ConvGeom& g) {
  const long threads = pool_threads();
  const long work = g.batch * g.outH * g.outW * g.kH * g.kW * g.inC * g.outC;
  Split s;
  if (threads <= 1 || work < kParallelWork) return s;
  s.bands = g.batch >= threads ? 1 : std::min(g.outH, (threads + g.batch - 1) / g.batch);
  s.parts = std::min(threads, g.batch * s.bands);
  return s;
}

struct ForwardJob {
  const float *x, *kernel, *bias;
  float* out;
  const ConvGeom* g;
  Split split;
  int act;
};

// Output rows [oh0, oh1) of sample n, from its padded input.
void forward_rows(const ForwardJob& j, const Padded& p, long n, long oh0, long oh1) {
  const ConvGeom& g = *j.g;
  const DirectConvKernels& k = *direct_conv_kernels();
  const long C = g.inC, Co = g.outC, wide = k.lanes * k.nv, xs = g.strideW * C;
  long len;
  const std::vector<Run> rs = runs(g, p.rowStride, &len);
  std::vector<const float*> ap(rs.size()), bp(rs.size());
  for (long oh = oh0; oh < oh1; ++oh) {
    const float* rowBase = p.base + oh * g.strideH * p.rowStride;
    float* outRow = j.out + (n * g.outH + oh) * g.outW * Co;
    for (long j0 = 0; j0 < Co; j0 += wide) {
      const long cols = std::min(wide, Co - j0);
      for (long ow0 = 0; ow0 < g.outW; ow0 += k.mr) {
        const int rows = static_cast<int>(std::min<long>(k.mr, g.outW - ow0));
        for (size_t i = 0; i < rs.size(); ++i) {
          ap[i] = rowBase + rs[i].aOffset + ow0 * xs;
          bp[i] = j.kernel + rs[i].row * Co + j0;
        }
        k.forward(rows, ap.data(), bp.data(), static_cast<int>(rs.size()), len, xs, Co, outRow + ow0 * Co + j0, Co, cols,
                  j.bias ? j.bias + j0 : nullptr, j.act == ACT_RELU);
      }
    }
    // Sigmoid and tanh over the row just written, while it is in cache.
    if (j.act == ACT_SIGMOID || j.act == ACT_TANH) apply_act_block(outRow, Co, g.outW, Co, j.act);
  }
}

void forward_part(void* ctx, long part, int) {
  const ForwardJob& j = *static_cast<const ForwardJob*>(ctx);
  const ConvGeom& g = *j.g;
  long u0, u1;
  j.split.units(g.batch, part, &u0, &u1);
  for (long u = u0; u < u1; ++u) {
    long n, oh0, oh1;
    j.split.unit(u, g.outH, &n, &oh0, &oh1);
    if (oh0 < oh1) forward_rows(j, pad_sample(j.x + n * g.inH * g.inW * g.inC, g), n, oh0, oh1);
  }
}

struct FilterJob {
  const float *x, *dy;
  const ConvGeom* g;
  Split split;
  std::vector<float*> partial;  // per part, a zeroed [kH·kW·C, outC] sum
};

void filter_part(void* ctx, long part, int) {
  const FilterJob& j = *static_cast<const FilterJob*>(ctx);
  const ConvGeom& g = *j.g;
  const DirectConvKernels& k = *direct_conv_kernels();
  const long C = g.inC, Co = g.outC, wide = k.lanes * k.nv;
  float* dk = j.partial[static_cast<size_t>(part)];
  long u0, u1;
  j.split.units(g.batch, part, &u0, &u1);
  for (long u = u0; u < u1; ++u) {
    long n, oh0, oh1;
    j.split.unit(u, g.outH, &n, &oh0, &oh1);
    if (oh0 >= oh1) continue;
    const Padded p = pad_sample(j.x + n * g.inH * g.inW * C, g);
    const float* dyRows = j.dy + (n * g.outH + oh0) * g.outW * Co;
    const float* band = p.base + oh0 * g.strideH * p.rowStride;
    long len;
    for (const Run& r : runs(g, p.rowStride, &len)) {
      for (long q0 = 0; q0 < len; q0 += k.mr) {
        const int rows = static_cast<int>(std::min<long>(k.mr, len - q0));
        for (long j0 = 0; j0 < Co; j0 += wide) {
          k.filter(rows, band + r.aOffset + q0, g.strideH * p.rowStride, g.strideW * C, oh1 - oh0, g.outW, dyRows + j0, Co,
                   dk + (r.row + q0) * Co + j0, Co, std::min(wide, Co - j0));
        }
      }
    }
  }
}

// The zero-padded copy of a sample must stay near the sample's size. A dilation far wider than the
// input (legal with 'same' padding) would otherwise ask for gigabytes of zeros and crash when the
// allocation fails; the GEMM path reaches such taps through bounds checks instead. Computed in
// double so that no product of geometry values can overflow.
bool padded_fits(const ConvGeom& g) {
  const double padded = static_cast<double>(padded_h(g)) * static_cast<double>(padded_w(g)) * static_cast<double>(g.inC);
  const double sample = static_cast<double>(g.inH) * static_cast<double>(g.inW) * static_cast<double>(g.inC);
  return padded <= 16.0 * sample + static_cast<double>(1 << 20);
}

bool applies(const ConvGeom& g) {
  return direct_conv_kernels() != nullptr && g.groups == 1 && g.batch > 0 && g.outH > 0 && g.outW > 0 && padded_fits(g);
}

}  // namespace

bool conv2d_direct(const float* x, const float* kernel, const float* bias, float* out, const ConvGeom& g, int act) {
  if (!applies(g)) return false;
  ForwardJob j{x, kernel, bias, out, &g, split_for(g), act};
  if (j.split.parts == 1) forward_part(&j, 0, 0);
  else parallel_for(j.split.parts, forward_part, &j);
  return true;
}

bool conv2d_direct_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g) {
  // dx is dy convolved with the kernel flipped in space and with in/out channels swapped, padded
  // so that every input pixel sees each output its taps reached: valid for stride 1 only.
  const long padTop = (g.kH - 1) * g.dilationH - g.padTop, padLeft = (g.kW - 1) * g.dilationW - g.padLeft;
  if (!applies(g) || g.strideH != 1 || g.strideW != 1 || padTop < 0 || padLeft < 0 || g.inH <= 0 || g.inW <= 0) return false;
  const long C = g.inC, Co = g.outC;
  std::vector<float> flipped(static_cast<size_t>(g.kH * g.kW * C * Co));
  for (long kh = 0; kh < g.kH; ++kh)
    for (long kw = 0; kw < g.kW; ++kw)
      for (long c = 0; c < C; ++c)
        for (long o = 0; o < Co; ++o)
          flipped[static_cast<size_t>((((g.kH - 1 - kh) * g.kW + (g.kW - 1 - kw)) * Co + o) * C + c)] =
              kernel[((kh * g.kW + kw) * C + c) * Co + o];
  ConvGeom t = g;
  t.inH = g.outH; t.inW = g.outW; t.inC = Co;
  t.outH = g.inH; t.outW = g.inW; t.outC = C;
  t.padTop = padTop; t.padLeft = padLeft;
  return conv2d_direct(dy, flipped.data(), nullptr, dx, t, ACT_LINEAR);
}

// A filter-gradient tile streams the whole padded sample: past about half a core's L2 cache the
// packed GEMM, which blocks its reduction, is faster (Conv1D over 2,000 steps of 256 channels).
constexpr long kFilterSampleBytes = 512 * 1024;

bool conv2d_direct_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g) {
  if (!applies(g) || padded_h(g) * padded_w(g) * g.inC * static_cast<long>(sizeof(float)) > kFilterSampleBytes) return false;
  const size_t size = static_cast<size_t>(g.kH * g.kW * g.inC * g.outC);
  FilterJob j{x, dy, &g, split_for(g), {}};
  const long parts = j.split.parts;
  // Part 0 sums into dkernel itself; every other part into its own buffer, added in order after.
  std::vector<float> extra(static_cast<size_t>(parts - 1) * size, 0.f);
  std::memset(dkernel, 0, size * sizeof(float));
  j.partial.push_back(dkernel);
  for (long p = 1; p < parts; ++p) j.partial.push_back(extra.data() + static_cast<size_t>(p - 1) * size);
  if (parts == 1) filter_part(&j, 0, 0);
  else parallel_for(parts, filter_part, &j);
  for (long p = 1; p < parts; ++p)
    for (size_t i = 0; i < size; ++i) dkernel[i] += j.partial[static_cast<size_t>(p)][i];
  return true;
}

}  // namespace dn

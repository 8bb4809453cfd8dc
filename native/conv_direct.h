// Direct convolution tiles and the table that hands them to the ISA-independent driver
// (conv_direct.cc). The driver zero-pads one input sample into a scratch buffer; the tiles then
// read it in place, so nothing is packed: a forward tile keeps MR output pixels × up to NV·L
// output channels in registers and streams the taps, broadcasting input values and loading kernel
// rows; a filter-gradient tile keeps MR (tap·channel) rows × NV·L output channels of the kernel
// gradient in registers and streams every pixel of the sample.
#pragma once

namespace dn {

struct DirectConvKernels {
  int mr;     // most rows (output pixels, or tap·channel indices) per tile
  int lanes;  // floats per vector
  int nv;     // vectors per tile row: a tile covers up to lanes·nv output channels
  // c[r·ldc + j] = bias[j] + Σ_g Σ_q ap[g][r·rs + q] · bp[g][q·ldb + j], for r < rows, j < cols,
  // clamped at zero on the way out when relu is set.
  void (*forward)(int rows, const float* const* ap, const float* const* bp, int groups, long K, long rs, long ldb,
                  float* c, long ldc, long cols, const float* bias, bool relu);
  // c[r·ldc + j] += Σ_{y < H} Σ_{x < W} a[y·ys + x·xs + r] · dy[(y·W + x)·ldy + j], for r < rows, j < cols.
  void (*filter)(int rows, const float* a, long ys, long xs, long H, long W, const float* dy, long ldy, float* c,
                 long ldc, long cols);
};

}  // namespace dn

namespace dn {

struct ConvGeom;

// Direct NHWC convolution for groups == 1 on the selected SIMD family. Each returns false, doing
// nothing, where it does not apply (portable build, groups, or a geometry it does not cover) and
// the caller then takes the GEMM path.
// act is an Act code (common.h): relu is applied in the tiles, sigmoid and tanh after.
bool conv2d_direct(const float* x, const float* kernel, const float* bias, float* out, const ConvGeom& g, int act);
bool conv2d_direct_backprop_input(const float* dy, const float* kernel, float* dx, const ConvGeom& g);
bool conv2d_direct_backprop_filter(const float* x, const float* dy, float* dkernel, const ConvGeom& g);

}  // namespace dn

// The tiles of conv_direct.h written once over a vector traits type V (see the AVX-512 and AVX2
// translation units): V::reg, V::mask, V::L lanes, tail(n) for the first n lanes, load/store under
// a mask, bcast, fma, max, zero. Include only inside an anonymous namespace of a SIMD translation unit
// (see gemm_driver.h for why).

template <class V, int MR, int NV>
void direct_forward_tile(const float* const* ap, const float* const* bp, int groups, long K, long rs, long ldb,
                         float* c, long ldc, long cols, const float* bias, bool relu) {
  typename V::mask m[NV];
  typename V::reg acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) m[v] = V::tail(cols - V::L * v);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const typename V::reg b0 = bias ? V::load(m[v], bias + V::L * v) : V::zero();
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) acc[r][v] = b0;
  }
  for (int g = 0; g < groups; ++g) {
    const float* __restrict a = ap[g];
    const float* __restrict b = bp[g];
    for (long q = 0; q < K; ++q) {
      typename V::reg bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = V::load(m[v], b + q * ldb + V::L * v);
#pragma GCC unroll 12
      for (int r = 0; r < MR; ++r) {
        const typename V::reg av = V::bcast(a[r * rs + q]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = V::fma(av, bv[v], acc[r][v]);
      }
    }
  }
  // max(0, x) keeps NaN, as the reference relu does.
  const typename V::reg zero = V::zero();
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) V::store(m[v], c + r * ldc + V::L * v, relu ? V::max(zero, acc[r][v]) : acc[r][v]);
}

template <class V, int MR, int NV>
void direct_filter_tile(const float* a, long ys, long xs, long H, long W, const float* dy, long ldy, float* c, long ldc,
                        long cols) {
  typename V::mask m[NV];
  typename V::reg acc[MR][NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) m[v] = V::tail(cols - V::L * v);
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = V::load(m[v], c + r * ldc + V::L * v);
  for (long y = 0; y < H; ++y) {
    const float* __restrict ay = a + y * ys;
    const float* __restrict dyy = dy + y * W * ldy;
    for (long x = 0; x < W; ++x) {
      typename V::reg bv[NV];
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) bv[v] = V::load(m[v], dyy + x * ldy + V::L * v);
      const float* __restrict ax = ay + x * xs;
#pragma GCC unroll 12
      for (int r = 0; r < MR; ++r) {
        const typename V::reg av = V::bcast(ax[r]);
#pragma GCC unroll 4
        for (int v = 0; v < NV; ++v) acc[r][v] = V::fma(av, bv[v], acc[r][v]);
      }
    }
  }
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) V::store(m[v], c + r * ldc + V::L * v, acc[r][v]);
}

// Run-time row counts and widths onto the instantiations: rows 1..MRMAX, one vector or NVMAX.
template <class V, int MRMAX, int NVMAX>
struct DirectDispatch {
  template <int R>
  static void fwd_rows(int rows, bool narrow, const float* const* ap, const float* const* bp, int groups, long K,
                       long rs, long ldb, float* c, long ldc, long cols, const float* bias, bool relu) {
    if constexpr (R > 0) {
      if (rows != R) return fwd_rows<R - 1>(rows, narrow, ap, bp, groups, K, rs, ldb, c, ldc, cols, bias, relu);
      if (narrow) direct_forward_tile<V, R, 1>(ap, bp, groups, K, rs, ldb, c, ldc, cols, bias, relu);
      else direct_forward_tile<V, R, NVMAX>(ap, bp, groups, K, rs, ldb, c, ldc, cols, bias, relu);
    }
  }
  template <int R>
  static void filt_rows(int rows, bool narrow, const float* a, long ys, long xs, long H, long W, const float* dy,
                        long ldy, float* c, long ldc, long cols) {
    if constexpr (R > 0) {
      if (rows != R) return filt_rows<R - 1>(rows, narrow, a, ys, xs, H, W, dy, ldy, c, ldc, cols);
      if (narrow) direct_filter_tile<V, R, 1>(a, ys, xs, H, W, dy, ldy, c, ldc, cols);
      else direct_filter_tile<V, R, NVMAX>(a, ys, xs, H, W, dy, ldy, c, ldc, cols);
    }
  }
  static void forward(int rows, const float* const* ap, const float* const* bp, int groups, long K, long rs, long ldb,
                      float* c, long ldc, long cols, const float* bias, bool relu) {
    fwd_rows<MRMAX>(rows, cols <= V::L, ap, bp, groups, K, rs, ldb, c, ldc, cols, bias, relu);
  }
  static void filter(int rows, const float* a, long ys, long xs, long H, long W, const float* dy, long ldy, float* c,
                     long ldc, long cols) {
    filt_rows<MRMAX>(rows, cols <= V::L, a, ys, xs, H, W, dy, ldy, c, ldc, cols);
  }
};

// The blocked GEMM loop nest (Goto/BLIS style), written once and instantiated by each ISA's
// translation unit with its own micro-kernel. Include it only inside an anonymous namespace:
// every function here is then private to that translation unit, so code compiled with AVX-512
// flags can never be picked by the linker for a caller on a CPU without AVX-512.
//
// A Kernel type provides constexpr MR, NR, KC, MC, NC and
//   static void run(long kc, const float* Ap, const float* Bp, float* c, long ldc, int mr, int nr,
//                   bool loadC, const float* bias, bool relu)
// computing an MR×NR tile of which it writes only mr×nr.

inline long imin(long a, long b) { return a < b ? a : b; }

// Stands in for a window position that lies in the padding, so packing loops need no branch.
alignas(64) const float kZeros[4096] = {};

// Implicit im2col, rows = output pixels. Per kernel tap, each of the MR rows reads a contiguous
// channel run, so the panel is written MR floats at a time from MR streaming sources.
template <long MR>
void pack_a_conv(const dn::ConvA& cv, long i0, long mc, long p0, long kc, float* __restrict dst) {
  for (long ir = 0; ir < mc; ir += MR) {
    const long rows = imin(MR, mc - ir);
    float* __restrict d = dst + ir * kc;
    long ih0[MR], iw0[MR];
    const float* xn[MR];
    for (long r = 0; r < MR; ++r) {
      const long row = cv.row0 + i0 + ir + (r < rows ? r : 0);
      const long n = row / cv.P, pix = row % cv.P;
      ih0[r] = (pix / cv.outW) * cv.strideH - cv.padTop;
      iw0[r] = (pix % cv.outW) * cv.strideW - cv.padLeft;
      xn[r] = cv.x + n * cv.inSize;
    }
    long tap = (cv.k0 + p0) / cv.cPer, c = (cv.k0 + p0) % cv.cPer;
    for (long p = 0; p < kc; ++tap, c = 0) {
      const long run = imin(cv.cPer - c, kc - p);
      const long dh = (tap / cv.kW) * cv.dilationH, dw = (tap % cv.kW) * cv.dilationW;
      const float* src[MR];
      for (long r = 0; r < MR; ++r) {
        const long ih = ih0[r] + dh, iw = iw0[r] + dw;
        const bool inside = r < rows && ih >= 0 && ih < cv.inH && iw >= 0 && iw < cv.inW;
        src[r] = inside ? xn[r] + (ih * cv.inW + iw) * cv.inC + c : kZeros;
      }
      float* __restrict o = d + p * MR;
      if (run <= 4096) {
        for (long q = 0; q < run; ++q)
          for (long r = 0; r < MR; ++r) o[q * MR + r] = src[r][q];
      } else {  // a channel run longer than the zero block (cPer > 4096)
        for (long q = 0; q < run; ++q)
          for (long r = 0; r < MR; ++r) o[q * MR + r] = src[r] == kZeros ? 0.f : src[r][q];
      }
      p += run;
    }
  }
}

// Implicit im2col transposed: rows = tap·channel indices, columns = output pixels.
template <long MR, long KC>
void pack_a_conv_t(const dn::ConvA& cv, long i0, long mc, long p0, long kc, float* __restrict dst) {
  // Window corner and sample base of each of the kc pixels, decoded once for all panels.
  long ih0[KC], iw0[KC];
  const float* xn[KC];
  for (long p = 0; p < kc; ++p) {
    const long row = cv.row0 + p0 + p;
    const long n = row / cv.P, pix = row % cv.P;
    ih0[p] = (pix / cv.outW) * cv.strideH - cv.padTop;
    iw0[p] = (pix % cv.outW) * cv.strideW - cv.padLeft;
    xn[p] = cv.x + n * cv.inSize;
  }
  for (long ir = 0; ir < mc; ir += MR) {
    const long rows = imin(MR, mc - ir);
    float* __restrict d = dst + ir * kc;
    // Where each of the panel's MR tap·channel indices reads, relative to a pixel's window corner.
    long dh[MR], dw[MR], ch[MR];
    const long first = cv.k0 + i0 + ir;
    for (long r = 0; r < MR; ++r) {
      const long k = first + (r < rows ? r : 0);
      const long tap = k / cv.cPer;
      dh[r] = (tap / cv.kW) * cv.dilationH;
      dw[r] = (tap % cv.kW) * cv.dilationW;
      ch[r] = k % cv.cPer;
    }
    // A full panel inside one tap reads MR contiguous channels of one pixel.
    if (rows == MR && first / cv.cPer == (first + MR - 1) / cv.cPer) {
      for (long p = 0; p < kc; ++p) {
        const long ih = ih0[p] + dh[0], iw = iw0[p] + dw[0];
        float* __restrict o = d + p * MR;
        if (ih >= 0 && ih < cv.inH && iw >= 0 && iw < cv.inW) {
          const float* __restrict s = xn[p] + (ih * cv.inW + iw) * cv.inC + ch[0];
          for (long r = 0; r < MR; ++r) o[r] = s[r];
        } else {
          for (long r = 0; r < MR; ++r) o[r] = 0.f;
        }
      }
      continue;
    }
    for (long p = 0; p < kc; ++p) {
      float* __restrict o = d + p * MR;
      for (long r = 0; r < MR; ++r) {
        const long ih = ih0[p] + dh[r], iw = iw0[p] + dw[r];
        const bool inside = r < rows && ih >= 0 && ih < cv.inH && iw >= 0 && iw < cv.inW;
        o[r] = inside ? xn[p][(ih * cv.inW + iw) * cv.inC + ch[r]] : 0.f;
      }
    }
  }
}

// Ap[p*MR + r] = A(i0 + r, p0 + p), zero past the last row.
template <long MR, long KC>
void pack_a(const dn::GemmArgs& g, long i0, long mc, long p0, long kc, float* __restrict dst) {
  if (g.conv) {
    if (g.conv->transposed) pack_a_conv_t<MR, KC>(*g.conv, i0, mc, p0, kc, dst);
    else pack_a_conv<MR>(*g.conv, i0, mc, p0, kc, dst);
    return;
  }
  for (long ir = 0; ir < mc; ir += MR) {
    const long rows = imin(MR, mc - ir);
    float* __restrict d = dst + ir * kc;
    const float* src = g.a + (i0 + ir) * g.rsa + p0 * g.csa;
    if (g.rsa == 1) {
      // Transposed storage: each k step is MR contiguous floats.
      for (long p = 0; p < kc; ++p) {
        const float* s = src + p * g.csa;
        for (long r = 0; r < rows; ++r) d[p * MR + r] = s[r];
        for (long r = rows; r < MR; ++r) d[p * MR + r] = 0.f;
      }
    } else if (rows == MR && g.csa == 1) {
      for (long p = 0; p < kc; ++p)
        for (long r = 0; r < MR; ++r) d[p * MR + r] = src[r * g.rsa + p];
    } else {
      for (long p = 0; p < kc; ++p) {
        for (long r = 0; r < rows; ++r) d[p * MR + r] = src[r * g.rsa + p * g.csa];
        for (long r = rows; r < MR; ++r) d[p * MR + r] = 0.f;
      }
    }
  }
}

// Bp[p*NR + j] = B(p0 + p, j0 + j), zero past the last column.
template <long NR>
void pack_b(const dn::GemmArgs& g, long p0, long kc, long j0, long nc, float* __restrict dst) {
  for (long jr = 0; jr < nc; jr += NR) {
    const long cols = imin(NR, nc - jr);
    float* __restrict d = dst + jr * kc;
    const float* src = g.b + p0 * g.rsb + (j0 + jr) * g.csb;
    if (g.csb == 1 && cols == NR) {
      for (long p = 0; p < kc; ++p) {
        const float* s = src + p * g.rsb;
        for (long j = 0; j < NR; ++j) d[p * NR + j] = s[j];
      }
    } else if (g.rsb == 1) {
      // Transposed storage: walk each column contiguously.
      for (long j = 0; j < cols; ++j) {
        const float* s = src + j * g.csb;
        for (long p = 0; p < kc; ++p) d[p * NR + j] = s[p];
      }
      for (long p = 0; p < kc; ++p)
        for (long j = cols; j < NR; ++j) d[p * NR + j] = 0.f;
    } else {
      for (long p = 0; p < kc; ++p) {
        for (long j = 0; j < cols; ++j) d[p * NR + j] = src[p * g.rsb + j * g.csb];
        for (long j = cols; j < NR; ++j) d[p * NR + j] = 0.f;
      }
    }
  }
}

// Serial driver for a problem with k >= 1.
template <class K>
void drive(const dn::GemmArgs& g) {
  constexpr long MR = K::MR, NR = K::NR, KC = K::KC, MC = K::MC, NC = K::NC;
  const long kcMax = imin(KC, g.k);
  const long ncMax = imin(NC, ((g.n + NR - 1) / NR) * NR);
  const long mcMax = imin(MC, ((g.m + MR - 1) / MR) * MR);
  float* bp = dn::scratch(0, static_cast<size_t>(kcMax * ncMax));
  float* ap = dn::scratch(1, static_cast<size_t>(kcMax * mcMax));
  const bool relu = g.act == dn::ACT_RELU;
  for (long jc = 0; jc < g.n; jc += NC) {
    const long nc = imin(NC, g.n - jc);
    for (long pc = 0; pc < g.k; pc += KC) {
      const long kc = imin(KC, g.k - pc);
      const bool first = pc == 0;
      const bool last = pc + kc == g.k;
      pack_b<NR>(g, pc, kc, jc, nc, bp);
      for (long ic = 0; ic < g.m; ic += MC) {
        const long mc = imin(MC, g.m - ic);
        pack_a<MR, KC>(g, ic, mc, pc, kc, ap);
        for (long jr = 0; jr < nc; jr += NR) {
          const int nr = static_cast<int>(imin(NR, nc - jr));
          const float* bias = (last && g.bias) ? g.bias + jc + jr : nullptr;
          for (long ir = 0; ir < mc; ir += MR) {
            const int mr = static_cast<int>(imin(MR, mc - ir));
            K::run(kc, ap + ir * kc, bp + jr * kc, g.c + (ic + ir) * g.ldc + jc + jr, g.ldc, mr, nr,
                   !first || g.accumulate, bias, last && relu);
          }
        }
      }
    }
  }
  if (g.act == dn::ACT_SIGMOID || g.act == dn::ACT_TANH) dn::apply_act_block(g.c, g.ldc, g.m, g.n, g.act);
}

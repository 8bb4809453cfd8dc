// Unpacked AVX-512 GEMM for small problems (a Dense layer of a small MLP, one LSTM time step).
// At these sizes (0.1–1 MFLOP) packing both operands costs as much as the product, so the tile
// reads A straight from the caller's array (row-major or transposed, broadcast per element) and
// B's rows straight from memory (row-major B) or from one small transposed copy (transposed B).
// Column tails use masked loads and stores, row tails a narrower instantiation, so nothing reads
// past either operand. A call runs on one thread (gemm() may give each thread a slice of rows or
// columns above the pool threshold). Include only inside an anonymous
// namespace of an AVX-512 translation unit (see gemm_driver.h).

// Rows per tile: 12×32 keeps 24 accumulators, 2 B vectors and a broadcast in 32 registers.
constexpr int kSmallMR = 12;

inline __mmask16 small_mask(long cols) {
  if (cols >= 16) return static_cast<__mmask16>(0xFFFF);
  return static_cast<__mmask16>((1u << (cols < 0 ? 0 : cols)) - 1u);
}

// C[MR×nr] (op)= A[MR×k]·B[k×nr] + bias. TA: A(r,p) = a[p*lda + r], else a[r*lda + p].
template <int MR, int NV, bool TA>
void small_tile(long k, const float* __restrict a, long lda, const float* __restrict b, long ldb, float* c, long ldc,
                long nr, bool loadC, const float* bias, bool relu) {
  __mmask16 mask[NV];
  __m512 acc[MR][NV];
#pragma GCC unroll 2
  for (int v = 0; v < NV; ++v) mask[v] = small_mask(nr - 16 * v);
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  for (long p = 0; p < k; ++p) {
    __m512 bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], b + p * ldb + 16 * v);
    const float* ap = TA ? a + p * lda : a + p;
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_set1_ps(TA ? ap[r] : ap[r * lda]);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  __m512 bb[NV];
#pragma GCC unroll 2
  for (int v = 0; v < NV; ++v) bb[v] = bias ? _mm512_maskz_loadu_ps(mask[v], bias + 16 * v) : _mm512_setzero_ps();
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) {
    float* row = c + r * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      __m512 x = _mm512_add_ps(acc[r][v], bb[v]);
      if (loadC) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask[v], row + 16 * v));
      if (relu) x = _mm512_max_ps(zero, x);  // max(0, x) keeps NaN, as the reference relu does
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], x);
    }
  }
}

typedef void (*SmallTileFn)(long, const float*, long, const float*, long, float*, long, long, bool, const float*, bool);

// Table of tiles by row count (index mr - 1), so a row tail needs no padding or bounds checks.
template <int NV, bool TA, int... R>
constexpr std::array<SmallTileFn, sizeof...(R)> small_tiles(std::integer_sequence<int, R...>) {
  return {&small_tile<R + 1, NV, TA>...};
}

// k is cut into blocks of kSmallKC so that a block's A rows and B panel stay in L2 when k is long
// (a weight gradient summed over every time step); the first block writes C, later ones add.
constexpr long kSmallKC = 256;

template <int NV, bool TA>
void small_blocks(const dn::GemmArgs& g, const float* b, long ldb) {
  static constexpr auto tiles = small_tiles<NV, TA>(std::make_integer_sequence<int, kSmallMR>{});
  const long lda = TA ? g.csa : g.rsa;
  for (long p0 = 0; p0 < g.k; p0 += kSmallKC) {
    const long kc = g.k - p0 < kSmallKC ? g.k - p0 : kSmallKC;
    const bool last = p0 + kc == g.k;
    const bool loadC = g.accumulate || p0 > 0;
    const bool relu = last && g.act == dn::ACT_RELU;
    const float* bk = b + p0 * ldb;
    const float* ak = g.a + p0 * g.csa;
    // Rows outside, columns inside: the 12 A rows stay in L1 while the B panel is swept.
    for (long i0 = 0; i0 < g.m; i0 += kSmallMR) {
      const long mr = g.m - i0 < kSmallMR ? g.m - i0 : kSmallMR;
      const float* a = ak + i0 * g.rsa;
      for (long j0 = 0; j0 < g.n; j0 += 16 * NV) {
        const long nr = g.n - j0 < 16 * NV ? g.n - j0 : 16 * NV;
        const float* bias = last && g.bias ? g.bias + j0 : nullptr;
        tiles[mr - 1](kc, a, lda, bk + j0, ldb, g.c + i0 * g.ldc + j0, g.ldc, nr, loadC, bias, relu);
      }
    }
  }
}

// True when the unpacked path is the faster one: no implicit im2col, a unit stride on one side of
// A and of B, and either a short k (B's k×32 panel in L1, any number of rows) or few rows and
// columns (a long k is then blocked). Bigger products amortise packing and go to the blocked GEMM.
inline bool small_fits(const dn::GemmArgs& g) {
  if (g.conv || (g.csa != 1 && g.rsa != 1) || (g.csb != 1 && g.rsb != 1)) return false;
  if (g.csb != 1 && g.k * g.n > (1L << 16)) return false;  // the transposed copy of B stays small
  return g.n <= 256 && (g.k <= kSmallKC || g.m <= 128);
}

void small_gemm(const dn::GemmArgs& g) {
  const float* b = g.b;
  long ldb = g.rsb;
  if (g.csb != 1) {
    // Transposed B (B(p,j) = b[j*k + p]): one k×n row-major copy, O(k·n) against O(m·k·n) work.
    ldb = (g.n + 15) & ~15L;
    float* t = dn::scratch(0, static_cast<size_t>(g.k * ldb));
    for (long j = 0; j < g.n; ++j) {
      const float* s = g.b + j * g.csb;
      for (long p = 0; p < g.k; ++p) t[p * ldb + j] = s[p * g.rsb];
    }
    b = t;
  }
  const bool ta = g.csa != 1;
  if (g.n <= 16) ta ? small_blocks<1, true>(g, b, ldb) : small_blocks<1, false>(g, b, ldb);
  else ta ? small_blocks<2, true>(g, b, ldb) : small_blocks<2, false>(g, b, ldb);
  if (g.act == dn::ACT_SIGMOID || g.act == dn::ACT_TANH) dn::apply_act_block(g.c, g.ldc, g.m, g.n, g.act);
}

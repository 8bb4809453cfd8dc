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
    // A long k streams B from memory on the first row block: fetch a few rows ahead.
    _mm_prefetch(reinterpret_cast<const char*>(b + (p + 8) * ldb), _MM_HINT_T0);
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
// Rows per chunk (10 tiles): a chunk of A, k × 120 floats, stays in L2 across the column sweep.
constexpr long kSmallMC = 120;

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
    // Row chunks outside, then columns, then the chunk's row blocks: a k×32 B panel stays in L1
    // while a chunk of A (in L2) streams past it, however many columns B has.
    for (long ic = 0; ic < g.m; ic += kSmallMC) {
      const long iEnd = ic + kSmallMC < g.m ? ic + kSmallMC : g.m;
      for (long j0 = 0; j0 < g.n; j0 += 16 * NV) {
        const long nr = g.n - j0 < 16 * NV ? g.n - j0 : 16 * NV;
        const float* bias = last && g.bias ? g.bias + j0 : nullptr;
        for (long i0 = ic; i0 < iEnd; i0 += kSmallMR) {
          const long mr = iEnd - i0 < kSmallMR ? iEnd - i0 : kSmallMR;
          float* c = g.c + i0 * g.ldc + j0;
          tiles[mr - 1](kc, ak + i0 * g.rsa, lda, bk + j0, ldb, c, g.ldc, nr, loadC, bias, relu);
        }
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

// In-register 16×16 transpose: r[i] holds row i on entry and column i on return.
inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    r[4 * i + 0] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);
    t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);
    t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
    t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
  }
  for (int i = 0; i < 8; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
    r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);
  }
}

// t[p*ldb + j] = b[j*ldt + p] for p < k, j < n, in 16×16 register blocks: an element-wise copy
// with a strided side costs ~3 cycles an element, as much as the product at k = n = 32.
void transpose_b(const float* b, long ldt, long k, long n, float* t, long ldb) {
  const __m512 zero = _mm512_setzero_ps();
  for (long j0 = 0; j0 < n; j0 += 16) {
    const long jn = n - j0 < 16 ? n - j0 : 16;
    const __mmask16 jmask = small_mask(jn);
    for (long p0 = 0; p0 < k; p0 += 16) {
      const long pn = k - p0 < 16 ? k - p0 : 16;
      const __mmask16 pmask = small_mask(pn);
      __m512 r[16];
      for (int q = 0; q < 16; ++q) r[q] = q < jn ? _mm512_maskz_loadu_ps(pmask, b + (j0 + q) * ldt + p0) : zero;
      transpose16(r);
      for (int q = 0; q < pn; ++q) _mm512_mask_storeu_ps(t + (p0 + q) * ldb + j0, jmask, r[q]);
    }
  }
}

void small_gemm(const dn::GemmArgs& g) {
  const float* b = g.b;
  long ldb = g.rsb;
  if (g.csb != 1) {
    // Transposed B (B(p,j) = b[j*k + p]): one k×n row-major copy, O(k·n) against O(m·k·n) work.
    ldb = (g.n + 15) & ~15L;
    float* t = dn::scratch(0, static_cast<size_t>(g.k * ldb));
    transpose_b(g.b, g.csb, g.k, g.n, t, ldb);
    b = t;
  }
  const bool ta = g.csa != 1;
  if (g.n <= 16) ta ? small_blocks<1, true>(g, b, ldb) : small_blocks<1, false>(g, b, ldb);
  else ta ? small_blocks<2, true>(g, b, ldb) : small_blocks<2, false>(g, b, ldb);
  if (g.act == dn::ACT_SIGMOID || g.act == dn::ACT_TANH) dn::apply_act_block(g.c, g.ldc, g.m, g.n, g.act);
}

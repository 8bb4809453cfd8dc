// Declarations shared by every kernel family. Kernels take raw pointers into the caller's typed
// arrays and never allocate on the JS heap; scratch memory comes from per-thread buffers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dn {

// An im2col matrix that is never materialised: the GEMM packs its panels straight from the NHWC
// input. Row r is output pixel r (all samples, row0 onwards); column p is kernel tap p / cPer,
// channel p % cPer (offset by the group's first channel, already applied to x). When transposed,
// rows and columns swap roles (A(i, p) = im2col(p, i)), which is what the filter gradient needs.
struct ConvA {
  const float* x;
  long inH, inW, inC, inSize;  // inC is the pixel stride (all groups' channels)
  long outW, P;                // P = outH * outW output pixels per sample
  long kW, cPer;
  long strideH, strideW, dilationH, dilationW, padTop, padLeft;
  long row0;  // first output pixel (A's row 0, or A's column 0 when transposed)
  long k0;    // first tap·channel index (A's column 0, or A's row 0 when transposed)
  bool transposed;
};

// Matches the codes the TypeScript side passes (src/backend/native/codes.ts).
enum Act : int { ACT_LINEAR = 0, ACT_RELU = 1, ACT_SIGMOID = 2, ACT_TANH = 3 };

// C[m×n] (row stride ldc) = act(A·B + bias) (+ C when accumulate). Operands are described by
// element strides, so transposes are just swapped strides and are absorbed by the packing step:
// A(i,p) = a[i*rsa + p*csa], B(p,j) = b[p*rsb + j*csb].
struct GemmArgs {
  long m, n, k;
  const float* a; long rsa, csa;
  const float* b; long rsb, csb;
  float* c; long ldc;
  const float* bias;  // n values or null
  int act;
  bool accumulate;
  const ConvA* conv = nullptr;  // when set, A is this implicit im2col matrix and a/rsa/csa are unused
};

// Threaded above a work threshold, otherwise on the calling thread.
void gemm(const GemmArgs& g);
// Always on the calling thread (for callers that already split work across the pool).
void gemm_serial(const GemmArgs& g);
// Which micro-kernel family was selected at load time ("avx512", "avx2" or "generic").
const char* gemm_isa();
// Forces a family (for tests and benchmarks); returns false if the CPU lacks it.
bool gemm_force_isa(const char* name);
// One core's FMA throughput with the selected family's vectors (0 for the portable build), the
// ceiling that benchmarks report achieved GFLOP/s against.
double fma_peak_gflops(double seconds);

// The selected family's direct convolution tiles (conv_direct.h), or null for the portable build.
struct DirectConvKernels;
const DirectConvKernels* direct_conv_kernels();

// Applies sigmoid/tanh to an m×n block (relu is fused into the micro-kernels).
void apply_act_block(float* c, long ldc, long m, long n, int act);

// Thread pool. Tasks run on the calling thread plus workers; fn must not throw.
typedef void (*TaskFn)(void* ctx, long task, int thread);
int pool_threads();
void pool_set_threads(int n);
void parallel_for(long tasks, TaskFn fn, void* ctx);
// Smallest amount of multiply-adds (or equivalent) for which waking workers pays off.
constexpr long kParallelWork = 1L << 22;

// Elements from which a memory-bound elementwise pass is split across the pool: below it the
// wake-up costs more than the second core's share of the bandwidth brings.
constexpr size_t kParallelElements = size_t{1} << 20;

// Runs fn(begin, end) over [0, n): in one contiguous part per pool thread when n ≥ grain·threads
// and there is more than one thread, otherwise once on the calling thread. Parts are fixed by n and
// the thread count, so results never depend on scheduling.
template <class F>
void parallel_ranges(size_t n, size_t grain, const F& fn) {
  const long threads = pool_threads();
  if (threads <= 1 || n < grain * static_cast<size_t>(threads)) {
    fn(size_t{0}, n);
    return;
  }
  struct Ctx {
    const F* fn;
    size_t n, per;
  } ctx{&fn, n, (n + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads)};
  parallel_for(threads, [](void* c, long t, int) {
    const Ctx& x = *static_cast<const Ctx*>(c);
    const size_t b = static_cast<size_t>(t) * x.per, e = b + x.per < x.n ? b + x.per : x.n;
    if (b < e) (*x.fn)(b, e);
  }, &ctx);
}

// 64-byte aligned per-thread scratch; slot selects one of a few independent buffers.
float* scratch(int slot, size_t floats);

}  // namespace dn

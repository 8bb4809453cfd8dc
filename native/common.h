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

// 64-byte aligned per-thread scratch; slot selects one of a few independent buffers.
float* scratch(int slot, size_t floats);

}  // namespace dn

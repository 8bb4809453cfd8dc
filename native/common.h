// Declarations shared by every kernel family. Kernels take raw pointers into the caller's typed
// arrays and never allocate on the JS heap; scratch memory comes from per-thread buffers.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dn {

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

// Applies sigmoid/tanh to an m×n block (relu is fused into the micro-kernels).
void apply_act_block(float* c, long ldc, long m, long n, int act);

// Thread pool. Tasks run on the calling thread plus workers; fn must not throw.
typedef void (*TaskFn)(void* ctx, long task, int thread);
int pool_threads();
void pool_set_threads(int n);
void parallel_for(long tasks, TaskFn fn, void* ctx);
// Smallest amount of multiply-adds (or equivalent) for which waking workers pays off.
constexpr long kParallelWork = 1L << 21;

// 64-byte aligned per-thread scratch; slot selects one of a few independent buffers.
float* scratch(int slot, size_t floats);

}  // namespace dn

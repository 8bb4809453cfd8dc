// GEMM entry point: picks the micro-kernel family for this CPU once, handles k = 0, and splits big
// problems across the pool along the larger output dimension (each part packs its own panels).
#include <chrono>
#include <cmath>
#include <cstring>

#include "common.h"
#include "conv_direct.h"
#include "vmath.h"

namespace dn {

void gemm_generic(const GemmArgs& g);
#if defined(__x86_64__)
void gemm_avx512(const GemmArgs& g);
void gemm_avx2(const GemmArgs& g);
double fma_peak_avx512(long iters);
double fma_peak_avx2(long iters);
extern const VMath kVMath_avx512;
extern const VMath kVMath_avx2;
extern const DirectConvKernels kDirectConv_avx512;
extern const DirectConvKernels kDirectConv_avx2;
#endif
extern const VMath kVMath_generic;

namespace {

typedef void (*GemmFn)(const GemmArgs&);

// A SIMD family: its GEMM, its tile (to align thread splits), its vector math and its direct
// convolution tiles (none for the portable build, which convolves through the GEMM).
struct Isa {
  const char* name;
  GemmFn fn;
  long mr, nr;
  const VMath* vm;
  const DirectConvKernels* conv;
};

bool cpu_has(const char* name) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  if (std::strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return std::strcmp(name, "generic") == 0;
}

Isa make_isa(const char* name) {
#if defined(__x86_64__)
  if (std::strcmp(name, "avx512") == 0) return {"avx512", gemm_avx512, 12, 32, &kVMath_avx512, &kDirectConv_avx512};
  if (std::strcmp(name, "avx2") == 0) return {"avx2", gemm_avx2, 6, 16, &kVMath_avx2, &kDirectConv_avx2};
#endif
  return {"generic", gemm_generic, 4, 16, &kVMath_generic, nullptr};
}

Isa detect() {
  static const char* const preference[] = {"avx512", "avx2"};
  for (const char* n : preference)
    if (cpu_has(n)) return make_isa(n);
  return make_isa("generic");
}

Isa& isa() {
  static Isa chosen = detect();
  return chosen;
}

void fill_epilogue_only(const GemmArgs& g) {
  // k = 0: the product is zero, so only bias and activation remain.
  if (g.accumulate) return;
  for (long i = 0; i < g.m; ++i) {
    float* row = g.c + i * g.ldc;
    for (long j = 0; j < g.n; ++j) {
      float v = g.bias ? g.bias[j] : 0.f;
      if (g.act == ACT_RELU && v < 0.f) v = 0.f;
      row[j] = v;
    }
  }
  apply_act_block(g.c, g.ldc, g.m, g.n, g.act);
}

struct Split {
  const GemmArgs* g;
  long parts, chunk;
  bool alongN;
};

void run_part(void* ctx, long t, int) {
  const Split& s = *static_cast<const Split*>(ctx);
  GemmArgs p = *s.g;
  const long begin = t * s.chunk;
  const long total = s.alongN ? p.n : p.m;
  if (begin >= total) return;
  const long len = (begin + s.chunk > total ? total : begin + s.chunk) - begin;
  ConvA conv{};
  if (s.alongN) {
    p.n = len;
    p.b += begin * p.csb;
    p.c += begin;
    if (p.bias) p.bias += begin;
  } else if (p.conv) {
    // Implicit im2col: a row offset moves through output pixels, or through taps when transposed.
    conv = *p.conv;
    p.m = len;
    if (conv.transposed) conv.k0 += begin;
    else conv.row0 += begin;
    p.conv = &conv;
    p.c += begin * p.ldc;
  } else {
    p.m = len;
    p.a += begin * p.rsa;
    p.c += begin * p.ldc;
  }
  isa().fn(p);
}

}  // namespace

const char* gemm_isa() { return isa().name; }

const VMath& vmath() { return *isa().vm; }

const DirectConvKernels* direct_conv_kernels() { return isa().conv; }

double fma_peak_gflops(double seconds) {
  double (*probe)(long) = nullptr;
#if defined(__x86_64__)
  if (std::strcmp(isa().name, "avx512") == 0) probe = fma_peak_avx512;
  else if (std::strcmp(isa().name, "avx2") == 0) probe = fma_peak_avx2;
#endif
  if (!probe) return 0;
  // Best of short rounds, so a context switch in one round does not count.
  double best = 0;
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  do {
    const auto t0 = std::chrono::steady_clock::now();
    const double flops = probe(200000);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (dt > 0 && flops / dt / 1e9 > best) best = flops / dt / 1e9;
  } while (std::chrono::steady_clock::now() < end);
  return best;
}

bool gemm_force_isa(const char* name) {
  if (!cpu_has(name)) return false;
  isa() = make_isa(name);
  return true;
}

void gemm_serial(const GemmArgs& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) return fill_epilogue_only(g);
  isa().fn(g);
}

void gemm(const GemmArgs& g) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0) return fill_epilogue_only(g);
  const int threads = pool_threads();
  const long work = g.m * g.n * g.k;
  if (threads <= 1 || work < kParallelWork) return isa().fn(g);
  const Isa& is = isa();
  Split s{&g, threads, 0, g.n >= g.m};
  const long total = s.alongN ? g.n : g.m;
  const long align = s.alongN ? is.nr : is.mr;
  const long tiles = (total + align - 1) / align;
  if (tiles < 2) return is.fn(g);
  const long per = (tiles + threads - 1) / threads;
  s.chunk = per * align;
  s.parts = (total + s.chunk - 1) / s.chunk;
  parallel_for(s.parts, run_part, &s);
}

void apply_act_block(float* c, long ldc, long m, long n, int act) {
  if (act != ACT_SIGMOID && act != ACT_TANH) return;
  const VMath& vm = vmath();
  for (long i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (act == ACT_SIGMOID) vm.sigmoid(row, row, n);
    else vm.tanh(row, row, n);
  }
}

}  // namespace dn

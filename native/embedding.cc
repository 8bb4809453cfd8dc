// Embedding lookup and its gradient (rows of a table selected by index).
#include <cstring>

#include "kernels.h"

namespace dn {

namespace {

// Rows are fetched this many lookups ahead: a shuffled batch gathered from a table bigger than
// the caches is one DRAM miss per line, and without prefetches only the few rows in the
// out-of-order window overlap (a 128-row batch from a 100,000-row table took ~25 µs).
constexpr long kAhead = 8;

inline void prefetch_row(const float* row, long dim, int write) {
  const char* p = reinterpret_cast<const char*>(row);
  for (long off = 0; off < dim * static_cast<long>(sizeof(float)); off += 64) {
    if (write) __builtin_prefetch(p + off, 1, 3);
    else __builtin_prefetch(p + off, 0, 3);
  }
}

}  // namespace

void gather(const float* table, long dim, const int32_t* idx, long count, float* out) {
  for (long i = 0; i < count && i < kAhead; ++i) prefetch_row(table + static_cast<long>(idx[i]) * dim, dim, 0);
  for (long i = 0; i < count; ++i) {
    if (i + kAhead < count) prefetch_row(table + static_cast<long>(idx[i + kAhead]) * dim, dim, 0);
    std::memcpy(out + i * dim, table + static_cast<long>(idx[i]) * dim, static_cast<size_t>(dim) * sizeof(float));
  }
}

void scatter_add(const float* dy, long dim, const int32_t* idx, long count, float* dtable) {
  for (long i = 0; i < count && i < kAhead; ++i) prefetch_row(dtable + static_cast<long>(idx[i]) * dim, dim, 1);
  for (long i = 0; i < count; ++i) {
    if (i + kAhead < count) prefetch_row(dtable + static_cast<long>(idx[i + kAhead]) * dim, dim, 1);
    float* __restrict dst = dtable + static_cast<long>(idx[i]) * dim;
    const float* __restrict src = dy + i * dim;
    for (long j = 0; j < dim; ++j) dst[j] += src[j];
  }
}

}  // namespace dn

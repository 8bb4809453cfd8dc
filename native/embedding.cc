// Embedding lookup and its gradient (rows of a table selected by index).
#include <cstring>

#include "kernels.h"

namespace dn {

void gather(const float* table, long dim, const int32_t* idx, long count, float* out) {
  for (long i = 0; i < count; ++i)
    std::memcpy(out + i * dim, table + static_cast<long>(idx[i]) * dim, static_cast<size_t>(dim) * sizeof(float));
}

void scatter_add(const float* dy, long dim, const int32_t* idx, long count, float* dtable) {
  for (long i = 0; i < count; ++i) {
    float* __restrict dst = dtable + static_cast<long>(idx[i]) * dim;
    const float* __restrict src = dy + i * dim;
    for (long j = 0; j < dim; ++j) dst[j] += src[j];
  }
}

}  // namespace dn

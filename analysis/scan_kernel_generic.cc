// Portable scan kernel (any CPU) and the run-time choice among the kernels.
#include <cstdlib>
#include <cstring>

#include "analysis/scan_kernel.h"

namespace embscope::scan {

void score_blocks_generic(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                          float* out) {
  const size_t width = static_cast<size_t>(n_blocks) * kBlockRows;
  for (uint32_t q = 0; q < nq; ++q) {
    const float* qv = queries + static_cast<size_t>(q) * d;
    for (uint32_t b = 0; b < n_blocks; ++b) {
      const float* blk = blocks + static_cast<size_t>(b) * d * kBlockRows;
      float acc[kBlockRows] = {};
      for (uint32_t j = 0; j < d; ++j)
        for (uint32_t i = 0; i < kBlockRows; ++i) acc[i] += qv[j] * blk[j * kBlockRows + i];
      std::memcpy(out + q * width + b * kBlockRows, acc, sizeof acc);
    }
  }
}

Kernel best_kernel() {
  const Kernel generic{score_blocks_generic, 8, "generic"};
#if defined(__x86_64__)
  const Kernel avx2{score_blocks_avx2, 4, "avx2+fma"};
  const Kernel avx512{score_blocks_avx512, 8, "avx512f"};
  const bool has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool has_avx512 = __builtin_cpu_supports("avx512f");
  if (const char* force = std::getenv("EMBSCOPE_SCAN_KERNEL")) {
    if (std::strcmp(force, "generic") == 0) return generic;
    if (std::strcmp(force, "avx2") == 0 && has_avx2) return avx2;
    if (std::strcmp(force, "avx512") == 0 && has_avx512) return avx512;
  }
  if (has_avx512) return avx512;
  if (has_avx2) return avx2;
#endif
  return generic;
}

}  // namespace embscope::scan

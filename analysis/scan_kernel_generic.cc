// Portable scan kernels (any CPU), element conversion, and the run-time choice of kernels.
#include <cstdlib>
#include <cstring>

#include "analysis/scan_kernel.h"
#include "core/dtype.h"

namespace embscope::scan {

float element_to_f32(const void* rows, Elem elem, size_t index) {
  switch (elem) {
    case Elem::F32: return static_cast<const float*>(rows)[index];
    case Elem::F16: return f16_to_f32(static_cast<const uint16_t*>(rows)[index]);
    case Elem::BF16: return bf16_to_f32(static_cast<const uint16_t*>(rows)[index]);
  }
  return 0.0f;
}

void dot_rows_generic(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out) {
  for (size_t i = 0; i < n; ++i) {
    float acc = 0;
    for (uint32_t j = 0; j < d; ++j) acc += query[j] * element_to_f32(rows, elem, i * stride + j);
    out[i] = acc;
  }
}

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
  const Kernel generic{dot_rows_generic, score_blocks_generic, 8, "generic"};
#if defined(__x86_64__)
  const Kernel avx2{dot_rows_avx2, score_blocks_avx2, 4, "avx2+fma"};
  const Kernel avx512{dot_rows_avx512, score_blocks_avx512, 8, "avx512f"};
  const bool has_avx2 =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
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

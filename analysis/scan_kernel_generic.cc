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

void score_blocks_bf16_generic(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t nq,
                               uint32_t dp, float* out) {
  const size_t width = static_cast<size_t>(n_blocks) * kBlockRows;
  for (uint32_t q = 0; q < nq; ++q) {
    const uint16_t* qv = queries + static_cast<size_t>(q) * dp;
    for (uint32_t b = 0; b < n_blocks; ++b) {
      const uint16_t* blk = blocks + static_cast<size_t>(b) * dp * kBlockRows;
      float acc[kBlockRows] = {};
      for (uint32_t p = 0; p < dp / 2; ++p)
        for (uint32_t i = 0; i < kBlockRows; ++i)
          for (uint32_t t = 0; t < 2; ++t)
            acc[i] += bf16_to_f32(qv[2 * p + t]) * bf16_to_f32(blk[(p * kBlockRows + i) * 2 + t]);
      std::memcpy(out + q * width + b * kBlockRows, acc, sizeof acc);
    }
  }
}

Isa best_isa() {
#if defined(__x86_64__)
  const bool has_avx2 =
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  const bool has_avx512 = __builtin_cpu_supports("avx512f");
  if (const char* force = std::getenv("EMBSCOPE_SCAN_KERNEL")) {
    if (std::strcmp(force, "generic") == 0) return Isa::Generic;
    if (std::strcmp(force, "avx2") == 0 && has_avx2) return Isa::Avx2;
    if (std::strcmp(force, "avx512") == 0 && has_avx512) return Isa::Avx512;
  }
  if (has_avx512) return Isa::Avx512;
  if (has_avx2) return Isa::Avx2;
#endif
  return Isa::Generic;
}

Kernel best_kernel() {
  const Kernel generic{dot_rows_generic, nullptr, score_blocks_generic, score_blocks_bf16_generic, 8, "generic"};
#if defined(__x86_64__)
  const Kernel avx2{dot_rows_avx2, nullptr, score_blocks_avx2, score_blocks_bf16_generic, 4, "avx2+fma"};
  const bool bf16 = __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw");
  const Kernel avx512{dot_rows_avx512,
                      bf16 ? dot_rows_bf16_avx512 : nullptr,
                      score_blocks_avx512,
                      bf16 ? score_blocks_bf16_avx512 : score_blocks_bf16_generic,
                      8,
                      bf16 ? "avx512f+bf16" : "avx512f"};
  switch (best_isa()) {
    case Isa::Avx512: return avx512;
    case Isa::Avx2: return avx2;
    case Isa::Generic: break;
  }
#endif
  return generic;
}

}  // namespace embscope::scan

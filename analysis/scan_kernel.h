// Inner loop of the exact cosine scan (analysis/cosine_index.cc drives it), compiled once per
// instruction set -- scan_kernel_generic.cc, scan_kernel_avx2.cc (-mavx2 -mfma) and
// scan_kernel_avx512.cc (-mavx512f) -- and chosen at run time. Plain pointers only: the
// translation units are built with different -m flags, so they share no inline code.
//
// Legend: D = dimensions, R = 16 rows per packed block, NQ = queries scored together.
#pragma once

#include <cstdint>

namespace embscope::scan {

constexpr uint32_t kBlockRows = 16;

// out[q * n_blocks * 16 + b * 16 + i] = sum_j queries[q * d + j] * blocks[(b * d + j) * 16 + i]
// for q < nq (<= max_queries of the kernel), b < n_blocks, i < 16.
// blocks: n_blocks packed blocks, each (D, 16) row-major (row i of the block is column i);
// queries: (nq, D) row-major; out: (nq, n_blocks * 16).
using ScoreBlocksFn = void (*)(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq,
                               uint32_t d, float* out);

struct Kernel {
  ScoreBlocksFn score = nullptr;
  uint32_t max_queries = 0;
  const char* name = "";
};

void score_blocks_generic(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                          float* out);
void score_blocks_avx2(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                       float* out);
void score_blocks_avx512(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                         float* out);

// The best kernel this CPU runs; EMBSCOPE_SCAN_KERNEL=generic|avx2|avx512 forces one (tests).
Kernel best_kernel();

}  // namespace embscope::scan

// Scan kernel with AVX2 + FMA (this file alone is built with -mavx2 -mfma; it runs only when
// the CPU has both). Up to 4 queries x one 16-row block: 8 accumulators, one packed-row load
// pair per dimension shared by the queries.
#include <immintrin.h>

#include "analysis/scan_kernel.h"

namespace embscope::scan {
namespace {

template <int NQ>
void tile(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t d, float* out) {
  const size_t width = static_cast<size_t>(n_blocks) * kBlockRows;
  for (uint32_t b = 0; b < n_blocks; ++b) {
    const float* blk = blocks + static_cast<size_t>(b) * d * kBlockRows;
    __m256 lo[NQ], hi[NQ];
    for (int q = 0; q < NQ; ++q) lo[q] = hi[q] = _mm256_setzero_ps();
    for (uint32_t j = 0; j < d; ++j) {
      const __m256 r0 = _mm256_loadu_ps(blk + j * kBlockRows);
      const __m256 r1 = _mm256_loadu_ps(blk + j * kBlockRows + 8);
      for (int q = 0; q < NQ; ++q) {
        const __m256 x = _mm256_broadcast_ss(queries + static_cast<size_t>(q) * d + j);
        lo[q] = _mm256_fmadd_ps(x, r0, lo[q]);
        hi[q] = _mm256_fmadd_ps(x, r1, hi[q]);
      }
    }
    for (int q = 0; q < NQ; ++q) {
      _mm256_storeu_ps(out + q * width + b * kBlockRows, lo[q]);
      _mm256_storeu_ps(out + q * width + b * kBlockRows + 8, hi[q]);
    }
  }
}

}  // namespace

void score_blocks_avx2(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                       float* out) {
  switch (nq) {
    case 1: return tile<1>(blocks, n_blocks, queries, d, out);
    case 2: return tile<2>(blocks, n_blocks, queries, d, out);
    case 3: return tile<3>(blocks, n_blocks, queries, d, out);
    default: return tile<4>(blocks, n_blocks, queries, d, out);
  }
}

}  // namespace embscope::scan

// Scan kernel with AVX-512F (this file alone is built with -mavx512f -mfma; it runs only when
// the CPU has it). Up to 8 queries x one 16-row block: one zmm accumulator per query, one
// packed-row load per dimension shared by the queries; a single query takes two blocks at a
// time so that two FMA chains are in flight.
#include <immintrin.h>

#include "analysis/scan_kernel.h"

namespace embscope::scan {
namespace {

template <int NQ>
void tile(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t d, float* out) {
  const size_t width = static_cast<size_t>(n_blocks) * kBlockRows;
  for (uint32_t b = 0; b < n_blocks; ++b) {
    const float* blk = blocks + static_cast<size_t>(b) * d * kBlockRows;
    __m512 acc[NQ];
    for (int q = 0; q < NQ; ++q) acc[q] = _mm512_setzero_ps();
    for (uint32_t j = 0; j < d; ++j) {
      const __m512 r = _mm512_loadu_ps(blk + j * kBlockRows);
      for (int q = 0; q < NQ; ++q)
        acc[q] = _mm512_fmadd_ps(_mm512_set1_ps(queries[static_cast<size_t>(q) * d + j]), r, acc[q]);
    }
    for (int q = 0; q < NQ; ++q) _mm512_storeu_ps(out + q * width + b * kBlockRows, acc[q]);
  }
}

// One query: four blocks per pass with two accumulators each (dimensions split even/odd), so
// eight independent FMA chains hide the latency.
void single(const float* blocks, uint32_t n_blocks, const float* query, uint32_t d, float* out) {
  uint32_t b = 0;
  const size_t bs = static_cast<size_t>(d) * kBlockRows;
  for (; b + 4 <= n_blocks; b += 4) {
    const float* p = blocks + b * bs;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (uint32_t j = 0; j < d; ++j) {
      const __m512 x = _mm512_set1_ps(query[j]);
      a0 = _mm512_fmadd_ps(x, _mm512_loadu_ps(p + j * kBlockRows), a0);
      a1 = _mm512_fmadd_ps(x, _mm512_loadu_ps(p + bs + j * kBlockRows), a1);
      a2 = _mm512_fmadd_ps(x, _mm512_loadu_ps(p + 2 * bs + j * kBlockRows), a2);
      a3 = _mm512_fmadd_ps(x, _mm512_loadu_ps(p + 3 * bs + j * kBlockRows), a3);
    }
    _mm512_storeu_ps(out + b * kBlockRows, a0);
    _mm512_storeu_ps(out + (b + 1) * kBlockRows, a1);
    _mm512_storeu_ps(out + (b + 2) * kBlockRows, a2);
    _mm512_storeu_ps(out + (b + 3) * kBlockRows, a3);
  }
  if (b < n_blocks) tile<1>(blocks + b * bs, n_blocks - b, query, d, out + b * kBlockRows);
}

}  // namespace

void score_blocks_avx512(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                         float* out) {
  switch (nq) {
    case 1: return single(blocks, n_blocks, queries, d, out);
    case 2: return tile<2>(blocks, n_blocks, queries, d, out);
    case 3: return tile<3>(blocks, n_blocks, queries, d, out);
    case 4: return tile<4>(blocks, n_blocks, queries, d, out);
    case 5: return tile<5>(blocks, n_blocks, queries, d, out);
    case 6: return tile<6>(blocks, n_blocks, queries, d, out);
    case 7: return tile<7>(blocks, n_blocks, queries, d, out);
    default: return tile<8>(blocks, n_blocks, queries, d, out);
  }
}

}  // namespace embscope::scan

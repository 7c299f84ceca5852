// bf16 scan kernels with AVX512-BF16 (this file alone is built with -mavx512f -mavx512bf16
// -mavx512bw; it runs only when the CPU has all three): VDPBF16PS multiplies 16 rows x one dimension pair of a
// packed block by a broadcast query pair and accumulates in f32.
#include <immintrin.h>

#include "analysis/scan_kernel.h"

namespace embscope::scan {
namespace {

__m512bh load_pairs(const uint16_t* p) { return reinterpret_cast<__m512bh>(_mm512_loadu_si512(p)); }

__m512bh broadcast_pair(const uint16_t* q) {
  uint32_t pair;
  __builtin_memcpy(&pair, q, 4);
  return reinterpret_cast<__m512bh>(_mm512_set1_epi32(static_cast<int>(pair)));
}

template <int NQ>
void tile(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t dp, float* out) {
  const size_t width = static_cast<size_t>(n_blocks) * kBlockRows;
  for (uint32_t b = 0; b < n_blocks; ++b) {
    const uint16_t* blk = blocks + static_cast<size_t>(b) * dp * kBlockRows;
    __m512 acc[NQ];
    for (int q = 0; q < NQ; ++q) acc[q] = _mm512_setzero_ps();
    for (uint32_t p = 0; p < dp / 2; ++p) {
      const __m512bh r = load_pairs(blk + p * 2 * kBlockRows);
      for (int q = 0; q < NQ; ++q) acc[q] = _mm512_dpbf16_ps(acc[q], r, broadcast_pair(queries + q * dp + 2 * p));
    }
    for (int q = 0; q < NQ; ++q) _mm512_storeu_ps(out + q * width + b * kBlockRows, acc[q]);
  }
}

// One query: four blocks per pass, four independent chains, the blocks read in order.
void single(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* query, uint32_t dp, float* out) {
  const size_t bs = static_cast<size_t>(dp) * kBlockRows;
  uint32_t b = 0;
  for (; b + 4 <= n_blocks; b += 4) {
    const uint16_t* p0 = blocks + b * bs;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (uint32_t p = 0; p < dp / 2; ++p) {
      const __m512bh x = broadcast_pair(query + 2 * p);
      const size_t at = p * 2 * kBlockRows;
      a0 = _mm512_dpbf16_ps(a0, load_pairs(p0 + at), x);
      a1 = _mm512_dpbf16_ps(a1, load_pairs(p0 + bs + at), x);
      a2 = _mm512_dpbf16_ps(a2, load_pairs(p0 + 2 * bs + at), x);
      a3 = _mm512_dpbf16_ps(a3, load_pairs(p0 + 3 * bs + at), x);
    }
    _mm512_storeu_ps(out + b * kBlockRows, a0);
    _mm512_storeu_ps(out + (b + 1) * kBlockRows, a1);
    _mm512_storeu_ps(out + (b + 2) * kBlockRows, a2);
    _mm512_storeu_ps(out + (b + 3) * kBlockRows, a3);
  }
  if (b < n_blocks) tile<1>(blocks + b * bs, n_blocks - b, query, dp, out + b * kBlockRows);
}

// Four rows at a time, 32 dimensions per instruction; the last d % 32 through masked loads.
void rows_impl(const uint16_t* rows, size_t n, size_t stride, const uint16_t* query, uint32_t d, float* out) {
  const uint32_t d32 = d & ~31u;
  const __mmask32 tail = static_cast<__mmask32>((uint64_t{1} << (d - d32)) - 1);
  auto load = [](const uint16_t* p) { return reinterpret_cast<__m512bh>(_mm512_loadu_si512(p)); };
  auto load_tail = [tail](const uint16_t* p) { return reinterpret_cast<__m512bh>(_mm512_maskz_loadu_epi16(tail, p)); };
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint16_t* r = rows + i * stride;
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    for (uint32_t j = 0; j < d32; j += 32) {
      const __m512bh x = load(query + j);
      a0 = _mm512_dpbf16_ps(a0, load(r + j), x);
      a1 = _mm512_dpbf16_ps(a1, load(r + stride + j), x);
      a2 = _mm512_dpbf16_ps(a2, load(r + 2 * stride + j), x);
      a3 = _mm512_dpbf16_ps(a3, load(r + 3 * stride + j), x);
    }
    if (tail) {
      const __m512bh x = load_tail(query + d32);
      a0 = _mm512_dpbf16_ps(a0, load_tail(r + d32), x);
      a1 = _mm512_dpbf16_ps(a1, load_tail(r + stride + d32), x);
      a2 = _mm512_dpbf16_ps(a2, load_tail(r + 2 * stride + d32), x);
      a3 = _mm512_dpbf16_ps(a3, load_tail(r + 3 * stride + d32), x);
    }
    out[i] = _mm512_reduce_add_ps(a0);
    out[i + 1] = _mm512_reduce_add_ps(a1);
    out[i + 2] = _mm512_reduce_add_ps(a2);
    out[i + 3] = _mm512_reduce_add_ps(a3);
  }
  for (; i < n; ++i) {
    const uint16_t* r = rows + i * stride;
    __m512 a = _mm512_setzero_ps();
    for (uint32_t j = 0; j < d32; j += 32) a = _mm512_dpbf16_ps(a, load(r + j), load(query + j));
    if (tail) a = _mm512_dpbf16_ps(a, load_tail(r + d32), load_tail(query + d32));
    out[i] = _mm512_reduce_add_ps(a);
  }
}

}  // namespace

void dot_rows_bf16_avx512(const uint16_t* rows, size_t n, size_t stride, const uint16_t* query, uint32_t d, float* out) {
  rows_impl(rows, n, stride, query, d, out);
}

void score_blocks_bf16_avx512(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t nq,
                              uint32_t dp, float* out) {
  switch (nq) {
    case 1: return single(blocks, n_blocks, queries, dp, out);
    case 2: return tile<2>(blocks, n_blocks, queries, dp, out);
    case 3: return tile<3>(blocks, n_blocks, queries, dp, out);
    case 4: return tile<4>(blocks, n_blocks, queries, dp, out);
    case 5: return tile<5>(blocks, n_blocks, queries, dp, out);
    case 6: return tile<6>(blocks, n_blocks, queries, dp, out);
    case 7: return tile<7>(blocks, n_blocks, queries, dp, out);
    default: return tile<8>(blocks, n_blocks, queries, dp, out);
  }
}

}  // namespace embscope::scan

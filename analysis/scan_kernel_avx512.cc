// Scan kernels with AVX-512F (this file alone is built with -mavx512f -mfma; it runs only when
// the CPU has it).
#include <immintrin.h>

#include "analysis/scan_kernel.h"

namespace embscope::scan {
namespace {

template <Elem E>
__m512 load16(const void* rows, size_t at) {
  if constexpr (E == Elem::F32) {
    return _mm512_loadu_ps(static_cast<const float*>(rows) + at);
  } else {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(static_cast<const uint16_t*>(rows) + at));
    if constexpr (E == Elem::F16) return _mm512_cvtph_ps(h);
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
}

// Four rows at a time: four independent FMA chains share each query load.
template <Elem E>
void dot_rows_impl(const void* rows, size_t n, size_t stride, const float* query, uint32_t d, float* out) {
  const uint32_t d16 = d & ~15u;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    const size_t r = i * stride;
    for (uint32_t j = 0; j < d16; j += 16) {
      const __m512 q = _mm512_loadu_ps(query + j);
      a0 = _mm512_fmadd_ps(q, load16<E>(rows, r + j), a0);
      a1 = _mm512_fmadd_ps(q, load16<E>(rows, r + stride + j), a1);
      a2 = _mm512_fmadd_ps(q, load16<E>(rows, r + 2 * stride + j), a2);
      a3 = _mm512_fmadd_ps(q, load16<E>(rows, r + 3 * stride + j), a3);
    }
    float s[4] = {_mm512_reduce_add_ps(a0), _mm512_reduce_add_ps(a1), _mm512_reduce_add_ps(a2), _mm512_reduce_add_ps(a3)};
    for (uint32_t j = d16; j < d; ++j)
      for (int t = 0; t < 4; ++t) s[t] += query[j] * element_to_f32(rows, E, r + t * stride + j);
    for (int t = 0; t < 4; ++t) out[i + t] = s[t];
  }
  for (; i < n; ++i) {
    __m512 a = _mm512_setzero_ps();
    for (uint32_t j = 0; j < d16; j += 16) a = _mm512_fmadd_ps(_mm512_loadu_ps(query + j), load16<E>(rows, i * stride + j), a);
    float s = _mm512_reduce_add_ps(a);
    for (uint32_t j = d16; j < d; ++j) s += query[j] * element_to_f32(rows, E, i * stride + j);
    out[i] = s;
  }
}

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

}  // namespace

void dot_rows_avx512(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out) {
  switch (elem) {
    case Elem::F32: return dot_rows_impl<Elem::F32>(rows, n, stride, query, d, out);
    case Elem::F16: return dot_rows_impl<Elem::F16>(rows, n, stride, query, d, out);
    case Elem::BF16: return dot_rows_impl<Elem::BF16>(rows, n, stride, query, d, out);
  }
}

void score_blocks_avx512(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                         float* out) {
  switch (nq) {
    case 1: return tile<1>(blocks, n_blocks, queries, d, out);
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

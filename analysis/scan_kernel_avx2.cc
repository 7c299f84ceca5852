// Scan kernels with AVX2 + FMA + F16C (this file alone is built with -mavx2 -mfma -mf16c; it
// runs only when the CPU has all three).
#include <immintrin.h>

#include "analysis/scan_kernel.h"

namespace embscope::scan {
namespace {

template <Elem E>
__m256 load8(const void* rows, size_t at) {
  if constexpr (E == Elem::F32) {
    return _mm256_loadu_ps(static_cast<const float*>(rows) + at);
  } else {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(rows) + at));
    if constexpr (E == Elem::F16) return _mm256_cvtph_ps(h);
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  }
}

float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Four rows at a time: four independent FMA chains share each query load.
template <Elem E>
void dot_rows_impl(const void* rows, size_t n, size_t stride, const float* query, uint32_t d, float* out) {
  const uint32_t d8 = d & ~7u;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    const size_t r = i * stride;
    for (uint32_t j = 0; j < d8; j += 8) {
      const __m256 q = _mm256_loadu_ps(query + j);
      a0 = _mm256_fmadd_ps(q, load8<E>(rows, r + j), a0);
      a1 = _mm256_fmadd_ps(q, load8<E>(rows, r + stride + j), a1);
      a2 = _mm256_fmadd_ps(q, load8<E>(rows, r + 2 * stride + j), a2);
      a3 = _mm256_fmadd_ps(q, load8<E>(rows, r + 3 * stride + j), a3);
    }
    float s[4] = {hsum(a0), hsum(a1), hsum(a2), hsum(a3)};
    for (uint32_t j = d8; j < d; ++j)
      for (int t = 0; t < 4; ++t) s[t] += query[j] * element_to_f32(rows, E, r + t * stride + j);
    for (int t = 0; t < 4; ++t) out[i + t] = s[t];
  }
  for (; i < n; ++i) {
    __m256 a = _mm256_setzero_ps();
    for (uint32_t j = 0; j < d8; j += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(query + j), load8<E>(rows, i * stride + j), a);
    float s = hsum(a);
    for (uint32_t j = d8; j < d; ++j) s += query[j] * element_to_f32(rows, E, i * stride + j);
    out[i] = s;
  }
}

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

void dot_rows_avx2(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out) {
  switch (elem) {
    case Elem::F32: return dot_rows_impl<Elem::F32>(rows, n, stride, query, d, out);
    case Elem::F16: return dot_rows_impl<Elem::F16>(rows, n, stride, query, d, out);
    case Elem::BF16: return dot_rows_impl<Elem::BF16>(rows, n, stride, query, d, out);
  }
}

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

// word2vec kernels with AVX2 + FMA (this file alone is built with -mavx2 -mfma; it runs only
// when cpu_has_avx2_fma()). Rows are padded to 16 floats, so there are no loop tails.
#include <immintrin.h>

#include <cmath>
#include <cstring>

#include "train/word2vec_kernel.h"

namespace embscope::w2v {
namespace {

float dot(const float* a, const float* b, uint32_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  for (uint32_t i = 0; i < n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  const __m256 s = _mm256_add_ps(s0, s1);
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

void axpy(float g, const float* x, float* y, uint32_t n) {
  const __m256 vg = _mm256_set1_ps(g);
  for (uint32_t i = 0; i < n; i += 16) {
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(vg, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    _mm256_storeu_ps(y + i + 8, _mm256_fmadd_ps(vg, _mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8)));
  }
}

void scale(float g, float* y, uint32_t n) {
  const __m256 vg = _mm256_set1_ps(g);
  for (uint32_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(vg, _mm256_loadu_ps(y + i)));
}

void zero(float* y, uint32_t n) {
  for (uint32_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, _mm256_setzero_ps());
}

#define EMBSCOPE_W2V_BLOCK train_block_avx2_impl
#define EMBSCOPE_W2V_STEP sgns_step_avx2_impl
#include "train/word2vec_kernel.inc"

}  // namespace

void train_block_avx2(BlockArgs& a) { train_block_avx2_impl(a); }
double sgns_step_avx2(float* in, float* const* outs, uint32_t n_outs, uint32_t stride, float alpha, float* work) {
  return sgns_step_avx2_impl(in, outs, n_outs, stride, alpha, work);
}

}  // namespace embscope::w2v

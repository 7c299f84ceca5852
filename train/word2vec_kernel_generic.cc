// word2vec kernels for any x86-64 / other CPU: plain loops the compiler may vectorise with
// the baseline instruction set.
#include <cmath>
#include <cstring>

#include "train/word2vec_kernel.h"

namespace embscope::w2v {
namespace {

float dot(const float* a, const float* b, uint32_t n) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (uint32_t i = 0; i < n; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  return (s0 + s1) + (s2 + s3);
}

void axpy(float g, const float* x, float* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) y[i] += g * x[i];
}

void scale(float g, float* y, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) y[i] *= g;
}

void zero(float* y, uint32_t n) { std::memset(y, 0, n * sizeof(float)); }

#define EMBSCOPE_W2V_BLOCK train_block_generic_impl
#define EMBSCOPE_W2V_STEP sgns_step_generic_impl
#include "train/word2vec_kernel.inc"

}  // namespace

void train_block_generic(BlockArgs& a) { train_block_generic_impl(a); }
double sgns_step_generic(float* in, float* const* outs, uint32_t n_outs, uint32_t stride, float alpha, float* work) {
  return sgns_step_generic_impl(in, outs, n_outs, stride, alpha, work);
}

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

}  // namespace embscope::w2v

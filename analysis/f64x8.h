// Eight doubles (F64x8) or sixteen floats (F32x16) as one GCC vector: one AVX-512 register, two
// AVX2 or four SSE2 ones, so the same source serves every build; the kernels that use them are
// compiled once per instruction set (EMB_F64X8_CLONES: GCC/Clang target clones, the loader
// picks the best the CPU has). Used by the FFT (lane_fft.cc), t-SNE's attraction, the neighbour
// re-scoring and the map-quality distances.
#pragma once

#include <cstring>

namespace embscope {

// aligned(8): loads and stores through it are valid at any double's address.
typedef double F64x8 __attribute__((vector_size(8 * sizeof(double)), aligned(8)));
typedef float F32x16 __attribute__((vector_size(16 * sizeof(float)), aligned(4)));

// Passed by reference: a vector argument by value has a different ABI with and without AVX.
inline void load_f64x8(F64x8& v, const double* p) { std::memcpy(&v, p, sizeof v); }
// Lane 0 + lane 1 + ... + lane 7, in that order (the same sum in every build).
inline double sum_lanes(const F64x8& v) {
  double s = 0;
  for (int l = 0; l < 8; ++l) s += v[l];
  return s;
}

}  // namespace embscope

#define EMB_F64X8_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

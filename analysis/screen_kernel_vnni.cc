// The screening kernel with AVX-512 VNNI (this file alone is built with -mavx512f -mavx512bw
// -mavx512vnni; it runs only when the CPU has them). VPDPBUSD multiplies 64 uint8 x int8
// pairs and adds each group of four to an int32 lane: one instruction per 4 dimensions of 16
// rows, four times the dimensions of an f32 FMA.
#include <immintrin.h>

#include "analysis/screen_kernel.h"

namespace embscope::screen {
namespace {

// Keeps the hits of one 16-row block's products for query q.
inline size_t select(const ScreenTile& t, uint32_t q, uint32_t r0, const int32_t* dots, Hit* hits) {
  const __m512i dot = _mm512_loadu_si512(dots);
  const uint32_t left = t.n_rows - r0;
  const __mmask16 valid = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
  const __m512 p = _mm512_mul_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(dot, _mm512_set1_epi32(t.corr[q]))),
                                               _mm512_set1_ps(t.sq[q])),
                                 _mm512_maskz_loadu_ps(valid, t.sr + r0));
  const __m512 to_q = _mm512_sub_ps(p, _mm512_maskz_loadu_ps(valid, t.hr + r0));
  size_t n = 0;
  for (uint32_t m = _mm512_mask_cmp_ps_mask(valid, to_q, _mm512_set1_ps(t.tq[q]), _CMP_GT_OQ); m != 0; m &= m - 1) {
    const uint32_t i = static_cast<uint32_t>(__builtin_ctz(m));
    hits[n++] = {q, r0 + i, p[i] - t.hr[r0 + i], 0};
  }
  if (!t.both) return n;
  const __m512 to_r = _mm512_sub_ps(p, _mm512_set1_ps(t.hq[q]));
  for (uint32_t m = _mm512_mask_cmp_ps_mask(valid, to_r, _mm512_maskz_loadu_ps(valid, t.tr + r0), _CMP_GT_OQ); m != 0;
       m &= m - 1) {
    const uint32_t i = static_cast<uint32_t>(__builtin_ctz(m));
    hits[n++] = {q, r0 + i, p[i] - t.hq[q], 1};
  }
  return n;
}

// NQ queries against NB blocks at a time: NQ * NB accumulators (12 x 2 = 24 of the 32
// registers), each query's four bytes broadcast once per step and used NB times.
template <int NQ, int NB>
size_t tile(const ScreenTile& t, uint32_t b, Hit* hits) {
  const uint32_t steps = t.dp / 4;
  // Fully unrolled (the accumulators must live in registers; -O2 alone keeps them in memory).
  __m512i acc[NQ][NB];
#pragma GCC unroll 12
  for (int q = 0; q < NQ; ++q)
#pragma GCC unroll 2
    for (int j = 0; j < NB; ++j) acc[q][j] = _mm512_setzero_si512();
  const uint8_t* blk = t.blocks + static_cast<size_t>(b) * t.dp * kBlockRows;
  const size_t block_bytes = static_cast<size_t>(t.dp) * kBlockRows;
  for (uint32_t s = 0; s < steps; ++s) {
    __m512i r[NB];
#pragma GCC unroll 2
    for (int j = 0; j < NB; ++j) r[j] = _mm512_loadu_si512(blk + j * block_bytes + s * 64);
#pragma GCC unroll 12
    for (int q = 0; q < NQ; ++q) {
      int32_t four;
      __builtin_memcpy(&four, t.queries + static_cast<size_t>(q) * t.dp + 4 * s, 4);
      const __m512i qq = _mm512_set1_epi32(four);
#pragma GCC unroll 2
      for (int j = 0; j < NB; ++j) acc[q][j] = _mm512_dpbusd_epi32(acc[q][j], r[j], qq);
    }
  }
  // Stored once, then selected from memory (handing the registers on keeps GCC from holding
  // them in registers inside the loop).
  alignas(64) int32_t dots[NQ][NB][kBlockRows];
#pragma GCC unroll 12
  for (int q = 0; q < NQ; ++q)
#pragma GCC unroll 2
    for (int j = 0; j < NB; ++j) _mm512_store_si512(dots[q][j], acc[q][j]);
  size_t n = 0;
  for (int q = 0; q < NQ; ++q)
    for (int j = 0; j < NB; ++j) n += select(t, static_cast<uint32_t>(q), (b + j) * kBlockRows, dots[q][j], hits + n);
  return n;
}

template <int NQ>
size_t blocks(const ScreenTile& t, Hit* hits) {
  size_t n = 0;
  uint32_t b = 0;
  for (; b + 2 <= t.n_blocks; b += 2) n += tile<NQ, 2>(t, b, hits + n);
  if (b < t.n_blocks) n += tile<NQ, 1>(t, b, hits + n);
  return n;
}

}  // namespace

size_t screen_vnni(const ScreenTile& t, Hit* hits) {
  switch (t.nq) {
    case 1: return blocks<1>(t, hits);
    case 2: return blocks<2>(t, hits);
    case 3: return blocks<3>(t, hits);
    case 4: return blocks<4>(t, hits);
    case 5: return blocks<5>(t, hits);
    case 6: return blocks<6>(t, hits);
    case 7: return blocks<7>(t, hits);
    case 8: return blocks<8>(t, hits);
    case 9: return blocks<9>(t, hits);
    case 10: return blocks<10>(t, hits);
    case 11: return blocks<11>(t, hits);
    default: return blocks<12>(t, hits);
  }
}

}  // namespace embscope::screen

// The UMAP epoch kernel, included once by each of umap_epoch_generic.cc and umap_epoch_avx2.cc
// (see umap_epoch.h): everything here has internal linkage and uses no library templates, so
// nothing compiled with AVX2 can be shared with, or chosen by the linker for, the other file.
#pragma once
#ifndef EMBSCOPE_UMAP_WAYS
#define EMBSCOPE_UMAP_WAYS 2
#endif

#include <cstddef>
#include <cstdint>
#include <limits>

#include "analysis/umap_epoch.h"
#include "analysis/umap_layout.h"

namespace embscope {
namespace {

// Eight floats (GCC vector extensions: two SSE registers on baseline x86-64, one AVX register
// with -mavx2). Passed only to inlined functions, so the vector ABI (-Wpsabi) never applies.
constexpr size_t kLanes = 8;
using F4 = float __attribute__((vector_size(4 * kLanes)));
using I4 = int32_t __attribute__((vector_size(4 * kLanes)));

// x^b for x > 0, a vector at a time, as 2^(b log2 x) with short polynomials (relative error
// below 5e-6 over the range the layout meets): the SGD evaluates one per repulsive sample.
[[gnu::always_inline]] inline F4 pow_lanes(F4 x, float b) {
  const F4 tiny = F4{} + std::numeric_limits<float>::min();
  x = x < tiny ? tiny : x;  // no subnormals
  // x = m 2^e, m in [0.5, 1), from the IEEE bits (vector casts reinterpret the bits).
  const I4 bits = (I4)x;
  const I4 e = ((bits >> 23) & 0xff) - 126;
  const F4 m = (F4)((bits & 0x007fffff) | 0x3f000000);
  // log2(m) = -1/2 + 2 / ln 2 (t + t^3/3 + t^5/5), t = (m - s) / (m + s), s = 1 / sqrt 2, so
  // |t| <= 0.172 and the first term left out, t^7/7, is below 1e-6.
  constexpr float kSqrtHalf = 0.70710678f;
  const F4 t = (m - kSqrtHalf) / (m + kSqrtHalf), t2 = t * t;
  const F4 log2m = -0.5f + 2.8853900818f * t * (1.0f + t2 * (1.0f / 3 + t2 * (1.0f / 5)));
  F4 y = b * (__builtin_convertvector(e, F4) + log2m);
  y = y < -126.0f ? F4{} - 126.0f : y;
  y = y > 126.0f ? F4{} + 126.0f : y;
  // 2^y = 2^i 2^f with i = round(y), f in [-0.5, 0.5]: degree-5 Taylor series of e^(f ln 2)
  // (first term left out below 3e-6).
  const I4 i = __builtin_convertvector(y + (y >= 0.0f ? F4{} + 0.5f : F4{} - 0.5f), I4);
  const F4 f = (y - __builtin_convertvector(i, F4)) * 0.69314718f;
  const F4 p = 1.0f + f * (1.0f + f * (0.5f + f * (1.0f / 6 + f * (1.0f / 24 + f * (1.0f / 120)))));
  return p * (F4)((i + 127) << 23);
}

[[gnu::always_inline]] inline F4 clip4(F4 v) {
  v = v < -4.0f ? F4{} - 4.0f : v;
  return v > 4.0f ? F4{} + 4.0f : v;
}

[[gnu::always_inline]] inline float clip4(float v) { return v < -4.0f ? -4.0f : v > 4.0f ? 4.0f : v; }

template <size_t Dims>
void run_epoch(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& shared_state, float* y) {
  uint64_t state = shared_state;  // a local copy: threads' states share a cache line
  const size_t d = Dims ? Dims : t.d;
  const float alpha =
      static_cast<float>(t.learning_rate * (1.0 - static_cast<double>(epoch) / static_cast<double>(t.epochs)));
  const float a = t.a, b = t.b;
  float cur[Dims ? Dims : kUmapMaxDims], oth[Dims ? Dims : kUmapMaxDims];
  // The edges are sorted by head, so consecutive edges pull the same point and each waits for
  // the one before (a chain through a power function, a division and the point's store).
  // Taking them from kWays equal parts of the range in turn puts independent chains next to
  // each other, which the processor overlaps; each edge is still sampled once when due.
  constexpr size_t kWays = EMBSCOPE_UMAP_WAYS;
  const size_t count = last - first, part = (count + kWays - 1) / kWays;
  for (size_t i = 0; i < part * kWays; ++i) {
    const size_t e = first + (i % kWays) * part + i / kWays;
    if (e >= last || t.next_sample[e] > static_cast<double>(epoch)) continue;
    const size_t j = t.head[e], k = t.tail[e];
    float d2 = 0;
    for (size_t c = 0; c < d; ++c) {
      cur[c] = y[j * d + c], oth[c] = y[k * d + c];
      d2 += (cur[c] - oth[c]) * (cur[c] - oth[c]);
    }
    float coeff = 0;
    if (d2 > 0) {
      const float pb = __builtin_powf(d2, b);
      coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
    }
    for (size_t c = 0; c < d; ++c) {
      const float g = clip4(coeff * (cur[c] - oth[c]));
      cur[c] += g * alpha;
      y[k * d + c] = oth[c] - g * alpha;
    }
    t.next_sample[e] += t.per_sample[e];
    const auto negatives = static_cast<size_t>((static_cast<double>(epoch) - t.next_negative[e]) / t.per_negative[e]);
    t.next_negative[e] += static_cast<double>(negatives) * t.per_negative[e];
    // The repulsive samples all push from the position after the attractive step and their
    // pushes are summed (umap-learn applies them one after another; each moves the point by
    // at most 4 alpha, so the difference is second order): independent samples, eight to a
    // vector, instead of a chain waiting on one power function after another.
    constexpr size_t kArray = Dims ? Dims : kUmapMaxDims;
    F4 push[kArray] = {};
    const I4 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    for (size_t p = 0; p < negatives; p += kLanes) {
      uint32_t o[kLanes];
      for (size_t l = 0; l < kLanes; ++l) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
        o[l] = static_cast<uint32_t>(((state >> 32) * t.n) >> 32);        // uniform in [0, n)
      }
      // Lanes past the count, or drawing the point itself, are masked out.
      const I4 drawn = {static_cast<int32_t>(o[0]), static_cast<int32_t>(o[1]), static_cast<int32_t>(o[2]),
                        static_cast<int32_t>(o[3]), static_cast<int32_t>(o[4]), static_cast<int32_t>(o[5]),
                        static_cast<int32_t>(o[6]), static_cast<int32_t>(o[7])};
      const I4 live = (lane < static_cast<int32_t>(negatives - p)) & (drawn != static_cast<int32_t>(j));
      F4 diff[kArray], q2 = {};
      for (size_t c = 0; c < d; ++c) {
        const F4 at = {y[o[0] * d + c], y[o[1] * d + c], y[o[2] * d + c], y[o[3] * d + c],
                       y[o[4] * d + c], y[o[5] * d + c], y[o[6] * d + c], y[o[7] * d + c]};
        diff[c] = cur[c] - at;
        q2 += diff[c] * diff[c];
      }
      const F4 rep = 2.0f * t.gamma * b / ((0.001f + q2) * (a * pow_lanes(q2, b) + 1.0f));
      for (size_t c = 0; c < d; ++c) {  // coincident points: a fixed push, as umap-learn
        const F4 g = q2 > 0.0f ? clip4(rep * diff[c]) : F4{} + 4.0f;
        push[c] += live ? g : F4{};
      }
    }
    for (size_t c = 0; c < d; ++c) {
      float total = 0;
      for (size_t l = 0; l < kLanes; ++l) total += push[c][l];
      y[j * d + c] = cur[c] + total * alpha;
    }
  }
  shared_state = state;
}

// The common map sizes with their loops unrolled.
void epoch_impl(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  switch (t.d) {
    case 2: return run_epoch<2>(t, first, last, epoch, state, y);
    case 3: return run_epoch<3>(t, first, last, epoch, state, y);
    default: return run_epoch<0>(t, first, last, epoch, state, y);
  }
}

}  // namespace
}  // namespace embscope

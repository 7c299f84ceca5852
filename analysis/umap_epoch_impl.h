// The UMAP epoch kernel, included once by each of umap_epoch_generic.cc, umap_epoch_avx2.cc and
// umap_epoch_avx512.cc (see umap_epoch.h): everything here has internal linkage and uses no
// library templates, so nothing compiled for one instruction set can be shared with, or chosen
// by the linker for, another file.
#pragma once
#ifndef EMBSCOPE_UMAP_LANES
#define EMBSCOPE_UMAP_LANES 8
#endif

#include <cstddef>
#include <cstdint>
#include <limits>

#include "analysis/umap_epoch.h"
#include "analysis/umap_layout.h"

namespace embscope {
namespace {

// kLanes floats (GCC vector extensions): eight in the baseline and AVX2 files (two SSE
// registers, or one AVX register), sixteen in the AVX-512 file (one register), eight lanes
// for each edge's repulsive samples. Passed only to inlined functions, so the vector ABI
// (-Wpsabi) never applies.
constexpr size_t kLanes = EMBSCOPE_UMAP_LANES, kEdgeLanes = 8;
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

// Not std::min / std::max: library templates are shared across the files (see the top).
[[gnu::always_inline]] inline size_t smaller(size_t x, size_t y) { return x < y ? x : y; }

// One epoch over edges [first, last). The edges are sorted by head, so consecutive edges pull
// the same point and each waits for the one before (a chain through a power function, a
// division and the point's store). So the range is cut into kGroup parts walked side by side:
// the next due edge of each part forms a group whose attractive steps run one after another
// and whose repulsive samples share one vector (eight lanes an edge: with AVX-512, two edges'
// samples in one register), independent chains the processor overlaps. Two edges of a group
// that share a point in a way the order matters (the same head, or the second's tail the
// first's head) are not grouped: the first runs alone. A repulsive sample of the second edge
// that draws the first edge's head sees it before its repulsion is applied (umap-learn's
// parallel mode races on every point; this is one sample of many, and deterministic).
template <size_t Dims>
void run_epoch(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& shared_state, float* y) {
  constexpr size_t kGroup = kLanes / kEdgeLanes;
  uint64_t state = shared_state;  // a local copy: threads' states share a cache line
  const size_t d = Dims ? Dims : t.d;
  const float alpha =
      static_cast<float>(t.learning_rate * (1.0 - static_cast<double>(epoch) / static_cast<double>(t.epochs)));
  const float a = t.a, b = t.b;
  constexpr size_t kArray = Dims ? Dims : kUmapMaxDims;
  const auto due = [&](size_t e) { return t.next_sample[e] <= static_cast<double>(epoch); };
  size_t at[kGroup], end[kGroup];
  const size_t part = (last - first + kGroup - 1) / kGroup;
  for (size_t g = 0; g < kGroup; ++g) {
    at[g] = smaller(last, first + g * part), end[g] = smaller(last, first + (g + 1) * part);
    while (at[g] < end[g] && !due(at[g])) ++at[g];
  }
  I4 lane = {}, group = {};  // a lane's place among its edge's eight, and its edge
  for (size_t l = 0; l < kLanes; ++l) {
    lane[l] = static_cast<int32_t>(l % kEdgeLanes);
    group[l] = static_cast<int32_t>(l / kEdgeLanes);
  }
  for (;;) {
    size_t edge[kGroup] = {}, m = 0;
    for (size_t g = 0; g < kGroup; ++g) {
      if (at[g] >= end[g]) continue;
      const size_t e = at[g];
      bool clash = false;
      for (size_t h = 0; h < m; ++h)
        clash |= t.head[edge[h]] == t.head[e] || t.head[edge[h]] == t.tail[e];
      if (clash) continue;  // waits for the next group
      edge[m++] = e;
      ++at[g];
      while (at[g] < end[g] && !due(at[g])) ++at[g];
    }
    if (m == 0) break;
    // Attractive steps, one edge after another.
    float cur[kGroup][kArray] = {};
    size_t negatives[kGroup] = {}, most = 0;
    for (size_t h = 0; h < m; ++h) {
      const size_t e = edge[h], j = t.head[e], k = t.tail[e];
      float oth[kArray], d2 = 0;
      for (size_t c = 0; c < d; ++c) {
        cur[h][c] = y[j * d + c], oth[c] = y[k * d + c];
        d2 += (cur[h][c] - oth[c]) * (cur[h][c] - oth[c]);
      }
      float coeff = 0;
      if (d2 > 0) {
        const float pb = __builtin_powf(d2, b);
        coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
      }
      for (size_t c = 0; c < d; ++c) {
        const float g = clip4(coeff * (cur[h][c] - oth[c]));
        cur[h][c] += g * alpha;
        y[k * d + c] = oth[c] - g * alpha;
      }
      t.next_sample[e] += t.per_sample[e];
      negatives[h] = static_cast<size_t>((static_cast<double>(epoch) - t.next_negative[e]) / t.per_negative[e]);
      t.next_negative[e] += static_cast<double>(negatives[h]) * t.per_negative[e];
      most = negatives[h] > most ? negatives[h] : most;
    }
    // The repulsive samples all push from the position after the attractive step and their
    // pushes are summed (umap-learn applies them one after another; each moves the point by
    // at most 4 alpha, so the difference is second order): independent samples, eight lanes
    // an edge, instead of a chain waiting on one power function after another.
    F4 from[kArray] = {}, push[kArray] = {};
    I4 count = {}, self = I4{} - 1;
    for (size_t h = 0; h < m; ++h) {
      const I4 mine = group == static_cast<int32_t>(h);
      count = mine ? I4{} + static_cast<int32_t>(negatives[h]) : count;
      self = mine ? I4{} + static_cast<int32_t>(t.head[edge[h]]) : self;
      for (size_t c = 0; c < d; ++c) from[c] = mine ? F4{} + cur[h][c] : from[c];
    }
    for (size_t p = 0; p < most; p += kEdgeLanes) {
      uint32_t o[kLanes];
      I4 drawn = {};
      for (size_t l = 0; l < kLanes; ++l) {
        o[l] = 0;
        if (p + l % kEdgeLanes < static_cast<size_t>(count[l])) {
          state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
          o[l] = static_cast<uint32_t>(((state >> 32) * t.n) >> 32);        // uniform in [0, n)
        }
        drawn[l] = static_cast<int32_t>(o[l]);
      }
      // Lanes past an edge's count, or drawing the edge's own head, are masked out.
      const I4 live = (lane + static_cast<int32_t>(p) < count) & (drawn != self);
      F4 diff[kArray], q2 = {};
      for (size_t c = 0; c < d; ++c) {
        F4 other = {};
        for (size_t l = 0; l < kLanes; ++l) other[l] = y[o[l] * d + c];
        diff[c] = from[c] - other;
        q2 += diff[c] * diff[c];
      }
      const F4 rep = 2.0f * t.gamma * b / ((0.001f + q2) * (a * pow_lanes(q2, b) + 1.0f));
      for (size_t c = 0; c < d; ++c) {  // coincident points: a fixed push, as umap-learn
        const F4 g = q2 > 0.0f ? clip4(rep * diff[c]) : F4{} + 4.0f;
        push[c] += live ? g : F4{};
      }
    }
    for (size_t h = 0; h < m; ++h) {
      const size_t j = t.head[edge[h]];
      for (size_t c = 0; c < d; ++c) {
        float total = 0;
        for (size_t l = h * kEdgeLanes; l < (h + 1) * kEdgeLanes; ++l) total += push[c][l];
        y[j * d + c] = cur[h][c] + total * alpha;
      }
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

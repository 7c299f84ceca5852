// One epoch of the UMAP layout SGD over a range of edges (analysis/umap_layout.cc drives it),
// compiled three times -- umap_epoch_generic.cc for baseline x86-64, umap_epoch_avx2.cc with
// -mavx2 -mfma (the eight-float vector of an edge's repulsive samples is one register) and
// umap_epoch_avx512.cc (sixteen floats: two edges' samples in one register) -- and chosen at
// run time. Plain pointers only: the translation units are built with different -m flags, so
// they share no inline code (umap_epoch_impl.h is included by each, its contents with internal
// linkage).
#pragma once

#include <cstddef>
#include <cstdint>

namespace embscope {

struct UmapEpoch {
  const uint32_t* head = nullptr;  // (E) edge e runs head[e] -> tail[e]
  const uint32_t* tail = nullptr;
  const double* per_sample = nullptr;  // (E) epochs between samples of the edge
  double* next_sample = nullptr;       // (E) next epoch the edge is due
  const double* per_negative = nullptr;
  double* next_negative = nullptr;  // the same for its repulsive samples
  size_t n = 0, d = 0;              // points, output dimensions (<= kUmapMaxDims)
  float a = 0, b = 0, gamma = 1;    // output curve 1 / (1 + a d^2b), repulsion strength
  double learning_rate = 1;
  size_t epochs = 0;
};

// Edges [first, last) of epoch `epoch` with the random state `state` (advanced) on the layout
// `y` (n, d).
using UmapEpochFn = void (*)(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y);
void umap_epoch_generic(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y);
void umap_epoch_avx2(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y);
void umap_epoch_avx512(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y);

// The kernel of scan::best_isa(): avx512, avx2, or generic (EMBSCOPE_SCAN_KERNEL forces one).
UmapEpochFn best_umap_epoch();

}  // namespace embscope

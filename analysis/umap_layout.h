// UMAP's layout optimisation (umap-learn optimize_layout_euclidean with move_other): SGD over
// the edges of the fuzzy graph, each sampled in proportion to its weight, with
// negative_sample_rate random repulsive samples per attractive one, gradients clipped at 4
// and a linearly decaying learning rate. Sees only plain arrays (analysis/umap.cc builds them).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace embscope {

struct UmapLayoutParams {
  double a = 0, b = 0;  // the output curve 1 / (1 + a d^2b)
  double learning_rate = 1, repulsion_strength = 1;
  size_t negative_sample_rate = 5, epochs = 0;
  uint64_t seed = 1;
  // Edges split across threads, each moving its own copy of the layout, the moves summed
  // after every epoch; reproducible for a seed and thread count (umap-learn's parallel mode
  // shares one layout without locks and is not).
  size_t threads = 1;
  std::function<void(size_t)> progress;  // every 10 epochs; may be empty
};

// Edges (head[e], tail[e], weight[e] > 0), both directions of each symmetric edge; `y` (n, dims)
// row-major, the initial layout, optimised in place. dims <= kUmapMaxDims.
inline constexpr size_t kUmapMaxDims = 8;
void optimize_umap_layout(const std::vector<uint32_t>& head, const std::vector<uint32_t>& tail,
                          const std::vector<double>& weight, std::vector<float>& y, size_t dims,
                          const UmapLayoutParams& params);

}  // namespace embscope

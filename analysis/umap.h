// UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426) with umap-learn 0.5's choices so
// results are comparable: the exact n_neighbors-NN graph (the point itself counted, as
// umap-learn does), per-point rho / sigma by binary search to log2(k) (smooth_knn_dist),
// the fuzzy union A + A^T - A o A^T, edges below max / n_epochs dropped; the output curve
// 1 / (1 + a d^2b) fitted to min_dist / spread by least squares (find_ab_params); spectral
// initialisation from the normalised Laplacian (Lanczos; a graph in several connected parts
// gets one spectral layout per part, placed apart), scaled to [0, 10]; SGD with
// per-edge sampling by weight, negative_sample_rate random repulsive samples, gradient
// clipping at 4 and a linearly decaying learning rate (analysis/umap_layout.h). The same
// seed and layout thread count give the same map.
// Sees only row-major float matrices.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/knn_graph.h"
#include "core/error.h"
#include "core/matrix_view.h"

namespace embscope {

struct UmapOptions {
  size_t n_neighbors = 15;  // including the point itself; lowered to n - 1 for small sets
  size_t dims = 2;
  double min_dist = 0.1, spread = 1.0;
  size_t epochs = 0;  // 0 = umap-learn's default: 500 up to 10,000 points, else 200
  double learning_rate = 1.0;
  double repulsion_strength = 1.0;
  size_t negative_sample_rate = 5;
  uint64_t seed = 1;
  // The k-NN graph: screened (approximate, recall reported) from kScreenedKnnFrom points on
  // where the CPU has the int8 kernel, as umap-learn turns to NN-descent above 4,096 points;
  // its threads do not change the result.
  KnnOptions knn{.method = KnnMethod::Auto};
  size_t layout_threads = 1;  // for the SGD: the map depends on the count (not on the machine)
  // Called every 10 epochs with the epoch done; may be empty.
  std::function<void(size_t)> progress;
};

struct UmapResult {
  std::vector<double> y;  // (n, dims) row-major
  size_t n_neighbors = 0, epochs = 0, n_edges = 0;
  double a = 0, b = 0;
  KnnInfo knn;
  size_t n_graph_components = 1;  // > 1: each part laid out on its own (multi_component_layout)
};

// The (a, b) of the curve 1 / (1 + a x^2b) closest in least squares to 1 for x < min_dist and
// exp(-(x - min_dist) / spread) beyond, on 300 points over [0, 3 spread] (umap-learn's
// find_ab_params; min_dist 0.1, spread 1 -> a ~ 1.577, b ~ 0.895).
std::pair<double, double> umap_curve_params(double spread, double min_dist);

// Errors: InvalidArgument for fewer than 3 points, n_neighbors < 2, or dims outside 1..8 or
// not below n; NonFinite for NaN/Inf
// values (naming the point).
Result<UmapResult> umap(MatrixView x, const UmapOptions& options);

}  // namespace embscope

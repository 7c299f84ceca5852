// Exact k-NN graph: every point against every other, each pair scored once.
#include "analysis/knn_graph.h"

#include <algorithm>

#include "analysis/neighbor_index.h"

namespace embscope {

KnnGraph exact_knn(MatrixView x, size_t k, size_t threads) {
  const size_t n = x.n_rows;
  KnnGraph g;
  g.n_points = n;
  g.k = k;
  g.index.resize(n * k);
  g.distance.resize(n * k);
  // Each pair of points scored once (NeighborIndex::search_all).
  const auto nn = NeighborIndex(RowTable::of(x), Metric::Euclidean).search_all(k, threads);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < k; ++j) {
      // Fewer than k answers only happens with k >= n; repeat the last to keep the shape.
      const Neighbor& e = j < nn[i].size() ? nn[i][j] : nn[i].back();
      g.index[i * k + j] = e.row;
      g.distance[i * k + j] = e.score;
    }
  }
  return g;
}

}  // namespace embscope

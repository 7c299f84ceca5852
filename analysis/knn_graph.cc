// The exact k-NN graph, the choice between it and the screened one, and the recall measure.
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

KnnGraph knn_graph(MatrixView x, size_t k, const KnnOptions& o) {
  const bool screened = o.method == KnnMethod::Screened ||
                        (o.method == KnnMethod::Auto && x.n_rows >= kScreenedKnnFrom && screen::fast());
  if (!screened) return exact_knn(x, k, o.threads);
  KnnGraph g = screened_knn(x, k, o.threads, o.candidates ? o.candidates : std::max<size_t>(32, 2 * k),
                            screen::best_kernel());
  if (o.recall_sample > 0) {
    g.info.recall_points = std::min(o.recall_sample, x.n_rows);
    g.info.recall = knn_recall(x, g, g.info.recall_points);
  }
  return g;
}

double knn_recall(MatrixView x, const KnnGraph& g, size_t sample) {
  const size_t n = x.n_rows, d = x.n_cols, k = g.k;
  sample = std::min(sample, n);
  if (sample == 0 || k == 0) return 1.0;
  std::vector<float> queries(sample * d);
  std::vector<std::vector<uint32_t>> self(sample);
  for (size_t s = 0; s < sample; ++s) {
    const size_t i = s * n / sample;
    std::copy_n(x.data + i * d, d, queries.data() + s * d);
    self[s] = {static_cast<uint32_t>(i)};
  }
  const NeighborIndex index(RowTable::of(x), Metric::Euclidean);
  SearchFilter filter;
  filter.exclude = self;
  size_t hits = 0;
  const auto nn = index.search(MatrixView{queries.data(), sample, d}, k, filter);
  for (size_t s = 0; s < sample; ++s) {
    const size_t i = s * n / sample;
    if (nn[s].empty()) continue;
    const double kth = nn[s].back().score;
    for (size_t j = 0; j < k; ++j) hits += g.distance[i * k + j] <= kth * (1 + 1e-12) ? 1 : 0;
  }
  return static_cast<double>(hits) / static_cast<double>(sample * k);
}

}  // namespace embscope

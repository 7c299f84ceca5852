// Exact k-NN graph: NeighborIndex queries in thread-sized slices.
#include "analysis/knn_graph.h"

#include <algorithm>
#include <thread>

#include "analysis/neighbor_index.h"

namespace embscope {

KnnGraph exact_knn(MatrixView x, size_t k, size_t threads) {
  const size_t n = x.n_rows, d = x.n_cols;
  KnnGraph g;
  g.n_points = n;
  g.k = k;
  g.index.resize(n * k);
  g.distance.resize(n * k);
  const NeighborIndex index(RowTable::of(x), Metric::Euclidean);
  // Slices of 1,024 queries: the batched scan packs and reads the points once per slice.
  const size_t slice = 1024;
  const size_t n_slices = (n + slice - 1) / slice;
  const size_t t = std::max<size_t>(1, std::min(threads, n_slices));
  auto work = [&](size_t w) {
    std::vector<std::vector<uint32_t>> self;
    for (size_t s = w; s < n_slices; s += t) {
      const size_t first = s * slice, count = std::min(slice, n - first);
      self.assign(count, {});
      for (size_t i = 0; i < count; ++i) self[i] = {static_cast<uint32_t>(first + i)};
      const auto nn = index.search(MatrixView{x.data + first * d, count, d}, k, SearchFilter{nullptr, self});
      for (size_t i = 0; i < count; ++i) {
        for (size_t j = 0; j < k; ++j) {
          // Fewer than k answers only happens with k >= n; repeat the last to keep the shape.
          const Neighbor& e = j < nn[i].size() ? nn[i][j] : nn[i].back();
          g.index[(first + i) * k + j] = e.row;
          g.distance[(first + i) * k + j] = e.score;
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t w = 1; w < t; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& th : pool) th.join();
  return g;
}

}  // namespace embscope

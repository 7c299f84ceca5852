// The k nearest neighbours of every point of a set among the others (euclidean, exact): the
// graph t-SNE's input affinities and UMAP's fuzzy simplicial set are built from. Each pair
// of points is scored once, the pairs split across threads (NeighborIndex::search_all); the
// answer does not depend on the thread count. Sees only row-major float matrices.
#pragma once

#include <cstdint>
#include <vector>

#include "core/matrix_view.h"

namespace embscope {

struct KnnGraph {
  size_t n_points = 0, k = 0;
  std::vector<uint32_t> index;   // (n, k) row-major: neighbour j of point i, nearest first
  std::vector<double> distance;  // (n, k) euclidean distance, ascending in each row
};

// Point i itself is never among its neighbours (a duplicate of it may be). Requires
// 1 <= k < n; ties by lower index.
KnnGraph exact_knn(MatrixView x, size_t k, size_t threads);

}  // namespace embscope

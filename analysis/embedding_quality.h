// How well a low-dimensional map keeps the neighbourhoods of the original points, the figures
// projection papers report: trustworthiness (Venna & Kaski 2001; scikit-learn's
// sklearn.manifold.trustworthiness with euclidean distances) and k-NN preservation (the mean
// share of each point's k nearest neighbours that are still among its k nearest on the map).
// Exact, O(n^2 D): meant for up to a few thousand points (callers sample larger sets).
#pragma once

#include <cstddef>
#include <span>

#include "core/error.h"
#include "core/matrix_view.h"

namespace embscope {

struct MapQuality {
  double trustworthiness = 0;
  double knn_preservation = 0;
  size_t k = 0;
};

// high: (n, D) original points; low: (n, d) their map positions, row-major doubles.
// Errors: InvalidArgument unless 1 <= k < n / 2 (scikit-learn's condition) and shapes agree.
// The points are split across `threads`; the result does not depend on the count.
Result<MapQuality> map_quality(MatrixView high, std::span<const double> low, size_t low_dims, size_t k,
                               size_t threads = 1);

}  // namespace embscope

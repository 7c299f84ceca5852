// Trustworthiness and k-NN preservation by full distance ranks.
#include "analysis/embedding_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

namespace embscope {
namespace {

// Row i's other points ordered by distance (ties by index), as indices.
std::vector<uint32_t> order_by_distance(const std::vector<double>& dist_row, size_t self) {
  std::vector<uint32_t> idx(dist_row.size());
  std::iota(idx.begin(), idx.end(), 0u);
  idx.erase(idx.begin() + static_cast<ptrdiff_t>(self));
  std::sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return dist_row[a] < dist_row[b] || (dist_row[a] == dist_row[b] && a < b); });
  return idx;
}

}  // namespace

Result<MapQuality> map_quality(MatrixView high, std::span<const double> low, size_t low_dims, size_t k) {
  const size_t n = high.n_rows, d = high.n_cols;
  if (low_dims == 0 || low.size() != n * low_dims)
    return make_error(ErrorKind::InvalidArgument, "map quality", "the map has a different number of points");
  if (k < 1 || 2 * k >= n) {
    return make_error(ErrorKind::InvalidArgument, "map quality",
                      fmt::format("k = {} neighbours needs more than {} points (k < n / 2)", k, 2 * k));
  }
  std::vector<double> dh(n), dl(n);
  double penalty = 0, kept = 0;
  std::vector<uint32_t> rank(n);  // rank of each point in row i's original ordering, 1-based
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double s = 0;
      for (size_t c = 0; c < d; ++c) {
        const double t = static_cast<double>(high.data[i * d + c]) - high.data[j * d + c];
        s += t * t;
      }
      dh[j] = s;
      double u = 0;
      for (size_t c = 0; c < low_dims; ++c) {
        const double t = low[i * low_dims + c] - low[j * low_dims + c];
        u += t * t;
      }
      dl[j] = u;
    }
    const auto oh = order_by_distance(dh, i), ol = order_by_distance(dl, i);
    for (size_t r = 0; r < oh.size(); ++r) rank[oh[r]] = static_cast<uint32_t>(r + 1);
    for (size_t r = 0; r < k; ++r) {
      const uint32_t j = ol[r];
      if (rank[j] > k) penalty += static_cast<double>(rank[j] - k);
      else kept += 1;
    }
  }
  const double nn = static_cast<double>(n), kk = static_cast<double>(k);
  MapQuality q;
  q.k = k;
  q.trustworthiness = 1.0 - penalty * (2.0 / (nn * kk * (2.0 * nn - 3.0 * kk - 1.0)));
  q.knn_preservation = kept / (nn * kk);
  return q;
}

}  // namespace embscope

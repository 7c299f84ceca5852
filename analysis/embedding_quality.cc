// Trustworthiness and k-NN preservation: per point, its k nearest on the map and their ranks
// in the original space.
#include "analysis/embedding_quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "analysis/f64x8.h"
#include "core/parallel.h"

namespace embscope {
namespace {

// Squared euclidean distance in double, in eight running sums (lane c % 8) added in a fixed
// order: vectorised, and the same sum in every build up to FMA contraction.
EMB_F64X8_CLONES double squared_distance(const double* a, const double* b, size_t d) {
  F64x8 s = {};
  size_t c = 0;
  for (; c + 8 <= d; c += 8) {
    F64x8 u, v;
    load_f64x8(u, a + c);
    load_f64x8(v, b + c);
    const F64x8 t = u - v;
    s += t * t;
  }
  for (size_t l = 0; c < d; ++c, ++l) s[l] += (a[c] - b[c]) * (a[c] - b[c]);
  return sum_lanes(s);
}

}  // namespace

Result<MapQuality> map_quality(MatrixView high, std::span<const double> low, size_t low_dims, size_t k,
                               size_t threads) {
  const size_t n = high.n_rows, d = high.n_cols;
  if (low_dims == 0 || low.size() != n * low_dims)
    return make_error(ErrorKind::InvalidArgument, "map quality", "the map has a different number of points");
  if (k < 1 || 2 * k >= n) {
    return make_error(ErrorKind::InvalidArgument, "map quality",
                      fmt::format("k = {} neighbours needs more than {} points (k < n / 2)", k, 2 * k));
  }
  const std::vector<double> x(high.data, high.data + n * d);  // (n, D) in double
  // Order of the other points by distance, ties by index (as a stable sort of the indices).
  auto before = [](const std::vector<double>& dist, uint32_t a, uint32_t b) {
    return dist[a] < dist[b] || (dist[a] == dist[b] && a < b);
  };
  // Per range of points: the penalty and the kept count, both whole numbers (exact sums).
  const size_t parts = std::min<size_t>(n, 64);
  std::vector<double> penalty_part(parts, 0.0), kept_part(parts, 0.0);
  run_jobs(parts, std::max<size_t>(1, threads), [&](size_t part, size_t) {
    std::vector<double> dh(n), dl(n);
    std::vector<uint32_t> near(n - 1);
    double penalty = 0, kept = 0;
    for (size_t i = range_begin(n, parts, part); i < range_begin(n, parts, part + 1); ++i) {
      for (size_t j = 0; j < n; ++j) {
        dh[j] = squared_distance(&x[i * d], &x[j * d], d);
        double u = 0;
        for (size_t c = 0; c < low_dims; ++c) {
          const double t = low[i * low_dims + c] - low[j * low_dims + c];
          u += t * t;
        }
        dl[j] = u;
      }
      // The k nearest on the map...
      near.clear();
      for (size_t j = 0; j < n; ++j)
        if (j != i) near.push_back(static_cast<uint32_t>(j));
      std::nth_element(near.begin(), near.begin() + static_cast<ptrdiff_t>(k - 1), near.end(),
                       [&](uint32_t a, uint32_t b) { return before(dl, a, b); });
      // ... and each one's 1-based rank among the others in the original space.
      for (size_t r = 0; r < k; ++r) {
        const uint32_t j = near[r];
        size_t rank = 1;
        for (size_t l = 0; l < n; ++l) rank += l != i && before(dh, static_cast<uint32_t>(l), j);
        if (rank > k) penalty += static_cast<double>(rank - k);
        else kept += 1;
      }
    }
    penalty_part[part] = penalty;
    kept_part[part] = kept;
  });
  double penalty = 0, kept = 0;
  for (size_t part = 0; part < parts; ++part) penalty += penalty_part[part], kept += kept_part[part];
  const double nn = static_cast<double>(n), kk = static_cast<double>(k);
  MapQuality q;
  q.k = k;
  q.trustworthiness = 1.0 - penalty * (2.0 / (nn * kk * (2.0 * nn - 3.0 * kk - 1.0)));
  q.knn_preservation = kept / (nn * kk);
  return q;
}

}  // namespace embscope

// The k-NN graphs: the screened (int8) graph against the exact one (recall, exact distances
// for what it finds), its two kernels against each other, thread-count independence,
// duplicates and tiny sets, the recall measure itself, and the automatic choice.
#include "analysis/knn_graph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>

namespace embscope {
namespace {

// n points of dimension d in `groups` Gaussian clusters with spread 0.6 around unit-variance
// centres (the shape of the projection bench), row-major.
std::vector<float> points(size_t n, size_t d, size_t groups, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> centres(groups * d);
  for (float& c : centres) c = g(rng);
  std::vector<float> x(n * d);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < d; ++j) x[i * d + j] = centres[(i % groups) * d + j] + 0.6f * g(rng);
  return x;
}

// Share of the screened neighbours within the exact k-th distance, and the largest relative
// difference between a screened distance and the exact distance to the same row.
struct Agreement {
  double recall = 0, distance_error = 0;
};

Agreement compare(MatrixView x, const KnnGraph& got, const KnnGraph& exact) {
  Agreement a;
  const size_t n = x.n_rows, d = x.n_cols, k = exact.k;
  size_t hits = 0;
  for (size_t i = 0; i < n; ++i) {
    const double kth = exact.distance[i * k + k - 1];
    for (size_t j = 0; j < k; ++j) {
      hits += got.distance[i * k + j] <= kth * (1 + 1e-12);
      const uint32_t r = got.index[i * k + j];
      EXPECT_NE(r, i) << "point " << i << " is its own neighbour";
      double s = 0;
      for (size_t c = 0; c < d; ++c) {
        const double v = static_cast<double>(x.data[i * d + c]) - x.data[r * d + c];
        s += v * v;
      }
      a.distance_error = std::max(a.distance_error, std::fabs(got.distance[i * k + j] - std::sqrt(s)) / std::sqrt(s));
      if (j > 0) {
        EXPECT_LE(got.distance[i * k + j - 1], got.distance[i * k + j]) << "point " << i;
      }
    }
  }
  a.recall = static_cast<double>(hits) / static_cast<double>(n * k);
  return a;
}

TEST(ScreenedKnn, FindsTheExactNeighboursWithBothKernels) {
  // 101 dimensions: padded to 104 for the four-byte groups; 3,001 points: a partial last
  // block and slice.
  const size_t n = 3001, d = 101, k = 15;
  const auto x = points(n, d, 20, 3);
  const MatrixView m{x.data(), n, d};
  const KnnGraph exact = exact_knn(m, k, 1);
  for (const screen::Kernel& kernel : {screen::generic_kernel(), screen::best_kernel()}) {
    const KnnGraph got = screened_knn(m, k, 1, 32, kernel);
    EXPECT_TRUE(got.info.screened);
    EXPECT_EQ(got.info.candidates, 32u);
    const Agreement a = compare(m, got, exact);
    EXPECT_GE(a.recall, 0.99) << kernel.name;
    EXPECT_LT(a.distance_error, 1e-12) << kernel.name;
    // What the recall measure reports on a sample agrees with the full comparison.
    EXPECT_NEAR(knn_recall(m, got, 500), a.recall, 0.01) << kernel.name;
  }
}

TEST(ScreenedKnn, KernelsAgreeOnEveryHit) {
  if (!screen::fast()) GTEST_SKIP() << "no AVX-512 VNNI on this CPU";
  const size_t n = 200, d = 64;
  const auto x = points(n, d, 5, 11);
  // Quantise by hand as the screen does (zero mean assumed away: rows used as they are).
  const size_t dp = 64;
  std::vector<int8_t> q(n * dp);
  std::vector<uint8_t> blocks((n + 15) / 16 * 16 * dp, 128);
  std::vector<int32_t> corr(n);
  std::vector<float> scale(n + 16, 0.0f), half(n + 16, 1.0f), cut(n + 16, 0.5f);
  std::mt19937 rng(5);
  for (size_t r = 0; r < n; ++r) {
    scale[r] = 0.01f * (1 + r % 7);
    half[r] = 0.1f * (r % 5);
    cut[r] = -1.0f + 0.01f * (r % 13);
    int32_t sum = 0;
    for (size_t j = 0; j < d; ++j) {
      const auto v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
      q[r * dp + j] = v;
      blocks[(r / 16) * dp * 16 + ((j / 4) * 16 + r % 16) * 4 + j % 4] = static_cast<uint8_t>(v + 128);
      sum += v;
    }
    corr[r] = 128 * sum;
  }
  for (uint32_t nq : {1u, 7u, 12u}) {
    for (bool both : {false, true}) {
      const screen::ScreenTile t{blocks.data(), 13, 200, q.data(), nq, static_cast<uint32_t>(dp), corr.data(),
                                 scale.data(), half.data(), cut.data(), scale.data(), half.data(), cut.data(), both};
      std::vector<screen::Hit> a(2 * nq * 208), b(2 * nq * 208);
      const size_t na = screen::screen_generic(t, a.data()), nb = screen::screen_vnni(t, b.data());
      ASSERT_GT(na, 0u);
      std::set<std::tuple<uint32_t, uint32_t, uint32_t>> sa, sb;
      for (size_t i = 0; i < na; ++i) sa.insert({a[i].q, a[i].r, a[i].to_row});
      for (size_t i = 0; i < nb; ++i) sb.insert({b[i].q, b[i].r, b[i].to_row});
      EXPECT_EQ(sa, sb) << "nq " << nq << " both " << both;
      EXPECT_EQ(na, nb);
    }
  }
}

TEST(ScreenedKnn, SameGraphOnAnyThreadCount) {
  const size_t n = 2500, d = 48, k = 10;
  const auto x = points(n, d, 8, 4);
  const MatrixView m{x.data(), n, d};
  const KnnGraph one = screened_knn(m, k, 1, 24, screen::best_kernel());
  const KnnGraph two = screened_knn(m, k, 2, 24, screen::best_kernel());
  EXPECT_EQ(one.index, two.index);
  EXPECT_EQ(one.distance, two.distance);
}

TEST(ScreenedKnn, DuplicatesAndTinySets) {
  // Every point the same: every score ties; pools stay bounded and every answer is another
  // point at distance 0.
  const size_t n = 1200, d = 16, k = 5;
  std::vector<float> same(n * d, 0.25f);
  const KnnGraph g = screened_knn({same.data(), n, d}, k, 2, 16, screen::best_kernel());
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      EXPECT_NE(g.index[i * k + j], i);
      EXPECT_EQ(g.distance[i * k + j], 0.0);
    }
  // Fewer points than candidates: every other point is a candidate, so the graph is exact.
  const auto x = points(6, 9, 2, 8);
  const MatrixView m{x.data(), 6, 9};
  const KnnGraph small = screened_knn(m, 3, 1, 64, screen::best_kernel());
  const KnnGraph exact = exact_knn(m, 3, 1);
  EXPECT_EQ(small.index, exact.index);
  EXPECT_EQ(small.info.candidates, 5u);
}

TEST(KnnRecall, ExactGraphScoresOneAndAWrongGraphLess) {
  const size_t n = 800, d = 20, k = 8;
  const auto x = points(n, d, 4, 9);
  const MatrixView m{x.data(), n, d};
  KnnGraph g = exact_knn(m, k, 1);
  EXPECT_DOUBLE_EQ(knn_recall(m, g, 100), 1.0);
  // The last neighbour of every point pushed past the exact k-th distance (as a wrong answer is).
  for (size_t i = 0; i < n; ++i) g.distance[i * k + k - 1] *= 3;
  EXPECT_NEAR(knn_recall(m, g, n), 1.0 - 1.0 / k, 1e-12);
}

TEST(KnnGraph, AutoIsExactForSmallSetsAndScreenedWhenAsked) {
  const size_t n = 1000, d = 24, k = 6;
  const auto x = points(n, d, 4, 10);
  const MatrixView m{x.data(), n, d};
  const KnnGraph a = knn_graph(m, k, {.method = KnnMethod::Auto});
  EXPECT_FALSE(a.info.screened);
  const KnnGraph s = knn_graph(m, k, {.method = KnnMethod::Screened, .recall_sample = 200});
  EXPECT_TRUE(s.info.screened);
  EXPECT_EQ(s.info.candidates, 32u);  // max(32, 2k)
  EXPECT_EQ(s.info.recall_points, 200u);
  EXPECT_GE(s.info.recall, 0.99);
}

}  // namespace
}  // namespace embscope

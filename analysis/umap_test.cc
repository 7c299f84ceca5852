// UMAP: the curve fit against umap-learn's find_ab_params, planted clusters separating with
// one and two threads, determinism for a seed, small sets and bad input.
#include "analysis/umap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

namespace embscope {
namespace {

TEST(UmapCurve, MatchesUmapLearnFindAbParams) {
  // umap.umap_.find_ab_params(spread, min_dist), umap-learn 0.5.3 (scipy curve_fit).
  const struct {
    double spread, min_dist, a, b;
  } cases[] = {{1, 0.1, 1.5769434601962196, 0.8950608779914887},
               {1, 0.5, 0.583030020479462, 1.3341669929263487},
               {2, 0.01, 0.6353444079504852, 0.7955528900000487},
               {1, 0.0, 1.9328083975546724, 0.7904949734010681}};
  for (const auto& c : cases) {
    const auto [a, b] = umap_curve_params(c.spread, c.min_dist);
    EXPECT_NEAR(a, c.a, 1e-4 * c.a) << c.spread << " " << c.min_dist;
    EXPECT_NEAR(b, c.b, 1e-4 * c.b) << c.spread << " " << c.min_dist;
  }
}

std::vector<float> clusters(size_t per, size_t d, int n_clusters, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> x;
  for (int c = 0; c < n_clusters; ++c)
    for (size_t i = 0; i < per; ++i)
      for (size_t j = 0; j < d; ++j) x.push_back(g(rng) + (j == static_cast<size_t>(c) ? 10.0f : 0.0f));
  return x;
}

// Share of points whose nearest cluster centre on the map is their own cluster's.
double separated(const std::vector<double>& y, size_t per, int n_clusters) {
  std::vector<double> cx(n_clusters), cy(n_clusters);
  const size_t n = per * n_clusters;
  for (size_t i = 0; i < n; ++i) cx[i / per] += y[2 * i] / per, cy[i / per] += y[2 * i + 1] / per;
  size_t good = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t best = 0;
    for (int c = 1; c < n_clusters; ++c)
      if (std::hypot(y[2 * i] - cx[c], y[2 * i + 1] - cy[c]) < std::hypot(y[2 * i] - cx[best], y[2 * i + 1] - cy[best]))
        best = c;
    good += best == i / per;
  }
  return static_cast<double>(good) / static_cast<double>(n);
}

TEST(Umap, PlantedClustersSeparateWithOneAndTwoThreads) {
  const size_t per = 80, d = 12;
  const auto x = clusters(per, d, 4, 7);
  // Every layout kernel: the one this CPU picks (AVX-512 on x86-64 with it: two edges'
  // repulsive samples share a register), AVX2 and the generic one; and more repulsive samples
  // an edge than its eight lanes hold.
  for (const char* kernel : {"", "avx2", "generic"}) {
    for (size_t threads : {1u, 2u}) {
      setenv("EMBSCOPE_SCAN_KERNEL", kernel, 1);
      UmapOptions o;
      o.layout_threads = o.knn.threads = threads;
      o.epochs = 200;
      for (size_t rate : {5u, 12u}) {
        o.negative_sample_rate = rate;
        auto r = umap(MatrixView{x.data(), 4 * per, d}, o);
        ASSERT_TRUE(r.has_value()) << r.error().to_string();
        for (double v : r->y) ASSERT_TRUE(std::isfinite(v));
        EXPECT_EQ(r->n_neighbors, 15u);
        EXPECT_GT(r->n_edges, 4 * per * 14);  // every point keeps its neighbours (both directions)
        EXPECT_EQ(separated(r->y, per, 4), 1.0) << threads << " threads, kernel '" << kernel << "', rate " << rate;
      }
      unsetenv("EMBSCOPE_SCAN_KERNEL");
    }
  }
}

TEST(Umap, ReproducibleForASeedAndThreadCount) {
  const auto x = clusters(400, 8, 3, 11);  // 1,200 points: enough edges for two layout threads
  for (size_t threads : {1u, 2u}) {
    UmapOptions o;
    o.epochs = 50;
    o.layout_threads = threads;
    auto a = umap(MatrixView{x.data(), 1200, 8}, o), b = umap(MatrixView{x.data(), 1200, 8}, o);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->y, b->y) << threads;
    o.seed = 2;
    auto c = umap(MatrixView{x.data(), 1200, 8}, o);
    ASSERT_TRUE(c);
    EXPECT_NE(a->y, c->y) << threads;
  }
}

TEST(Umap, DisconnectedGraphLaysOutEachPart) {
  // Two far-apart clusters of 20 with 15 neighbours each: no edge between them.
  const auto x = clusters(20, 4, 2, 3);
  std::vector<float> far = x;
  for (size_t i = 20; i < 40; ++i) far[i * 4] += 1000;
  auto r = umap(MatrixView{far.data(), 40, 4}, UmapOptions{});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->n_graph_components, 2u);
  EXPECT_EQ(separated(r->y, 20, 2), 1.0);
}

TEST(Umap, SmallSetsAndBadInput) {
  std::vector<float> x = {0, 0, 1, 0, 0, 1, 1, 1, 2, 2};
  auto r = umap(MatrixView{x.data(), 5, 2}, UmapOptions{});
  ASSERT_TRUE(r.has_value()) << r.error().to_string();
  EXPECT_EQ(r->n_neighbors, 4u);  // umap-learn truncates n_neighbors to n - 1
  EXPECT_FALSE(umap(MatrixView{x.data(), 2, 2}, UmapOptions{}).has_value());
  UmapOptions one;
  one.n_neighbors = 1;
  EXPECT_FALSE(umap(MatrixView{x.data(), 5, 2}, one).has_value());
  x[3] = NAN;
  auto bad = umap(MatrixView{x.data(), 5, 2}, UmapOptions{});
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("point 1"), std::string::npos) << bad.error().to_string();
  // Duplicate and constant points: finite coordinates.
  std::vector<float> same(30 * 3, 1.0f);
  auto c = umap(MatrixView{same.data(), 30, 3}, UmapOptions{});
  ASSERT_TRUE(c.has_value()) << c.error().to_string();
  for (double v : c->y) EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace embscope

// t-SNE: Barnes-Hut repulsion against the exact sum, and planted clusters separating.
#include "analysis/tsne.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/quadtree.h"

namespace embscope {
namespace {

TEST(QuadTree, RepulsionApproachesTheExactSum) {
  std::mt19937 rng(3);
  std::normal_distribution<double> g;
  std::vector<double> y(2 * 500);
  for (auto& v : y) v = g(rng) * 5;
  y[2 * 7] = y[2 * 8], y[2 * 7 + 1] = y[2 * 8 + 1];  // two coincident points
  const QuadTree tree(y);
  for (size_t i : {0u, 7u, 8u, 499u}) {
    double exact_f[2] = {0, 0}, exact_z = 0;
    for (size_t j = 0; j < 500; ++j) {
      if (j == i) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], q = 1 / (1 + dx * dx + dy * dy);
      exact_z += q, exact_f[0] += q * q * dx, exact_f[1] += q * q * dy;
    }
    double f0[2] = {0, 0};
    EXPECT_NEAR(tree.repulsion(i, 0.0, f0), exact_z, 1e-9 * exact_z) << i;  // theta 0: exact
    EXPECT_NEAR(f0[0], exact_f[0], 1e-9);
    EXPECT_NEAR(f0[1], exact_f[1], 1e-9);
    double f[2] = {0, 0};
    const double z = tree.repulsion(i, 0.5, f);
    EXPECT_NEAR(z, exact_z, 0.02 * exact_z) << i;
    const double norm = std::hypot(exact_f[0], exact_f[1]);
    EXPECT_NEAR(f[0], exact_f[0], 0.05 * norm + 1e-6) << i;
    EXPECT_NEAR(f[1], exact_f[1], 0.05 * norm + 1e-6) << i;
  }
}

TEST(Tsne, PlantedClustersSeparateExactAndBarnesHut) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g;
  const size_t per = 60, d = 10;
  std::vector<float> x;
  for (int c = 0; c < 3; ++c)
    for (size_t i = 0; i < per; ++i)
      for (size_t j = 0; j < d; ++j) x.push_back(g(rng) + (j == static_cast<size_t>(c) ? 12.0f : 0.0f));
  for (size_t exact_below : {size_t{100000}, size_t{0}}) {
    TsneOptions o;
    o.perplexity = 20;
    o.exact_below = exact_below;
    auto r = tsne(MatrixView{x.data(), 3 * per, d}, o);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_TRUE(std::isfinite(r->kl_divergence));
    // Every point is nearer its own cluster's centre than any other.
    double cx[3] = {}, cy[3] = {};
    for (size_t i = 0; i < 3 * per; ++i) cx[i / per] += r->y[2 * i] / per, cy[i / per] += r->y[2 * i + 1] / per;
    for (size_t i = 0; i < 3 * per; ++i) {
      size_t best = 0;
      double bd = INFINITY;
      for (size_t c = 0; c < 3; ++c) {
        const double dd = std::hypot(r->y[2 * i] - cx[c], r->y[2 * i + 1] - cy[c]);
        if (dd < bd) bd = dd, best = c;
      }
      EXPECT_EQ(best, i / per) << "point " << i << " exact_below " << exact_below;
    }
  }
}

TEST(Tsne, ThreadCountDoesNotChangeTheMap) {
  std::mt19937 rng(9);
  std::normal_distribution<float> g;
  std::vector<float> x(700 * 8);
  for (auto& v : x) v = g(rng);
  TsneOptions o;
  o.exact_below = 0;  // Barnes-Hut, the threaded path
  o.iterations = 300;
  auto one = tsne(MatrixView{x.data(), 700, 8}, o);
  o.threads = 2;
  auto two = tsne(MatrixView{x.data(), 700, 8}, o);
  ASSERT_TRUE(one.has_value() && two.has_value());
  EXPECT_EQ(one->y, two->y);
  EXPECT_EQ(one->kl_divergence, two->kl_divergence);
}

TEST(Tsne, BadInput) {
  std::vector<float> x(10 * 3, 1.0f);
  TsneOptions o;
  o.perplexity = 30;
  auto r = tsne(MatrixView{x.data(), 10, 3}, o);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("below 10"), std::string::npos) << r.error().message;
  o.perplexity = 3;  // identical points: a defined (degenerate) map, no NaN
  auto same = tsne(MatrixView{x.data(), 10, 3}, o);
  ASSERT_TRUE(same.has_value()) << same.error().to_string();
  for (double v : same->y) EXPECT_TRUE(std::isfinite(v));
  x[4] = NAN;
  auto nan = tsne(MatrixView{x.data(), 10, 3}, o);
  ASSERT_FALSE(nan.has_value());
  EXPECT_EQ(nan.error().kind, ErrorKind::NonFinite);
}

}  // namespace
}  // namespace embscope

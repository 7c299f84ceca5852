// t-SNE: Barnes-Hut and FFT-interpolated repulsion against the exact sums, planted clusters separating.
#include "analysis/tsne.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "analysis/quadtree.h"
#include "analysis/tsne_fft.h"

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

// Exact sum_j q_ij^2 (y_i - y_j) and Z = sum_{i != j} q_ij.
double exact_repulsion(const std::vector<double>& y, std::vector<double>& rep) {
  const size_t n = y.size() / 2;
  rep.assign(2 * n, 0.0);
  double z = 0;
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1], q = 1 / (1 + dx * dx + dy * dy);
      z += q, rep[2 * i] += q * q * dx, rep[2 * i + 1] += q * q * dy;
    }
  return z;
}

TEST(FftRepulsion, ApproachesTheExactSumsAtEveryScale) {
  // Maps from a collapsed start (PCA init, std 1e-4) to a late, spread-out one with clusters
  // (~120 units across: 120 boxes a side), one with coincident points. FIt-SNE's defaults
  // (3 nodes per box of ~1 unit) leave errors of a few percent where boxes are widest (Z within
  // 3 %, forces within 6 % RMS, 15 % at the worst point); 5 nodes shrink them tenfold, which
  // shows the error is the interpolation's and nothing else.
  std::mt19937 rng(4);
  std::normal_distribution<double> g;
  for (double scale : {1e-4, 1.0, 4.0, 10.0}) {
    std::vector<double> y(2 * 1200);
    for (size_t i = 0; i < 1200; ++i) {
      const double cx = static_cast<double>(i % 5) * 3.0 * scale, cy = static_cast<double>(i % 3) * 2.0 * scale;
      y[2 * i] = cx + g(rng) * scale;
      y[2 * i + 1] = cy + g(rng) * scale;
    }
    y[2 * 9] = y[2 * 10], y[2 * 9 + 1] = y[2 * 10 + 1];
    std::vector<double> exact;
    const double z_exact = exact_repulsion(y, exact);
    for (size_t nodes : {3u, 5u})
    for (bool single : {false, true}) {
      FftRepulsionOptions o;
      o.nodes_per_box = nodes;
      o.single_precision = single;
      FftRepulsion rep(o);
      std::vector<double> fft;
      const double z = rep(y, fft);
      const double tolerance = nodes == 3 ? 0.03 : 0.003;
      // Float grids: their rounding is below the interpolation error at 3 nodes, but not at 5
      // on the widest map (its worst point ~2 % of the largest force).
      const double worst_tolerance = single && nodes == 5 ? 0.03 : 5 * tolerance;
      EXPECT_NEAR(z, z_exact, tolerance * z_exact) << "scale " << scale << " nodes " << nodes << " single " << single;
      double worst = 0, largest = 0, err2 = 0, norm2 = 0;
      for (size_t a = 0; a < exact.size(); ++a) {
        worst = std::max(worst, std::abs(fft[a] - exact[a]));
        largest = std::max(largest, std::abs(exact[a]));
        err2 += (fft[a] - exact[a]) * (fft[a] - exact[a]);
        norm2 += exact[a] * exact[a];
      }
      EXPECT_LT(std::sqrt(err2 / norm2), 2 * tolerance) << "scale " << scale << " nodes " << nodes << " single " << single;
      EXPECT_LT(worst, worst_tolerance * largest) << "scale " << scale << " nodes " << nodes << " single " << single;
      // The workspace is reused: a second call on the same map gives the same sums.
      std::vector<double> again;
      EXPECT_EQ(rep(y, again), z);
      EXPECT_EQ(again, fft);
    }
  }
}

TEST(FftRepulsion, AWideMapKeepsTheGridBounded) {
  // A map 1,000 units across with max_boxes 60: boxes of ~17 units and a 360-node grid, not
  // 1,000 boxes. Interpolation that coarse is inaccurate (the cap is a guard against a
  // diverging map, far above the ~10-300 units real maps span); the sums stay finite.
  std::vector<double> y;
  for (int i = 0; i < 200; ++i) y.insert(y.end(), {(i % 2) * 1000.0 + i * 1e-3, i * 2e-3});
  FftRepulsionOptions o;
  o.max_boxes = 60;
  EXPECT_LE(fft_repulsion_boxes(1000.0, o), 64u);
  std::vector<double> fft;
  FftRepulsion rep(o);
  const double z = rep(y, fft);
  EXPECT_TRUE(std::isfinite(z));
  EXPECT_GT(z, 0);
  ASSERT_EQ(fft.size(), y.size());
  for (double v : fft) EXPECT_TRUE(std::isfinite(v));
}

TEST(FftRepulsion, BoxesAreEvenSmoothAndCoverTheSpan) {
  EXPECT_EQ(fft_repulsion_boxes(0.0), 50u);
  EXPECT_EQ(fft_repulsion_boxes(49.5), 50u);
  EXPECT_EQ(fft_repulsion_boxes(51.0), 54u);  // 52 = 4 x 13 is not 5-smooth
  EXPECT_EQ(fft_repulsion_boxes(1e12), 500u);  // max_boxes
  for (double span : {77.0, 123.4, 455.0}) {
    const size_t b = fft_repulsion_boxes(span);
    EXPECT_GE(static_cast<double>(b), span);
    EXPECT_EQ(b % 2, 0u);
    size_t v = b;
    for (size_t f : {2, 3, 5})
      while (v % f == 0) v /= f;
    EXPECT_EQ(v, 1u) << b;
  }
}

TEST(Tsne, PlantedClustersSeparateExactBarnesHutAndFft) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g;
  const size_t per = 60, d = 10;
  std::vector<float> x;
  for (int c = 0; c < 3; ++c)
    for (size_t i = 0; i < per; ++i)
      for (size_t j = 0; j < d; ++j) x.push_back(g(rng) + (j == static_cast<size_t>(c) ? 12.0f : 0.0f));
  for (TsneRepulsion method : {TsneRepulsion::Exact, TsneRepulsion::BarnesHut, TsneRepulsion::Fft}) {
    TsneOptions o;
    o.perplexity = 20;
    o.repulsion = method;
    const char* name = tsne_repulsion_name(method);
    auto r = tsne(MatrixView{x.data(), 3 * per, d}, o);
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(r->repulsion, method);
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
      EXPECT_EQ(best, i / per) << "point " << i << " " << name;
    }
  }
}

TEST(Tsne, ThreadCountDoesNotChangeTheMap) {
  std::mt19937 rng(9);
  std::normal_distribution<float> g;
  std::vector<float> x(700 * 8);
  for (auto& v : x) v = g(rng);
  for (TsneRepulsion method : {TsneRepulsion::BarnesHut, TsneRepulsion::Fft}) {
    TsneOptions o;
    o.repulsion = method;
    o.iterations = 300;
    auto one = tsne(MatrixView{x.data(), 700, 8}, o);
    o.threads = 2;
    auto two = tsne(MatrixView{x.data(), 700, 8}, o);
    ASSERT_TRUE(one.has_value() && two.has_value());
    EXPECT_EQ(one->y, two->y) << tsne_repulsion_name(method);
    EXPECT_EQ(one->kl_divergence, two->kl_divergence);
  }
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
  TsneOptions three = o;  // approximate forces are 2-D only: a clear error, not a silent switch
  three.dims = 3;
  three.repulsion = TsneRepulsion::Fft;
  auto fft3 = tsne(MatrixView{x.data(), 10, 3}, three);
  ASSERT_FALSE(fft3.has_value());
  EXPECT_NE(fft3.error().message.find("2-D maps"), std::string::npos) << fft3.error().message;
  x[4] = NAN;
  auto nan = tsne(MatrixView{x.data(), 10, 3}, o);
  ASSERT_FALSE(nan.has_value());
  EXPECT_EQ(nan.error().kind, ErrorKind::NonFinite);
}

}  // namespace
}  // namespace embscope

// UMAP: fuzzy simplicial set from the exact k-NN graph, spectral initialisation, SGD layout.
// Legend: n points, D input dimensions, d = dims output dimensions, E graph edges (both
// directions of each symmetric edge).
#include "analysis/umap.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "analysis/knn_graph.h"
#include "analysis/pca.h"
#include "analysis/umap_layout.h"

namespace embscope {
namespace {

constexpr double kSmoothKTolerance = 1e-5;  // umap-learn SMOOTH_K_TOLERANCE
constexpr double kMinKDistScale = 1e-3;     // umap-learn MIN_K_DIST_SCALE
constexpr size_t kMaxDims = kUmapMaxDims;

struct Graph {  // symmetric, CSR: row i's entries are cols[start[i]..start[i+1])
  std::vector<size_t> start;
  std::vector<uint32_t> cols;
  std::vector<double> vals;
};

// Distances to the point itself and its k - 1 nearest others: (n, k), first column 0.
// Returns per point sigma and rho (umap-learn smooth_knn_dist, local_connectivity 1).
void smooth_knn_dist(const std::vector<double>& dist, size_t k, std::vector<double>& sigma, std::vector<double>& rho) {
  const size_t n = dist.size() / k;
  const double target = std::log2(static_cast<double>(k));
  const double mean_all = std::accumulate(dist.begin(), dist.end(), 0.0) / static_cast<double>(dist.size());
  sigma.assign(n, 0);
  rho.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const double* di = dist.data() + i * k;
    for (size_t j = 0; j < k; ++j)  // the first non-zero distance (ascending rows)
      if (di[j] > 0) {
        rho[i] = di[j];
        break;
      }
    double lo = 0, hi = INFINITY, mid = 1;
    for (int step = 0; step < 64; ++step) {
      double psum = 0;
      for (size_t j = 1; j < k; ++j) {
        const double t = di[j] - rho[i];
        psum += t > 0 ? std::exp(-(t / mid)) : 1.0;
      }
      if (std::fabs(psum - target) < kSmoothKTolerance) break;
      if (psum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi == INFINITY ? mid * 2 : (lo + hi) / 2;
      }
    }
    sigma[i] = mid;
    const double mean = rho[i] > 0 ? std::accumulate(di, di + k, 0.0) / static_cast<double>(k) : mean_all;
    sigma[i] = std::max(sigma[i], kMinKDistScale * mean);
  }
}

// Membership strengths -> fuzzy union A + A^T - A o A^T, zeros dropped.
Graph fuzzy_union(const std::vector<uint32_t>& idx, const std::vector<double>& dist, size_t k,
                  const std::vector<double>& sigma, const std::vector<double>& rho) {
  const size_t n = idx.size() / k;
  struct Entry {
    uint32_t row, col;
    double value;
    bool transposed;
  };
  std::vector<Entry> entries;
  entries.reserve(2 * n * k);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      const uint32_t c = idx[i * k + j];
      const double t = dist[i * k + j] - rho[i];
      const double v = c == i ? 0.0 : (t <= 0 || sigma[i] == 0) ? 1.0 : std::exp(-(t / sigma[i]));
      entries.push_back({static_cast<uint32_t>(i), c, v, false});
      entries.push_back({c, static_cast<uint32_t>(i), v, true});
    }
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.row != b.row ? a.row < b.row : a.col < b.col; });
  Graph g;
  g.start.assign(n + 1, 0);
  for (size_t a = 0; a < entries.size();) {
    double direct = 0, transposed = 0;
    size_t b = a;
    for (; b < entries.size() && entries[b].row == entries[a].row && entries[b].col == entries[a].col; ++b)
      (entries[b].transposed ? transposed : direct) += entries[b].value;
    const double w = direct + transposed - direct * transposed;
    if (w != 0) {
      g.cols.push_back(entries[a].col);
      g.vals.push_back(w);
      ++g.start[entries[a].row + 1];
    }
    a = b;
  }
  for (size_t i = 0; i < n; ++i) g.start[i + 1] += g.start[i];
  return g;
}

// Connected component of each point, numbered in order of first point; sets `count`.
std::vector<uint32_t> component_labels(const Graph& g, size_t& count) {
  const size_t n = g.start.size() - 1;
  std::vector<uint32_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](uint32_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (size_t i = 0; i < n; ++i)
    for (size_t e = g.start[i]; e < g.start[i + 1]; ++e) {
      const uint32_t a = find(static_cast<uint32_t>(i)), b = find(g.cols[e]);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  std::vector<uint32_t> label(n), number(n, UINT32_MAX);
  count = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint32_t root = find(static_cast<uint32_t>(i));
    if (number[root] == UINT32_MAX) number[root] = static_cast<uint32_t>(count++);
    label[i] = number[root];
  }
  return label;
}

// The eigenvectors of the normalised Laplacian I - D^-1/2 W D^-1/2 with the smallest
// eigenvalues after the trivial one (umap-learn spectral_layout): the largest eigenvectors
// of M = D^-1/2 W D^-1/2 orthogonal to sqrt(degree), by Lanczos with full
// re-orthogonalisation. Returns (n, d) row-major.
std::vector<double> spectral_layout(const Graph& g, size_t d) {
  const size_t n = g.start.size() - 1;
  std::vector<double> dinv(n), trivial(n);
  double tnorm = 0;
  for (size_t i = 0; i < n; ++i) {
    double deg = 0;
    for (size_t e = g.start[i]; e < g.start[i + 1]; ++e) deg += g.vals[e];
    dinv[i] = deg > 0 ? 1 / std::sqrt(deg) : 0;
    trivial[i] = std::sqrt(deg);
    tnorm += deg;
  }
  for (double& v : trivial) v /= std::sqrt(tnorm);
  auto dot = [n](const double* a, const double* b) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
  };
  const size_t max_steps = std::min(n - 1, std::max<size_t>(2 * d + 1, 300));
  std::vector<std::vector<double>> basis;
  std::vector<double> alpha, beta;
  std::vector<double> v(n, 1.0), w(n);
  auto orthogonalise = [&](std::vector<double>& x) {
    for (int pass = 0; pass < 2; ++pass) {  // twice is enough (Kahan, Parlett)
      double c = dot(x.data(), trivial.data());
      for (size_t i = 0; i < n; ++i) x[i] -= c * trivial[i];
      for (const auto& b : basis) {
        c = dot(x.data(), b.data());
        for (size_t i = 0; i < n; ++i) x[i] -= c * b[i];
      }
    }
  };
  orthogonalise(v);
  double norm = std::sqrt(dot(v.data(), v.data()));
  if (norm == 0) v[0] = 1, orthogonalise(v), norm = std::sqrt(dot(v.data(), v.data()));
  for (double& x : v) x /= norm;
  Eigen::MatrixXd ritz;
  std::mt19937_64 restart(n);
  for (size_t m = 0; m < max_steps; ++m) {
    basis.push_back(v);
    for (size_t i = 0; i < n; ++i) {
      double s = 0;
      for (size_t e = g.start[i]; e < g.start[i + 1]; ++e) s += g.vals[e] * dinv[g.cols[e]] * v[g.cols[e]];
      w[i] = dinv[i] * s;
    }
    alpha.push_back(dot(w.data(), v.data()));
    orthogonalise(w);
    const double b = std::sqrt(dot(w.data(), w.data()));
    const size_t steps = basis.size();
    const bool exhausted = steps == max_steps, invariant = b < 1e-10;
    if (steps >= d && (exhausted || invariant || steps % 10 == 0)) {
      Eigen::VectorXd diag = Eigen::Map<Eigen::VectorXd>(alpha.data(), static_cast<Eigen::Index>(steps));
      Eigen::VectorXd sub(static_cast<Eigen::Index>(steps > 1 ? steps - 1 : 1));
      for (size_t i = 0; i + 1 < steps; ++i) sub[static_cast<Eigen::Index>(i)] = beta[i];
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es;
      es.computeFromTridiagonal(diag, sub.head(static_cast<Eigen::Index>(steps - 1)));
      // Converged when each wanted Ritz pair's residual |b * s_last| is small.
      bool converged = true;
      for (size_t c = 0; c < d; ++c) {
        const auto col = static_cast<Eigen::Index>(steps - 1 - c);
        converged = converged && std::fabs(b * es.eigenvectors()(static_cast<Eigen::Index>(steps - 1), col)) < 1e-6;
      }
      if (converged || exhausted) {
        ritz = es.eigenvectors().rightCols(static_cast<Eigen::Index>(d)).rowwise().reverse();
        break;
      }
    }
    if (invariant) {  // the Krylov space is invariant: restart from a fresh direction
      beta.push_back(0);
      std::uniform_real_distribution<double> u(-1, 1);
      for (double& x : w) x = u(restart);
      orthogonalise(w);
      const double wn = std::sqrt(dot(w.data(), w.data()));
      for (size_t i = 0; i < n; ++i) v[i] = w[i] / wn;
      continue;
    }
    beta.push_back(b);
    for (size_t i = 0; i < n; ++i) v[i] = w[i] / b;
  }
  std::vector<double> y(n * d, 0.0);
  for (size_t m = 0; m < basis.size(); ++m)
    for (size_t c = 0; c < d; ++c) {
      const double s = ritz(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(c));
      for (size_t i = 0; i < n; ++i) y[i * d + c] += s * basis[m][i];
    }
  return y;
}

// umap-learn's multi_component_layout: each component gets a place in the map (up to 2 d
// components: the corners +-e_1 .. +-e_d; more: the PCA of the component centroids, where
// umap-learn takes a spectral embedding of their affinities) and its own spectral layout
// scaled to half the distance to the nearest other place; components too small for a
// spectral layout are spread uniformly around their place. Returns (n, d) row-major.
Result<std::vector<double>> multi_component_layout(const Graph& g, const std::vector<uint32_t>& label, size_t n_parts,
                                                   MatrixView x, size_t d, std::mt19937_64& rng) {
  const size_t n = label.size(), D = x.n_cols;
  std::vector<double> place(n_parts * d, 0.0);  // (n_parts, d)
  if (n_parts <= 2 * d) {
    for (size_t c = 0; c < n_parts; ++c) place[c * d + (c % ((n_parts + 1) / 2))] = c < (n_parts + 1) / 2 ? 1.0 : -1.0;
  } else {
    std::vector<float> centroids(n_parts * D, 0.0f);  // (n_parts, D)
    std::vector<size_t> size(n_parts, 0);
    for (size_t i = 0; i < n; ++i) {
      ++size[label[i]];
      for (size_t j = 0; j < D; ++j) centroids[label[i] * D + j] += x.data[i * D + j];
    }
    for (size_t c = 0; c < n_parts; ++c)
      for (size_t j = 0; j < D; ++j) centroids[c * D + j] /= static_cast<float>(size[c]);
    EMB_TRY_ASSIGN(auto p, pca(MatrixView{centroids.data(), n_parts, D}, std::min(d, std::min(n_parts, D))));
    double big = 0;
    for (double v : p.projection) big = std::max(big, std::fabs(v));
    for (size_t c = 0; c < n_parts; ++c)
      for (size_t k = 0; k < p.n_components; ++k)
        place[c * d + k] = big > 0 ? p.projection[c * p.n_components + k] / big : 0.0;
  }
  std::vector<double> y(n * d, 0.0);
  std::vector<uint32_t> local(n);
  for (size_t c = 0; c < n_parts; ++c) {
    double nearest = INFINITY;
    for (size_t o = 0; o < n_parts; ++o) {
      double s = 0;
      for (size_t k = 0; k < d; ++k) s += std::pow(place[c * d + k] - place[o * d + k], 2);
      if (s > 0) nearest = std::min(nearest, std::sqrt(s));
    }
    const double range = std::isfinite(nearest) ? nearest / 2 : 1.0;
    std::vector<uint32_t> members;
    for (size_t i = 0; i < n; ++i)
      if (label[i] == c) local[i] = static_cast<uint32_t>(members.size()), members.push_back(static_cast<uint32_t>(i));
    std::vector<double> part;
    if (members.size() >= 2 * d && members.size() > d + 1) {
      Graph sub;
      sub.start.push_back(0);
      for (uint32_t i : members) {
        for (size_t e = g.start[i]; e < g.start[i + 1]; ++e) sub.cols.push_back(local[g.cols[e]]), sub.vals.push_back(g.vals[e]);
        sub.start.push_back(sub.cols.size());
      }
      part = spectral_layout(sub, d);
      double big = 0;
      for (double v : part) big = std::max(big, std::fabs(v));
      for (double& v : part) v = big > 0 ? v * range / big : 0.0;
    } else {
      std::uniform_real_distribution<double> spread(-range, range);
      part.resize(members.size() * d);
      for (double& v : part) v = spread(rng);
    }
    for (size_t m = 0; m < members.size(); ++m)
      for (size_t k = 0; k < d; ++k) y[members[m] * d + k] = part[m * d + k] + place[c * d + k];
  }
  return y;
}

// umap-learn's initial scaling: x 10 / max |y|, N(0, 1e-4) noise, then each column to [0, 10].
void scale_initialisation(std::vector<double>& y, size_t d, std::mt19937_64& rng) {
  double big = 0;
  for (double v : y) big = std::max(big, std::fabs(v));
  std::normal_distribution<double> noise(0.0, 1e-4);
  for (double& v : y) v = (big > 0 ? v * 10 / big : 0) + noise(rng);
  const size_t n = y.size() / d;
  for (size_t c = 0; c < d; ++c) {
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; ++i) lo = std::min(lo, y[i * d + c]), hi = std::max(hi, y[i * d + c]);
    for (size_t i = 0; i < n; ++i) y[i * d + c] = hi > lo ? 10 * (y[i * d + c] - lo) / (hi - lo) : 0;
  }
}

}  // namespace

std::pair<double, double> umap_curve_params(double spread, double min_dist) {
  // Levenberg-Marquardt from (1, 1), as scipy's curve_fit.
  constexpr int kPoints = 300;
  std::vector<double> xs(kPoints), ys(kPoints);
  for (int i = 0; i < kPoints; ++i) {
    xs[i] = 3 * spread * i / (kPoints - 1);
    ys[i] = xs[i] < min_dist ? 1.0 : std::exp(-(xs[i] - min_dist) / spread);
  }
  auto cost = [&](double a, double b) {
    double s = 0;
    for (int i = 0; i < kPoints; ++i) s += std::pow(1 / (1 + a * std::pow(xs[i], 2 * b)) - ys[i], 2);
    return s;
  };
  double a = 1, b = 1, lambda = 1e-3, current = cost(a, b);
  for (int it = 0; it < 500; ++it) {
    double jtj[3] = {0, 0, 0}, jtr[2] = {0, 0};  // J^T J (aa, ab, bb), J^T r
    for (int i = 0; i < kPoints; ++i) {
      const double p = xs[i] > 0 ? std::pow(xs[i], 2 * b) : 0.0, f = 1 / (1 + a * p), r = f - ys[i];
      const double da = -p * f * f, db = xs[i] > 0 ? -a * p * 2 * std::log(xs[i]) * f * f : 0.0;
      jtj[0] += da * da, jtj[1] += da * db, jtj[2] += db * db;
      jtr[0] += da * r, jtr[1] += db * r;
    }
    const double m00 = jtj[0] * (1 + lambda), m11 = jtj[2] * (1 + lambda), det = m00 * m11 - jtj[1] * jtj[1];
    if (det == 0) break;
    const double step_a = -(m11 * jtr[0] - jtj[1] * jtr[1]) / det, step_b = -(m00 * jtr[1] - jtj[1] * jtr[0]) / det;
    const double next = cost(a + step_a, b + step_b);
    if (next < current) {
      a += step_a, b += step_b;
      const bool done = current - next < 1e-15 * current;
      current = next;
      lambda = std::max(lambda / 10, 1e-12);
      if (done) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return {a, b};
}

Result<UmapResult> umap(MatrixView x, const UmapOptions& o) {
  const size_t n = x.n_rows, D = x.n_cols, d = o.dims;
  if (n < 3) return make_error(ErrorKind::InvalidArgument, "umap", fmt::format("UMAP needs at least 3 points, got {}", n));
  if (o.n_neighbors < 2)
    return make_error(ErrorKind::InvalidArgument, "--neighbors", "UMAP needs n_neighbors >= 2 (the point itself counts)");
  if (d < 1 || d > kMaxDims || d >= n)
    return make_error(ErrorKind::InvalidArgument, "--dims",
                      fmt::format("UMAP maps to 1..{} dimensions, fewer than the points ({}); asked for {}", kMaxDims, n, d));
  for (size_t i = 0; i < n * D; ++i)
    if (!std::isfinite(x.data[i]))
      return make_error(ErrorKind::NonFinite, "umap", fmt::format("point {} has a non-finite value", i / D));

  UmapResult r;
  r.n_neighbors = std::min(o.n_neighbors, n - 1);  // umap-learn truncates for small sets
  const size_t k = r.n_neighbors;
  // The k-NN graph with the point itself first at distance 0.
  const KnnGraph others = knn_graph(x, k - 1, o.knn);
  r.knn = others.info;
  std::vector<uint32_t> idx(n * k);
  std::vector<double> dist(n * k);
  for (size_t i = 0; i < n; ++i) {
    idx[i * k] = static_cast<uint32_t>(i);
    dist[i * k] = 0;
    for (size_t j = 1; j < k; ++j) {
      idx[i * k + j] = others.index[i * (k - 1) + j - 1];
      dist[i * k + j] = others.distance[i * (k - 1) + j - 1];
    }
  }
  std::vector<double> sigma, rho;
  smooth_knn_dist(dist, k, sigma, rho);
  Graph g = fuzzy_union(idx, dist, k, sigma, rho);

  r.epochs = o.epochs > 0 ? o.epochs : n <= 10000 ? 500 : 200;
  // Edges too weak to be sampled once in the whole run are dropped before the layout.
  const double wmax = g.vals.empty() ? 0 : *std::max_element(g.vals.begin(), g.vals.end());
  const double cut = wmax / static_cast<double>(r.epochs > 10 ? r.epochs : (n <= 10000 ? 500 : 200));
  std::vector<uint32_t> head, tail;
  std::vector<double> weight;
  for (size_t i = 0; i < n; ++i)
    for (size_t e = g.start[i]; e < g.start[i + 1]; ++e)
      if (g.vals[e] >= cut) head.push_back(static_cast<uint32_t>(i)), tail.push_back(g.cols[e]), weight.push_back(g.vals[e]);
  r.n_edges = head.size();
  {  // the pruned graph, for the components and the spectral layout
    Graph pruned;
    pruned.start.assign(n + 1, 0);
    for (size_t e = 0; e < head.size(); ++e) ++pruned.start[head[e] + 1];
    for (size_t i = 0; i < n; ++i) pruned.start[i + 1] += pruned.start[i];
    pruned.cols = tail;
    pruned.vals = weight;
    g = std::move(pruned);
  }
  const std::vector<uint32_t> label = component_labels(g, r.n_graph_components);

  std::mt19937_64 rng(o.seed);
  std::vector<double> init;
  if (r.n_graph_components == 1) {
    init = spectral_layout(g, d);
  } else {
    EMB_TRY_ASSIGN(init, multi_component_layout(g, label, r.n_graph_components, x, d, rng));
  }
  scale_initialisation(init, d, rng);

  // SGD (umap-learn optimize_layout_euclidean, move_other).
  std::tie(r.a, r.b) = umap_curve_params(o.spread, o.min_dist);
  std::vector<float> y(init.begin(), init.end());  // (n, d)
  UmapLayoutParams lp;
  lp.a = r.a, lp.b = r.b;
  lp.learning_rate = o.learning_rate;
  lp.repulsion_strength = o.repulsion_strength;
  lp.negative_sample_rate = o.negative_sample_rate;
  lp.epochs = r.epochs;
  lp.seed = o.seed;
  lp.threads = o.layout_threads;
  lp.progress = o.progress;
  optimize_umap_layout(head, tail, weight, y, d, lp);
  r.y.assign(y.begin(), y.end());
  return r;
}

}  // namespace embscope

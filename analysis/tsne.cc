// t-SNE: sparse input affinities, exact gradient, scikit-learn's optimiser schedule.
#include "analysis/tsne.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>

#include "analysis/f64x8.h"
#include "analysis/knn_graph.h"
#include "analysis/pca.h"
#include "analysis/quadtree.h"
#include "analysis/tsne_fft.h"
#include "core/parallel.h"

namespace embscope {
namespace {

// Symmetric, CSR-like: row i's entries are cols[start[i]..start[i+1]). Each row is padded to a
// multiple of 8 entries with (i, 0) -- the point itself at weight 0, which adds exactly nothing
// to any sum -- so the attraction works on whole 8-edge vectors.
struct SparseP {
  std::vector<size_t> start;
  std::vector<uint32_t> cols;
  std::vector<double> vals;
  std::vector<float> vals_f;  // vals in single precision, for the attraction
};

typedef float F32x8 __attribute__((vector_size(8 * sizeof(float)), aligned(4)));
typedef uint64_t U64x8 __attribute__((vector_size(8 * sizeof(uint64_t)), aligned(8)));

// Point j's two single-precision coordinates as one 64-bit word.
inline uint64_t coordinate_pair(const float* yf, size_t j) {
  uint64_t w;
  std::memcpy(&w, yf + 2 * j, sizeof w);
  return w;
}

// The attraction of points [first, last) on a 2-D map, times `exaggeration`:
// grad_i = sum_j p_ij q_ij (y_i - y_j) with q_ij = 1 / (1 + |y_i - y_j|^2). In single precision,
// as scikit-learn computes it (its map and P are float32): `yf` is the map (n, 2) in float, each
// point's two coordinates loaded as one 64-bit word, so eight edges take eight loads into one
// 16-float vector
// (x, y of each neighbour side by side; AVX-512 gathers measured slower than the eight loads on
// Zen 5); each lane's partial sum is added in double, in a fixed
// order, so every build and thread count gives the same sums up to FMA contraction.
EMB_F64X8_CLONES void attraction_2d(const SparseP& P, const float* yf, double exaggeration, size_t first,
                                    size_t last, double* grad) {
  constexpr size_t kW = 8;
  for (size_t i = first; i < last; ++i) {
    const float x0 = yf[i * 2], x1 = yf[i * 2 + 1];
    const F32x16 yi = {x0, x1, x0, x1, x0, x1, x0, x1, x0, x1, x0, x1, x0, x1, x0, x1};
    F32x16 g = {};
    for (size_t e = P.start[i]; e < P.start[i + 1]; e += kW) {  // rows padded to whole vectors
      const uint32_t* j = P.cols.data() + e;
      const U64x8 w = {coordinate_pair(yf, j[0]), coordinate_pair(yf, j[1]), coordinate_pair(yf, j[2]),
                       coordinate_pair(yf, j[3]), coordinate_pair(yf, j[4]), coordinate_pair(yf, j[5]),
                       coordinate_pair(yf, j[6]), coordinate_pair(yf, j[7])};
      F32x16 a;
      std::memcpy(&a, &w, sizeof a);
      F32x8 v8;
      std::memcpy(&v8, P.vals_f.data() + e, sizeof v8);
      const F32x16 v = __builtin_shufflevector(v8, v8, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
      const F32x16 d = yi - a;
      const F32x16 d2 = d * d;
      const F32x16 s = d2 + __builtin_shufflevector(d2, d2, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
      g += v / (1.0f + s) * d;
    }
    // The sixteen lanes (x, y alternating) summed in double: the two halves, then the pairs.
    const F64x8 h = __builtin_convertvector(__builtin_shufflevector(g, g, 0, 1, 2, 3, 4, 5, 6, 7), F64x8) +
                    __builtin_convertvector(__builtin_shufflevector(g, g, 8, 9, 10, 11, 12, 13, 14, 15), F64x8);
    grad[i * 2] = exaggeration * ((h[0] + h[2]) + (h[4] + h[6]));
    grad[i * 2 + 1] = exaggeration * ((h[1] + h[3]) + (h[5] + h[7]));
  }
}

// Row-wise conditional probabilities by binary search on beta (sklearn _binary_search_perplexity).
// Rows are independent: split across threads, the same result for any count.
void conditional_p(const std::vector<double>& sqdist, size_t k, double perplexity, size_t threads,
                   std::vector<double>& p) {
  const size_t n = sqdist.size() / k;
  const double desired = std::log(perplexity);
  p.assign(n * k, 0.0);
  const size_t parts = n / 256 + 1;
  run_jobs(parts, threads, [&](size_t part, size_t) {
    for (size_t i = range_begin(n, parts, part); i < range_begin(n, parts, part + 1); ++i) {
      double beta = 1, beta_min = -INFINITY, beta_max = INFINITY;
      const double* d = sqdist.data() + i * k;
      double* pi = p.data() + i * k;
      for (int step = 0; step < 100; ++step) {
        double sum = 0;
        for (size_t j = 0; j < k; ++j) sum += pi[j] = std::exp(-d[j] * beta);
        if (sum == 0) sum = 1e-8;
        double sum_dp = 0;
        for (size_t j = 0; j < k; ++j) {
          pi[j] /= sum;
          sum_dp += d[j] * pi[j];
        }
        const double diff = std::log(sum) + beta * sum_dp - desired;
        if (std::abs(diff) <= 1e-5) break;
        if (diff > 0) {
          beta_min = beta;
          beta = beta_max == INFINITY ? beta * 2 : (beta + beta_max) / 2;
        } else {
          beta_max = beta;
          beta = beta_min == -INFINITY ? beta / 2 : (beta + beta_min) / 2;
        }
      }
    }
  });
}

}  // namespace

Result<TsneResult> tsne(MatrixView x, const TsneOptions& o) {
  const size_t n = x.n_rows, d = x.n_cols, dims = o.dims;
  if (n < 2) return make_error(ErrorKind::InvalidArgument, "tsne", "t-SNE needs at least 2 points");
  if (dims != 2 && (o.repulsion == TsneRepulsion::BarnesHut || o.repulsion == TsneRepulsion::Fft)) {
    return make_error(ErrorKind::InvalidArgument, "--tsne-repulsion",
                      fmt::format("{} repulsion is for 2-D maps; {}-D maps use exact forces (--tsne-repulsion exact "
                                  "or auto)",
                                  tsne_repulsion_name(o.repulsion), dims));
  }
  if (!(o.perplexity > 0) || o.perplexity >= static_cast<double>(n)) {
    return make_error(ErrorKind::InvalidArgument, "--perplexity",
                      fmt::format("perplexity {} needs more points than that: {} points allow a perplexity below {}",
                                  o.perplexity, n, n));
  }
  for (size_t i = 0; i < n * d; ++i)
    if (!std::isfinite(x.data[i]))
      return make_error(ErrorKind::NonFinite, "tsne", fmt::format("point {} has a non-finite value", i / d));

  // Input affinities from the k nearest neighbours (squared euclidean).
  const size_t k = std::min(n - 1, static_cast<size_t>(3 * o.perplexity + 1));
  KnnOptions knn = o.knn;
  knn.threads = std::max<size_t>(1, o.threads);
  const KnnGraph nn = knn_graph(x, k, knn);
  const std::vector<uint32_t>& nbr = nn.index;
  std::vector<double> sqdist(n * k);
  for (size_t a = 0; a < n * k; ++a) sqdist[a] = nn.distance[a] * nn.distance[a];
  std::vector<double> cond;
  conditional_p(sqdist, k, o.perplexity, std::max<size_t>(1, o.threads), cond);
  // P = (P + P^T) / sum, as a symmetric sparse matrix.
  std::vector<std::vector<std::pair<uint32_t, double>>> rows(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      rows[i].emplace_back(nbr[i * k + j], cond[i * k + j]);
      rows[nbr[i * k + j]].emplace_back(static_cast<uint32_t>(i), cond[i * k + j]);
    }
  SparseP P;
  P.start.push_back(0);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    auto& r = rows[i];
    std::sort(r.begin(), r.end());
    for (size_t a = 0; a < r.size();) {
      size_t b = a;
      double v = 0;
      while (b < r.size() && r[b].first == r[a].first) v += r[b++].second;
      P.cols.push_back(r[a].first);
      P.vals.push_back(v);
      total += v;
      a = b;
    }
    while (P.cols.size() % 8 != 0) {  // the padding
      P.cols.push_back(static_cast<uint32_t>(i));
      P.vals.push_back(0.0);
    }
    P.start.push_back(P.cols.size());
  }
  for (double& v : P.vals) v /= std::max(total, std::numeric_limits<double>::min());
  P.vals_f.assign(P.vals.begin(), P.vals.end());

  // PCA initialisation, scaled so the first coordinate has std 1e-4.
  TsneResult r;
  r.knn = nn.info;
  {
    const size_t components = std::min(dims, std::min(n, d));
    std::optional<PcaResult> computed;
    if (!o.pca_init || o.pca_init->n_components != components || o.pca_init->projection.size() != n * components) {
      EMB_TRY_ASSIGN(computed, pca(x, components, tsne_pca_init_options(n, d, components, o.seed)));
    }
    const PcaResult& init = computed ? *computed : *o.pca_init;
    r.y.assign(n * dims, 0.0);
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; ++i) mean += init.projection[i * init.n_components];
    mean /= static_cast<double>(n);
    for (size_t i = 0; i < n; ++i) var += std::pow(init.projection[i * init.n_components] - mean, 2);
    const double sd = std::sqrt(var / static_cast<double>(n));
    for (size_t i = 0; i < n; ++i)
      for (size_t c = 0; c < init.n_components; ++c)
        r.y[i * dims + c] = sd > 0 ? init.projection[i * init.n_components + c] / sd * 1e-4 : 0.0;
  }
  const double lr = o.learning_rate > 0 ? o.learning_rate
                                        : std::max(static_cast<double>(n) / o.early_exaggeration / 4.0, 50.0);
  std::vector<double> grad(n * dims), update(n * dims, 0.0), gains(n * dims, 1.0), rep(n * dims);
  // The map in single precision, for attraction_2d; y_next / y_single_next receive the step
  // (the jobs step their own points while others still read the current map).
  std::vector<float> y_single(dims == 2 ? n * 2 : 0), y_single_next(y_single.size());
  std::vector<double> y_next(n * dims);
  std::copy(r.y.begin(), r.y.begin() + static_cast<ptrdiff_t>(y_single.size()), y_single.begin());
  TsneRepulsion method = o.repulsion;
  if (dims != 2) method = TsneRepulsion::Exact;
  if (method == TsneRepulsion::Auto) {
    method = n <= o.exact_below || o.theta <= 0 ? TsneRepulsion::Exact
             : n >= o.fft_from                   ? TsneRepulsion::Fft
                                                 : TsneRepulsion::BarnesHut;
  }
  if (method == TsneRepulsion::BarnesHut && o.theta <= 0) method = TsneRepulsion::Exact;
  const bool barnes_hut = method == TsneRepulsion::BarnesHut;
  r.repulsion = method;
  std::optional<FftRepulsion> fft;
  if (method == TsneRepulsion::Fft) fft.emplace(FftRepulsionOptions{.threads = std::max<size_t>(1, o.threads)});
  // The gradient at the current map (and the KL divergence when asked); with `step`, each job
  // then takes its points' optimiser step (scikit-learn's gains and momentum) into y_next.
  struct Step {
    double momentum, lr;
  };
  auto gradient = [&](double exaggeration, bool want_kl, std::optional<Step> step) {
    std::fill(grad.begin(), grad.end(), 0.0);
    // Repulsion: sum_j q_ij^2 / Z (y_i - y_j), Z = sum_{i != j} q_ij; exact, or Barnes-Hut.
    double z = 0;
    std::fill(rep.begin(), rep.end(), 0.0);
    if (fft) {
      z = (*fft)(r.y, rep);
    } else if (barnes_hut) {
      const QuadTree tree(r.y);
      // Points split across threads; Z summed afterwards in point order, so the result does
      // not depend on the thread count.
      const size_t parts = n / 256 + 1;
      std::vector<double> zi(n);
      run_jobs(parts, o.threads, [&](size_t part, size_t) {
        for (size_t i = range_begin(n, parts, part); i < range_begin(n, parts, part + 1); ++i)
          zi[i] = tree.repulsion(i, o.theta, &rep[i * 2]);
      });
      for (double v : zi) z += v;
    } else {
      for (size_t i = 0; i < n; ++i) {
        const double* yi = r.y.data() + i * dims;
        for (size_t j = i + 1; j < n; ++j) {
          const double* yj = r.y.data() + j * dims;
          double s = 0;
          for (size_t c = 0; c < dims; ++c) s += (yi[c] - yj[c]) * (yi[c] - yj[c]);
          const double q = 1.0 / (1.0 + s);
          z += 2 * q;
          for (size_t c = 0; c < dims; ++c) {
            const double f = q * q * (yi[c] - yj[c]);
            rep[i * dims + c] += f;
            rep[j * dims + c] -= f;
          }
        }
      }
    }
    // Attraction, the gradient and KL over fixed chunks of points (summed in chunk order, so
    // neither depends on the thread count).
    // Small chunks: two threads share the work evenly.
    const size_t chunks = (n + 511) / 512;
    std::vector<double> kl_chunk(chunks, 0.0);
    run_jobs(chunks, o.threads, [&](size_t chunk, size_t) {
      double kl = 0;
      const double* y = r.y.data();
      const size_t first = range_begin(n, chunks, chunk), last = range_begin(n, chunks, chunk + 1);
      if (dims == 2) attraction_2d(P, y_single.data(), exaggeration, first, last, grad.data());  // the common case
      for (size_t i = first; i < last; ++i) {
        const double* yi = y + i * dims;
        if (dims != 2) {
          for (size_t e = P.start[i]; e < P.start[i + 1]; ++e) {
            const double* yj = y + P.cols[e] * dims;
            double s = 0;
            for (size_t c = 0; c < dims; ++c) s += (yi[c] - yj[c]) * (yi[c] - yj[c]);
            const double pq = P.vals[e] / (1.0 + s);
            for (size_t c = 0; c < dims; ++c) grad[i * dims + c] += pq * (yi[c] - yj[c]);
          }
          for (size_t c = 0; c < dims; ++c) grad[i * dims + c] *= exaggeration;
        }
        for (size_t c = 0; c < dims; ++c) grad[i * dims + c] = 4.0 * (grad[i * dims + c] - rep[i * dims + c] / z);
        if (!want_kl) continue;
        for (size_t e = P.start[i]; e < P.start[i + 1]; ++e) {
          if (!(P.vals[e] > 0)) continue;
          const double* yj = y + P.cols[e] * dims;
          double s = 0;
          for (size_t c = 0; c < dims; ++c) s += (yi[c] - yj[c]) * (yi[c] - yj[c]);
          const double q = 1.0 / (1.0 + s);
          kl += P.vals[e] * std::log(std::max(P.vals[e], 1e-300) / std::max(q / z, 1e-300));
        }
      }
      kl_chunk[chunk] = kl;
      if (!step) return;
      for (size_t a = first * dims; a < last * dims; ++a) {
        if (update[a] * grad[a] < 0) gains[a] += 0.2;
        else gains[a] *= 0.8;
        gains[a] = std::max(gains[a], 0.01);
        update[a] = step->momentum * update[a] - step->lr * gains[a] * grad[a];
        y_next[a] = r.y[a] + update[a];
      }
      if (dims == 2)
        for (size_t a = first * 2; a < last * 2; ++a) y_single_next[a] = static_cast<float>(y_next[a]);
    });
    if (step) {
      r.y.swap(y_next);
      y_single.swap(y_single_next);
    }
    double kl = 0;
    for (double v : kl_chunk) kl += v;
    return kl;
  };
  for (size_t it = 0; it < o.iterations; ++it) {
    const bool early = it < o.exaggeration_iterations;
    if (it == o.exaggeration_iterations) {  // scikit-learn starts the second stage afresh
      std::fill(update.begin(), update.end(), 0.0);
      std::fill(gains.begin(), gains.end(), 1.0);
    }
    const double momentum = early ? 0.5 : 0.8;
    const bool check = (it + 1) % 50 == 0 || it + 1 == o.iterations;
    const double kl = gradient(early ? o.early_exaggeration : 1.0, check && !early, Step{momentum, lr});
    if (check && !early && o.progress) o.progress(it + 1, kl);
    r.iterations = it + 1;
  }
  // Final KL divergence with the final positions.
  r.kl_divergence = gradient(1.0, true, std::nullopt);
  return r;
}

PcaOptions tsne_pca_init_options(size_t n, size_t d, size_t components, uint64_t seed) {
  PcaOptions po;
  po.seed = seed;
  if (components + 10 < std::min(n, d)) po.solver = PcaSolver::Randomized;
  return po;
}

const char* tsne_repulsion_name(TsneRepulsion r) {
  switch (r) {
    case TsneRepulsion::Exact: return "exact";
    case TsneRepulsion::BarnesHut: return "barnes-hut";
    case TsneRepulsion::Fft: return "fft";
    case TsneRepulsion::Auto: break;
  }
  return "auto";
}

}  // namespace embscope

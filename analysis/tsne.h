// t-SNE (van der Maaten & Hinton 2008; the sparse-P formulation of van der Maaten 2014) with
// scikit-learn 1.2's TSNE choices so results are comparable: input affinities from the
// 3 x perplexity + 1 nearest neighbours (squared euclidean distances, exact, through
// analysis/neighbor_index.h) with a per-point binary search on the Gaussian precision to the
// target perplexity (tolerance 1e-5, 100 steps), symmetrised and normalised; PCA
// initialisation scaled to std 1e-4; learning rate max(n / 12 / 4, 50); early exaggeration
// 12 for 250 iterations with momentum 0.5, then momentum 0.8; delta-bar-delta gains (+0.2 /
// x0.8, min 0.01). Repulsive forces: exact (O(n^2) per iteration) up to `exact_below`
// points, then Barnes-Hut over a quadtree with scikit-learn's angle 0.5, and from `fft_from`
// points FFT-interpolated sums (FIt-SNE, analysis/tsne_fft.h) -- 2-D maps; 3-D maps stay
// exact. Sees only row-major float matrices.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "core/error.h"
#include "analysis/knn_graph.h"
#include "analysis/pca.h"
#include "core/matrix_view.h"

namespace embscope {

enum class TsneRepulsion { Auto, Exact, BarnesHut, Fft };

struct TsneOptions {
  double perplexity = 30;
  size_t dims = 2;
  size_t iterations = 1000;
  double early_exaggeration = 12;
  size_t exaggeration_iterations = 250;
  double learning_rate = 0;  // 0 = auto: max(n / early_exaggeration / 4, 50)
  uint64_t seed = 1;         // the randomized PCA initialisation's test vectors (the rest is deterministic)
  double theta = 0.5;        // Barnes-Hut angle; 0 = always exact
  size_t exact_below = 500;  // Auto: exact repulsion up to this many points
  size_t fft_from = 6000;    // Auto: FFT-interpolated repulsion from this many points (2-D)
  TsneRepulsion repulsion = TsneRepulsion::Auto;
  size_t threads = 1;        // threads for the k-NN graph and the forces (results do not depend on it)
  // The k-NN graph: exact unless asked (Auto screens from kScreenedKnnFrom points on); its
  // threads are `threads` above.
  KnnOptions knn{.method = KnnMethod::Exact};
  // The PCA of x with min(dims, n, D) components when the caller already has it (else computed).
  const PcaResult* pca_init = nullptr;
  // Called every 50 iterations with (iteration, KL divergence); may be empty.
  std::function<void(size_t, double)> progress;
};

struct TsneResult {
  std::vector<double> y;  // (n, dims) row-major
  double kl_divergence = 0;
  size_t iterations = 0;
  TsneRepulsion repulsion = TsneRepulsion::Exact;  // the method used (never Auto)
  KnnInfo knn;
};

// "exact", "barnes-hut", "fft" or "auto".
const char* tsne_repulsion_name(TsneRepulsion r);

// Errors: InvalidArgument when perplexity >= n (scikit-learn's limit, message says the
// limit) or n < 2; NonFinite for NaN/Inf values (naming the point).
Result<TsneResult> tsne(MatrixView x, const TsneOptions& options);

// How t-SNE computes its PCA initialisation of `components` components for n points of
// dimension d: the randomized solver, as scikit-learn's TSNE does (two components, not the
// whole spectrum), where it applies (components + 10 < min(n, d)); else the exact one.
PcaOptions tsne_pca_init_options(size_t n, size_t d, size_t components, uint64_t seed);

}  // namespace embscope

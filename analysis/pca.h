// Principal component analysis of the rows of a matrix (Pearson 1901), as scikit-learn's PCA:
// - full: centre the rows, take the eigenvectors of the covariance matrix (D x D, or of the
//   n x n Gram matrix when n < D) in double with Eigen's self-adjoint solver, project;
// - randomized, for whole tables (262,144 x 2,560 would need a 2560^2 covariance summed over
//   every row in double): the randomized SVD of Halko, Martinsson & Tropp 2011 (Alg. 4.4) as
//   scikit-learn's randomized_svd runs it: k + 10 Gaussian test vectors, power iterations
//   (7, or 4 when k >= 0.1 min(n, D)) with re-orthonormalisation, the SVD of the small
//   projected matrix; the centring is folded into the products (no centred copy), the large
//   products in f32, the rest in double. Exact when the spectrum decays past k + 10.
// Signs follow scikit-learn's svd_flip: in each component's projection the entry of largest
// magnitude is positive. Sees only row-major float matrices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/matrix_view.h"

namespace embscope {

enum class PcaSolver { Auto, Full, Randomized };

struct PcaResult {
  size_t n_components = 0, n_dims = 0;
  std::vector<double> mean;                      // (D)
  std::vector<double> components;                // (k, D) row-major, unit rows
  std::vector<double> explained_variance;        // (k) eigenvalues, variance with n - 1
  std::vector<double> explained_variance_ratio;  // (k) share of the total variance
  std::vector<double> projection;                // (n, k) row-major
  PcaSolver solver = PcaSolver::Full;            // the solver that ran
};

struct PcaOptions {
  // Auto: full while n * D * min(n, D) stays below kPcaFullWork (seconds), else randomized.
  PcaSolver solver = PcaSolver::Auto;
  uint64_t seed = 0;  // randomized: the test vectors
};
inline constexpr double kPcaFullWork = 1e10;  // 10,000 x 768 stays exact; 50,257 x 768 does not

// Errors: InvalidArgument when n < 2 or k is 0 or above min(n, D); NonFinite for a NaN/Inf
// value (naming its row).
Result<PcaResult> pca(MatrixView x, size_t k, const PcaOptions& options = {});

}  // namespace embscope

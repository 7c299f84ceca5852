// Principal component analysis of the rows of a matrix (Pearson 1901; as scikit-learn's PCA
// with the exact solver): centre the rows, take the eigenvectors of the covariance matrix
// (D x D, or of the n x n Gram matrix when n < D) in double with Eigen's self-adjoint
// solver, project. Signs follow scikit-learn's svd_flip: in each component's projection the
// entry of largest magnitude is positive. Sees only row-major float matrices.
#pragma once

#include <cstddef>
#include <vector>

#include "core/error.h"
#include "core/matrix_view.h"

namespace embscope {

struct PcaResult {
  size_t n_components = 0, n_dims = 0;
  std::vector<double> mean;                      // (D)
  std::vector<double> components;                // (k, D) row-major, unit rows
  std::vector<double> explained_variance;        // (k) eigenvalues, variance with n - 1
  std::vector<double> explained_variance_ratio;  // (k) share of the total variance
  std::vector<double> projection;                // (n, k) row-major
};

// Errors: InvalidArgument when n < 2 or k is 0 or above min(n, D); NonFinite for a NaN/Inf
// value (naming its row).
Result<PcaResult> pca(MatrixView x, size_t k);

}  // namespace embscope

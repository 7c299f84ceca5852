// PCA through the eigen-decomposition of the covariance (or Gram) matrix.
#include "analysis/pca.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>

namespace embscope {

Result<PcaResult> pca(MatrixView x, size_t k) {
  const size_t n = x.n_rows, d = x.n_cols;
  if (n < 2) return make_error(ErrorKind::InvalidArgument, "pca", fmt::format("PCA needs at least 2 points ({} given)", n));
  if (k == 0 || k > std::min(n, d)) {
    return make_error(ErrorKind::InvalidArgument, "pca",
                      fmt::format("{} components asked; {} points of dimension {} allow 1 to {}", k, n, d, std::min(n, d)));
  }
  Eigen::MatrixXd xc(n, d);  // (n, D) centred, double
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) {
      const float v = x.data[i * d + j];
      if (!std::isfinite(v))
        return make_error(ErrorKind::NonFinite, "pca", fmt::format("point {} has a non-finite value in dimension {}", i, j));
      xc(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
    }
  }
  const Eigen::RowVectorXd mean = xc.colwise().mean();
  xc.rowwise() -= mean;
  const double denom = static_cast<double>(n - 1);
  PcaResult r;
  r.n_components = k;
  r.n_dims = d;
  r.mean.assign(mean.data(), mean.data() + d);
  Eigen::MatrixXd vecs;  // (D, k) components as columns, largest variance first
  Eigen::VectorXd vals;  // (k)
  double total = 0;
  if (n >= d) {
    Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d));
    cov.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose(), 1.0 / denom);
    cov = cov.selfadjointView<Eigen::Lower>();
    total = cov.trace();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(cov);  // ascending eigenvalues
    vecs = es.eigenvectors().rightCols(static_cast<Eigen::Index>(k)).rowwise().reverse();
    vals = es.eigenvalues().tail(static_cast<Eigen::Index>(k)).reverse();
  } else {
    // n < D: the eigenvectors of X X^T / (n - 1) give those of the covariance as X^T u / |X^T u|.
    const Eigen::MatrixXd gram = xc * xc.transpose() / denom;
    total = gram.trace();
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(gram);
    const Eigen::MatrixXd u = es.eigenvectors().rightCols(static_cast<Eigen::Index>(k)).rowwise().reverse();
    vals = es.eigenvalues().tail(static_cast<Eigen::Index>(k)).reverse();
    vecs = xc.transpose() * u;
    for (Eigen::Index c = 0; c < vecs.cols(); ++c) {
      const double norm = vecs.col(c).norm();
      if (norm > 0) vecs.col(c) /= norm;
    }
  }
  Eigen::MatrixXd proj = xc * vecs;  // (n, k)
  for (Eigen::Index c = 0; c < proj.cols(); ++c) {
    Eigen::Index at = 0;
    proj.col(c).cwiseAbs().maxCoeff(&at);
    if (proj(at, c) < 0) {
      proj.col(c) *= -1;
      vecs.col(c) *= -1;
    }
  }
  for (size_t c = 0; c < k; ++c) {
    const double v = std::max(0.0, vals(static_cast<Eigen::Index>(c)));
    r.explained_variance.push_back(v);
    r.explained_variance_ratio.push_back(total > 0 ? v / total : 0.0);
    for (size_t j = 0; j < d; ++j) r.components.push_back(vecs(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(c)));
  }
  r.projection.resize(n * k);
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < k; ++c) r.projection[i * k + c] = proj(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
  return r;
}

}  // namespace embscope

// PCA: the eigen-decomposition of the covariance (or Gram) matrix, or a randomized SVD.
#include "analysis/pca.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>

namespace embscope {
namespace {

using MatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MapF = Eigen::Map<const MatrixF>;

// Orthonormal basis of the columns of m (thin QR, Householder).
Eigen::MatrixXd orthonormal(const Eigen::MatrixXd& m) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(m);
  return qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), m.cols());
}

// Signs as svd_flip: in each column of `proj` the entry of largest magnitude is positive.
void flip_signs(Eigen::MatrixXd& proj, Eigen::MatrixXd& vecs) {
  for (Eigen::Index c = 0; c < proj.cols(); ++c) {
    Eigen::Index at = 0;
    proj.col(c).cwiseAbs().maxCoeff(&at);
    if (proj(at, c) < 0) {
      proj.col(c) *= -1;
      vecs.col(c) *= -1;
    }
  }
}

void fill_result(PcaResult& r, const Eigen::MatrixXd& vecs, const Eigen::VectorXd& vals, const Eigen::MatrixXd& proj,
                 double total) {
  const size_t k = r.n_components, d = r.n_dims, n = static_cast<size_t>(proj.rows());
  for (size_t c = 0; c < k; ++c) {
    const double v = std::max(0.0, vals(static_cast<Eigen::Index>(c)));
    r.explained_variance.push_back(v);
    r.explained_variance_ratio.push_back(total > 0 ? v / total : 0.0);
    for (size_t j = 0; j < d; ++j) r.components.push_back(vecs(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(c)));
  }
  r.projection.resize(n * k);
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < k; ++c) r.projection[i * k + c] = proj(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c));
}

// Randomized SVD of the centred rows (Legend: n rows, D columns, l = k + 10 test vectors).
PcaResult randomized_pca(MatrixView x, size_t k, const Eigen::RowVectorXd& mean, double total, uint64_t seed) {
  const auto n = static_cast<Eigen::Index>(x.n_rows), D = static_cast<Eigen::Index>(x.n_cols);
  const MapF X(x.data, n, D);  // (n, D) as stored
  const Eigen::Index l = std::min<Eigen::Index>(static_cast<Eigen::Index>(k) + 10, std::min(n, D));
  const int power = k < 0.1 * static_cast<double>(std::min(n, D)) ? 7 : 4;
  const Eigen::RowVectorXf mean_f = mean.cast<float>();
  // Xc * m and Xc^T * m with Xc = X - 1 mean, in f32 for the big product.
  auto times = [&](const Eigen::MatrixXd& m) -> Eigen::MatrixXd {  // (D, l) -> (n, l)
    const Eigen::MatrixXf mf = m.cast<float>();
    Eigen::MatrixXd y = (X * mf).cast<double>();
    y.rowwise() -= mean * m;
    return y;
  };
  auto transposed_times = [&](const Eigen::MatrixXd& q) -> Eigen::MatrixXd {  // (n, l) -> (D, l)
    const Eigen::MatrixXf qf = q.cast<float>();
    Eigen::MatrixXd z = (X.transpose() * qf).cast<double>();
    z -= mean.transpose() * q.colwise().sum();
    return z;
  };
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> gauss;
  Eigen::MatrixXd omega(D, l);
  for (Eigen::Index j = 0; j < l; ++j)
    for (Eigen::Index i = 0; i < D; ++i) omega(i, j) = gauss(rng);
  Eigen::MatrixXd q = orthonormal(times(omega));  // (n, l)
  for (int it = 0; it < power; ++it) q = orthonormal(times(orthonormal(transposed_times(q))));
  const Eigen::MatrixXd b = transposed_times(q).transpose();  // (l, D) = Q^T Xc
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(b, Eigen::ComputeThinV);
  const auto kk = static_cast<Eigen::Index>(k);
  Eigen::MatrixXd vecs = svd.matrixV().leftCols(kk);  // (D, k)
  const Eigen::VectorXd vals = svd.singularValues().head(kk).array().square() / static_cast<double>(n - 1);
  Eigen::MatrixXd proj = times(vecs);  // (n, k)
  flip_signs(proj, vecs);
  PcaResult r;
  r.n_components = k;
  r.n_dims = static_cast<size_t>(D);
  r.mean.assign(mean.data(), mean.data() + D);
  r.solver = PcaSolver::Randomized;
  fill_result(r, vecs, vals, proj, total);
  return r;
}

}  // namespace

Result<PcaResult> pca(MatrixView x, size_t k, const PcaOptions& options) {
  const size_t n = x.n_rows, d = x.n_cols;
  if (n < 2) return make_error(ErrorKind::InvalidArgument, "pca", fmt::format("PCA needs at least 2 points ({} given)", n));
  if (k == 0 || k > std::min(n, d)) {
    return make_error(ErrorKind::InvalidArgument, "pca",
                      fmt::format("{} components asked; {} points of dimension {} allow 1 to {}", k, n, d, std::min(n, d)));
  }
  const double work = static_cast<double>(n) * static_cast<double>(d) * static_cast<double>(std::min(n, d));
  const bool randomized = options.solver == PcaSolver::Randomized ||
                          (options.solver == PcaSolver::Auto && work > kPcaFullWork && k + 10 < std::min(n, d));
  if (randomized) {
    // One pass for the finiteness check, the mean and the total variance (two-pass sums in double).
    Eigen::RowVectorXd mean = Eigen::RowVectorXd::Zero(static_cast<Eigen::Index>(d));
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < d; ++j) {
        const float v = x.data[i * d + j];
        if (!std::isfinite(v))
          return make_error(ErrorKind::NonFinite, "pca", fmt::format("point {} has a non-finite value in dimension {}", i, j));
        mean(static_cast<Eigen::Index>(j)) += v;
      }
    mean /= static_cast<double>(n);
    double total = 0;
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < d; ++j) total += std::pow(x.data[i * d + j] - mean(static_cast<Eigen::Index>(j)), 2);
    return randomized_pca(x, k, mean, total / static_cast<double>(n - 1), options.seed);
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
  flip_signs(proj, vecs);
  fill_result(r, vecs, vals, proj, total);
  return r;
}

}  // namespace embscope

// Pair measures, cosine explanations and analogies over a whole table.
#include "analysis/relations.h"

#include <algorithm>
#include <cmath>

#include "analysis/top_k.h"

namespace embscope {
namespace {

double norm(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

double norm_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x * x;
  return std::sqrt(s);
}

// Unit-normalised copy in double (zero stays zero).
std::vector<double> unit(std::span<const float> v) {
  const double n = norm(v);
  std::vector<double> out(v.begin(), v.end());
  if (n > 0)
    for (double& x : out) x /= n;
  return out;
}

}  // namespace

PairSimilarity pair_similarity(std::span<const float> a, std::span<const float> b) {
  PairSimilarity s;
  double d2 = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    s.dot += static_cast<double>(a[i]) * b[i];
    const double d = static_cast<double>(a[i]) - b[i];
    d2 += d * d;
  }
  s.euclidean = std::sqrt(d2);
  s.cosine = cosine(a, b);
  return s;
}

std::vector<DimensionShare> explain_cosine(std::span<const float> a, std::span<const float> b, size_t n) {
  const double na = norm(a), nb = norm(b);
  if (na == 0 || nb == 0) return {};
  std::vector<DimensionShare> terms;
  for (size_t j = 0; j < a.size() && j < b.size(); ++j)
    terms.push_back({static_cast<uint32_t>(j), static_cast<double>(a[j]) * b[j] / (na * nb)});
  n = std::min(n, terms.size());
  std::partial_sort(terms.begin(), terms.begin() + static_cast<ptrdiff_t>(n), terms.end(),
                    [](const DimensionShare& x, const DimensionShare& y) { return std::abs(x.term) > std::abs(y.term); });
  terms.resize(n);
  return terms;
}

std::vector<double> cosadd_direction(const std::vector<std::span<const float>>& positive,
                                     const std::vector<std::span<const float>>& negative) {
  const size_t d = positive.empty() ? (negative.empty() ? 0 : negative[0].size()) : positive[0].size();
  std::vector<double> mean(d, 0.0);
  for (const auto& p : positive) {
    const auto u = unit(p);
    for (size_t j = 0; j < d; ++j) mean[j] += u[j];
  }
  for (const auto& q : negative) {
    const auto u = unit(q);
    for (size_t j = 0; j < d; ++j) mean[j] -= u[j];
  }
  const double mn = norm_of(mean);
  if (mn == 0) return {};
  for (double& x : mean) x /= mn;
  return mean;
}

std::vector<Neighbor> analogy(MatrixView table, const std::vector<std::span<const float>>& positive,
                              const std::vector<std::span<const float>>& negative, AnalogyMethod method, size_t k,
                              const std::vector<uint8_t>* allowed) {
  const size_t d = table.n_cols;
  if (method == AnalogyMethod::CosAdd) {
    const std::vector<double> mean = cosadd_direction(positive, negative);
    if (mean.empty()) return {};
    return top_k_rows(table.n_rows, k, allowed, [&](size_t r) -> std::optional<double> {
      const auto row = table.row(r);
      double dot = 0, rn = 0;
      for (size_t j = 0; j < d; ++j) {
        dot += row[j] * mean[j];
        rn += static_cast<double>(row[j]) * row[j];
      }
      if (rn == 0) return std::nullopt;
      return dot / std::sqrt(rn);  // mean is a unit vector
    });
  }
  std::vector<std::vector<double>> pos, neg;
  for (const auto& p : positive) pos.push_back(unit(p));
  for (const auto& q : negative) neg.push_back(unit(q));
  return top_k_rows(table.n_rows, k, allowed, [&](size_t r) -> std::optional<double> {
    const auto row = table.row(r);
    const double rn = norm(row);
    if (rn == 0) return std::nullopt;
    auto shifted_cos = [&](const std::vector<double>& u) {
      double dot = 0;
      for (size_t j = 0; j < d; ++j) dot += row[j] * u[j];
      return (1.0 + dot / rn) / 2.0;
    };
    double num = 1, den = 1;
    for (const auto& u : pos) num *= shifted_cos(u);
    for (const auto& u : neg) den *= shifted_cos(u);
    return num / (den + 1e-6);
  });
}

OddOneOut odd_one_out(const std::vector<std::span<const float>>& vectors) {
  OddOneOut out;
  if (vectors.empty()) return out;
  const size_t d = vectors[0].size();
  std::vector<std::vector<double>> units;
  std::vector<double> mean(d, 0.0);
  for (const auto& v : vectors) {
    units.push_back(unit(v));
    for (size_t j = 0; j < d && j < units.back().size(); ++j) mean[j] += units.back()[j] / static_cast<double>(vectors.size());
  }
  const double mn = norm_of(mean);
  for (const auto& u : units) {
    double dot = 0;
    for (size_t j = 0; j < d && j < u.size(); ++j) dot += u[j] * mean[j];
    out.scores.push_back(mn > 0 ? dot / mn : 0.0);
  }
  out.odd = static_cast<size_t>(std::min_element(out.scores.begin(), out.scores.end()) - out.scores.begin());
  return out;
}

}  // namespace embscope

// Exact cosine neighbours: one pass over the table keeping a bounded min-heap of size k.
#include "analysis/neighbors.h"

#include <algorithm>
#include <cmath>

#include "analysis/top_k.h"

namespace embscope {

std::optional<double> cosine(std::span<const float> a, std::span<const float> b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na == 0 || nb == 0) return std::nullopt;
  return dot / std::sqrt(na * nb);
}

std::vector<Neighbor> nearest_by_cosine(MatrixView table, std::span<const float> query, size_t k,
                                        const std::vector<uint8_t>* allowed) {
  double qn = 0;
  for (float v : query) qn += static_cast<double>(v) * v;
  if (qn == 0) return {};
  qn = std::sqrt(qn);
  return top_k_rows(table.n_rows, k, allowed, [&](size_t r) -> std::optional<double> {
    const auto row = table.row(r);
    double dot = 0, rn = 0;
    for (size_t j = 0; j < row.size(); ++j) {
      dot += static_cast<double>(row[j]) * query[j];
      rn += static_cast<double>(row[j]) * row[j];
    }
    if (rn == 0) return std::nullopt;
    return dot / (std::sqrt(rn) * qn);
  });
}

}  // namespace embscope

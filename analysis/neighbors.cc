// Exact cosine neighbours: one pass over the table keeping a bounded min-heap of size k.
#include "analysis/neighbors.h"

#include <algorithm>
#include <cmath>
#include <queue>

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
  auto better = [](const Neighbor& a, const Neighbor& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); };
  std::priority_queue<Neighbor, std::vector<Neighbor>, decltype(better)> heap(better);
  double qn = 0;
  for (float v : query) qn += static_cast<double>(v) * v;
  if (qn == 0 || k == 0) return {};
  qn = std::sqrt(qn);
  for (size_t r = 0; r < table.n_rows; ++r) {
    if (allowed && (r >= allowed->size() || !(*allowed)[r])) continue;
    const auto row = table.row(r);
    double dot = 0, rn = 0;
    for (size_t j = 0; j < row.size(); ++j) {
      dot += static_cast<double>(row[j]) * query[j];
      rn += static_cast<double>(row[j]) * row[j];
    }
    if (rn == 0) continue;
    const Neighbor n{static_cast<uint32_t>(r), dot / (std::sqrt(rn) * qn)};
    if (heap.size() < k) {
      heap.push(n);
    } else if (better(n, heap.top())) {
      heap.pop();
      heap.push(n);
    }
  }
  std::vector<Neighbor> out;
  while (!heap.empty()) {
    out.push_back(heap.top());
    heap.pop();
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace embscope

// Cosine of two vectors, and one cosine search through the neighbour index.
#include "analysis/neighbors.h"

#include <algorithm>
#include <cmath>

#include "analysis/neighbor_index.h"

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
  const NeighborIndex index(RowTable::of(table), Metric::Cosine);
  return index.search(MatrixView{query.data(), 1, query.size()}, k, SearchFilter{allowed, {}})[0];
}

}  // namespace embscope

// The k best-scoring rows of a table in one pass with a bounded min-heap (O(n log k)), best
// first, ties by lower row. Shared by neighbour search and analogies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "analysis/neighbors.h"

namespace embscope {

// score(r) -> std::optional<double>; nullopt leaves row r out, as does allowed && !(*allowed)[r].
template <class Score>
std::vector<Neighbor> top_k_rows(size_t n_rows, size_t k, const std::vector<uint8_t>* allowed, Score score) {
  auto better = [](const Neighbor& a, const Neighbor& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); };
  std::priority_queue<Neighbor, std::vector<Neighbor>, decltype(better)> heap(better);
  if (k == 0) return {};
  for (size_t r = 0; r < n_rows; ++r) {
    if (allowed && (r >= allowed->size() || !(*allowed)[r])) continue;
    const std::optional<double> s = score(r);
    if (!s) continue;
    const Neighbor nb{static_cast<uint32_t>(r), *s};
    if (heap.size() < k) {
      heap.push(nb);
    } else if (better(nb, heap.top())) {
      heap.pop();
      heap.push(nb);
    }
  }
  std::vector<Neighbor> out;
  for (; !heap.empty(); heap.pop()) out.push_back(heap.top());
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace embscope

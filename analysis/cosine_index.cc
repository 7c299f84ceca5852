// Blocked cosine scan: pack, score chunk x query tile, keep per-query candidates, re-score.
#include "analysis/cosine_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/scan_kernel.h"

namespace embscope {
namespace {

using scan::kBlockRows;

// Rows per chunk: the packed rows of a chunk stay in L2 while every query tile is scored.
size_t blocks_per_chunk(size_t d) {
  const size_t bytes_per_block = d * kBlockRows * sizeof(float);
  return std::clamp<size_t>((256u << 10) / std::max<size_t>(bytes_per_block, 1), 1, 64);
}

// Bounded candidate list of one query: a min-heap on (score, -row) of at most `cap` entries.
struct Candidates {
  std::vector<std::pair<float, uint32_t>> heap;
  size_t cap = 0;
  float threshold = -std::numeric_limits<float>::infinity();

  static bool worse(const std::pair<float, uint32_t>& a, const std::pair<float, uint32_t>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  }
  void offer(float s, uint32_t row) {
    if (heap.size() < cap) {
      heap.emplace_back(s, row);
      std::push_heap(heap.begin(), heap.end(), worse);
      if (heap.size() == cap) threshold = heap.front().first;
      return;
    }
    std::pop_heap(heap.begin(), heap.end(), worse);
    heap.back() = {s, row};
    std::push_heap(heap.begin(), heap.end(), worse);
    threshold = heap.front().first;
  }
};

}  // namespace

CosineIndex::CosineIndex(MatrixView table) : table_(table) {
  const size_t n = table.n_rows, d = table.n_cols;
  n_blocks_ = (n + kBlockRows - 1) / kBlockRows;
  packed_.assign(n_blocks_ * d * kBlockRows, 0.0f);
  norms_.resize(n);
  for (size_t r = 0; r < n; ++r) {
    const auto row = table.row(r);
    double s = 0;
    for (float x : row) s += static_cast<double>(x) * x;
    norms_[r] = std::sqrt(s);
    if (norms_[r] == 0) continue;
    float* dst = packed_.data() + (r / kBlockRows) * d * kBlockRows + r % kBlockRows;
    for (size_t j = 0; j < d; ++j) dst[j * kBlockRows] = static_cast<float>(row[j] / norms_[r]);
  }
}

const char* CosineIndex::kernel_name() const { return scan::best_kernel().name; }

std::vector<std::vector<Neighbor>> CosineIndex::search(MatrixView queries, size_t k, const SearchFilter& filter) const {
  const size_t n = table_.n_rows, d = table_.n_cols, nq_total = queries.n_rows;
  std::vector<std::vector<Neighbor>> out(nq_total);
  if (k == 0 || nq_total == 0 || n == 0) return out;
  const scan::Kernel kernel = scan::best_kernel();

  // Unit queries in f32 (the scan) and their norms in double (the re-scoring).
  std::vector<float> unit(nq_total * d, 0.0f);
  std::vector<double> qnorm(nq_total);
  std::vector<size_t> live;  // queries with a non-zero norm
  for (size_t q = 0; q < nq_total; ++q) {
    double s = 0;
    for (float x : queries.row(q)) s += static_cast<double>(x) * x;
    qnorm[q] = std::sqrt(s);
    if (qnorm[q] == 0) continue;
    for (size_t j = 0; j < d; ++j) unit[live.size() * d + j] = static_cast<float>(queries.row(q)[j] / qnorm[q]);
    live.push_back(q);
  }
  std::vector<Candidates> cand(live.size());
  for (auto& c : cand) c.cap = k + kRerankExtra;

  auto answerable = [&](size_t q, uint32_t row) {
    if (row >= n || norms_[row] == 0) return false;
    if (filter.allowed && (row >= filter.allowed->size() || !(*filter.allowed)[row])) return false;
    if (!filter.exclude.empty()) {
      const auto& ex = filter.exclude[q];
      if (std::find(ex.begin(), ex.end(), row) != ex.end()) return false;
    }
    return true;
  };

  const size_t chunk = blocks_per_chunk(d);
  std::vector<float> scores(kernel.max_queries * chunk * kBlockRows);
  for (size_t b0 = 0; b0 < n_blocks_; b0 += chunk) {
    const size_t nb = std::min(chunk, n_blocks_ - b0);
    const size_t width = nb * kBlockRows;
    const float* blocks = packed_.data() + b0 * d * kBlockRows;
    for (size_t t0 = 0; t0 < live.size(); t0 += kernel.max_queries) {
      const size_t nt = std::min<size_t>(kernel.max_queries, live.size() - t0);
      kernel.score(blocks, static_cast<uint32_t>(nb), unit.data() + t0 * d, static_cast<uint32_t>(nt),
                   static_cast<uint32_t>(d), scores.data());
      for (size_t t = 0; t < nt; ++t) {
        Candidates& c = cand[t0 + t];
        const float* s = scores.data() + t * width;
        for (size_t i = 0; i < width; ++i) {
          if (s[i] < c.threshold) continue;
          const uint32_t row = static_cast<uint32_t>(b0 * kBlockRows + i);
          if (answerable(live[t0 + t], row)) c.offer(s[i], row);
        }
      }
    }
  }

  // Re-score the candidates in double from the original rows.
  for (size_t t = 0; t < live.size(); ++t) {
    const size_t q = live[t];
    const auto qv = queries.row(q);
    std::vector<Neighbor> exact;
    for (const auto& [approx, row] : cand[t].heap) {
      const auto rv = table_.row(row);
      double dot = 0;
      for (size_t j = 0; j < d; ++j) dot += static_cast<double>(rv[j]) * qv[j];
      exact.push_back({row, dot / (norms_[row] * qnorm[q])});
    }
    std::sort(exact.begin(), exact.end(),
              [](const Neighbor& a, const Neighbor& b) { return a.score > b.score || (a.score == b.score && a.row < b.row); });
    if (exact.size() > k) exact.resize(k);
    out[q] = std::move(exact);
  }
  return out;
}

}  // namespace embscope

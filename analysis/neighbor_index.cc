// Single-query and batched scans, candidates within the f32 error bound, double re-scoring.
#include "analysis/neighbor_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dtype.h"

namespace embscope {
namespace {

using scan::kBlockRows;

constexpr size_t kSingleChunk = 4096;  // rows scored per dot_rows call (scores stay in L1/L2)
constexpr size_t kBatchMin = 4;        // from this many queries on, pack chunks and reuse them

// Rows per packed chunk: the chunk stays in L2 while every query tile is scored against it.
size_t blocks_per_chunk(size_t d) {
  const size_t bytes_per_block = d * kBlockRows * sizeof(float);
  return std::clamp<size_t>((384u << 10) / std::max<size_t>(bytes_per_block, 1), 1, 64);
}

// Row r of `t` as f32 (exact: every stored type converts exactly).
void row_f32(const RowTable& t, size_t r, float* out) {
  const size_t at = r * t.stride;
  switch (t.elem) {
    case scan::Elem::F32: std::copy_n(static_cast<const float*>(t.data) + at, t.n_cols, out); return;
    case scan::Elem::F16:
      for (size_t j = 0; j < t.n_cols; ++j) out[j] = f16_to_f32(static_cast<const uint16_t*>(t.data)[at + j]);
      return;
    case scan::Elem::BF16:
      for (size_t j = 0; j < t.n_cols; ++j) out[j] = bf16_to_f32(static_cast<const uint16_t*>(t.data)[at + j]);
      return;
  }
}

}  // namespace

struct NeighborIndex::Query {
  size_t index = 0;         // position in the caller's batch
  std::vector<float> scan;  // (D) what the kernels multiply: the unit query for cosine
  std::vector<double> exact;
  double norm = 0;
  float margin = 0;  // bound on |f32 scan score - exact score|
};

// The candidates of one query: the k best approximate scores so far (a min-heap, for the
// threshold) and every row offered within 2 x margin of that threshold.
class NeighborIndex::Candidates {
 public:
  Candidates(size_t k, float margin) : k_(k), margin2_(2 * margin) {}
  float cut() const { return cut_; }
  void offer(float s, uint32_t row) {
    pool_.emplace_back(s, row);
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    } else if (s > heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    }
    if (heap_.size() == k_) cut_ = heap_.front() - margin2_;
    if (pool_.size() > 4 * k_ + 1024) compact();
  }
  const std::vector<std::pair<float, uint32_t>>& finish() {
    compact();
    return pool_;
  }

 private:
  void compact() {
    std::erase_if(pool_, [&](const auto& p) { return p.first < cut_; });
  }
  size_t k_;
  float margin2_;
  float cut_ = -std::numeric_limits<float>::infinity();
  std::vector<float> heap_;
  std::vector<std::pair<float, uint32_t>> pool_;
};

NeighborIndex::NeighborIndex(RowTable table, Metric metric) : table_(table), metric_(metric) {
  const size_t n = table.n_rows, d = table.n_cols;
  norms_.resize(n);
  inv_norms_.resize(n);
  sq_norms_.resize(n);
  std::vector<float> row(d);
  for (size_t r = 0; r < n; ++r) {
    row_f32(table, r, row.data());
    double s = 0;
    for (float x : row) s += static_cast<double>(x) * x;
    norms_[r] = std::sqrt(s);
    inv_norms_[r] = norms_[r] > 0 ? static_cast<float>(1.0 / norms_[r]) : 0.0f;
    sq_norms_[r] = static_cast<float>(s);
    max_norm_ = std::max(max_norm_, norms_[r]);
  }
}

const char* NeighborIndex::kernel_name() { return scan::best_kernel().name; }

double NeighborIndex::exact(const Query& q, uint32_t row) const {
  const size_t d = table_.n_cols;
  std::vector<float> r(d);
  row_f32(table_, row, r.data());
  double dot = 0, dist = 0;
  for (size_t j = 0; j < d; ++j) {
    const double x = r[j];
    dot += x * q.exact[j];
    dist += (x - q.exact[j]) * (x - q.exact[j]);
  }
  switch (metric_) {
    case Metric::Cosine: return dot / (norms_[row] * q.norm);
    case Metric::Dot: return dot;
    case Metric::Euclidean: return std::sqrt(dist);
  }
  return 0;
}

void NeighborIndex::scan_single(const Query& q, Candidates& c, const SearchFilter& filter) const {
  const scan::Kernel kernel = scan::best_kernel();
  const size_t n = table_.n_rows, d = table_.n_cols;
  const size_t elem_size = table_.elem == scan::Elem::F32 ? 4 : 2;
  std::vector<float> s(kSingleChunk);
  const std::vector<uint32_t>* ex = filter.exclude.empty() ? nullptr : &filter.exclude[q.index];
  for (size_t r0 = 0; r0 < n; r0 += kSingleChunk) {
    const size_t m = std::min(kSingleChunk, n - r0);
    kernel.dot_rows(static_cast<const char*>(table_.data) + r0 * table_.stride * elem_size, table_.elem, m,
                    table_.stride, q.scan.data(), static_cast<uint32_t>(d), s.data());
    for (size_t i = 0; i < m; ++i) {
      const size_t r = r0 + i;
      float v = s[i];
      if (metric_ == Metric::Cosine) v *= inv_norms_[r];
      else if (metric_ == Metric::Euclidean) v = 2 * v - sq_norms_[r];
      if (v < c.cut()) continue;
      if (metric_ == Metric::Cosine && inv_norms_[r] == 0) continue;
      if (filter.allowed && (r >= filter.allowed->size() || !(*filter.allowed)[r])) continue;
      if (ex && std::find(ex->begin(), ex->end(), r) != ex->end()) continue;
      c.offer(v, static_cast<uint32_t>(r));
    }
  }
}

void NeighborIndex::scan_batch(const std::vector<Query>& qs, std::vector<Candidates>& cs,
                               const SearchFilter& filter) const {
  const scan::Kernel kernel = scan::best_kernel();
  const size_t n = table_.n_rows, d = table_.n_cols;
  const size_t chunk_blocks = blocks_per_chunk(d);
  const size_t n_blocks = (n + kBlockRows - 1) / kBlockRows;
  std::vector<float> queries(qs.size() * d);  // (B, D) the scan vectors, contiguous
  for (size_t t = 0; t < qs.size(); ++t) std::copy(qs[t].scan.begin(), qs[t].scan.end(), queries.begin() + t * d);
  std::vector<float> packed(chunk_blocks * d * kBlockRows);  // (blocks, D, 16)
  std::vector<float> scores(kernel.max_queries * chunk_blocks * kBlockRows);
  std::vector<float> row(d);
  for (size_t b0 = 0; b0 < n_blocks; b0 += chunk_blocks) {
    const size_t nb = std::min(chunk_blocks, n_blocks - b0);
    const size_t first = b0 * kBlockRows, rows = std::min(nb * kBlockRows, n - first), width = nb * kBlockRows;
    // Pack: row first + i -> block i / 16, lane i % 16; cosine rows scaled to unit length.
    std::fill(packed.begin(), packed.begin() + static_cast<ptrdiff_t>(nb * d * kBlockRows), 0.0f);
    for (size_t i = 0; i < rows; ++i) {
      const size_t r = first + i;
      row_f32(table_, r, row.data());
      const float scale = metric_ == Metric::Cosine ? inv_norms_[r] : 1.0f;
      float* dst = packed.data() + (i / kBlockRows) * d * kBlockRows + i % kBlockRows;
      for (size_t j = 0; j < d; ++j) dst[j * kBlockRows] = row[j] * scale;
    }
    for (size_t t0 = 0; t0 < qs.size(); t0 += kernel.max_queries) {
      const size_t nt = std::min<size_t>(kernel.max_queries, qs.size() - t0);
      kernel.score_blocks(packed.data(), static_cast<uint32_t>(nb), queries.data() + t0 * d, static_cast<uint32_t>(nt),
                          static_cast<uint32_t>(d), scores.data());
      for (size_t t = 0; t < nt; ++t) {
        Candidates& c = cs[t0 + t];
        const Query& q = qs[t0 + t];
        const std::vector<uint32_t>* ex = filter.exclude.empty() ? nullptr : &filter.exclude[q.index];
        const float* s = scores.data() + t * width;
        for (size_t i = 0; i < rows; ++i) {
          const size_t r = first + i;
          float v = s[i];
          if (metric_ == Metric::Euclidean) v = 2 * v - sq_norms_[r];
          if (v < c.cut()) continue;
          if (metric_ == Metric::Cosine && inv_norms_[r] == 0) continue;
          if (filter.allowed && (r >= filter.allowed->size() || !(*filter.allowed)[r])) continue;
          if (ex && std::find(ex->begin(), ex->end(), r) != ex->end()) continue;
          c.offer(v, static_cast<uint32_t>(r));
        }
      }
    }
  }
}

std::vector<std::vector<Neighbor>> NeighborIndex::search(MatrixView queries, size_t k, const SearchFilter& filter) const {
  const size_t d = table_.n_cols;
  std::vector<std::vector<Neighbor>> out(queries.n_rows);
  if (k == 0 || table_.n_rows == 0) return out;
  // f32 accumulation error of a d-term dot product: <= d * 2^-24 * |q| |r| (with slack for the
  // f32 rounding of the unit query, the packed scaling and the norms).
  const double gamma = 2.0 * (static_cast<double>(d) + 8.0) * std::ldexp(1.0, -24);
  std::vector<Query> qs;
  for (size_t i = 0; i < queries.n_rows; ++i) {
    Query q;
    q.index = i;
    const auto v = queries.row(i);
    q.exact.assign(v.begin(), v.end());
    double s = 0;
    for (double x : q.exact) s += x * x;
    q.norm = std::sqrt(s);
    if (metric_ == Metric::Cosine && q.norm == 0) continue;
    q.scan.resize(d);
    for (size_t j = 0; j < d; ++j)
      q.scan[j] = static_cast<float>(metric_ == Metric::Cosine ? q.exact[j] / q.norm : q.exact[j]);
    switch (metric_) {
      case Metric::Cosine: q.margin = static_cast<float>(gamma); break;
      case Metric::Dot: q.margin = static_cast<float>(gamma * q.norm * max_norm_); break;
      case Metric::Euclidean:
        q.margin = static_cast<float>(2 * gamma * q.norm * max_norm_ + gamma * max_norm_ * max_norm_);
        break;
    }
    qs.push_back(std::move(q));
  }
  std::vector<Candidates> cs;
  for (const auto& q : qs) cs.emplace_back(k, q.margin);
  if (qs.size() >= kBatchMin) {
    scan_batch(qs, cs, filter);
  } else {
    for (size_t t = 0; t < qs.size(); ++t) scan_single(qs[t], cs[t], filter);
  }
  for (size_t t = 0; t < qs.size(); ++t) {
    std::vector<Neighbor> ranked;
    for (const auto& [approx, row] : cs[t].finish()) ranked.push_back({row, exact(qs[t], row)});
    const bool ascending = metric_ == Metric::Euclidean;
    std::sort(ranked.begin(), ranked.end(), [&](const Neighbor& a, const Neighbor& b) {
      if (a.score != b.score) return ascending ? a.score < b.score : a.score > b.score;
      return a.row < b.row;
    });
    if (ranked.size() > k) ranked.resize(k);
    out[qs[t].index] = std::move(ranked);
  }
  return out;
}

}  // namespace embscope

// HNSW through hnswlib, candidates re-scored exactly.
#include "analysis/ann_index.h"

#include <fmt/format.h>

// hnswlib 0.6.2's SSE path prefetches the entry after the last one of a neighbour list, which
// reads 4 bytes past the list's heap block (hnswalg.h searchBaseLayer, `*(datal + j + 1)`):
// harmless in a normal build, a heap-buffer-overflow under AddressSanitizer. Sanitized builds
// therefore take hnswlib's scalar path, whose loops stay inside the lists.
#if defined(__SANITIZE_ADDRESS__) || defined(__has_feature)
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <random>

#include "core/parallel.h"

namespace embscope {
namespace {

std::unique_ptr<hnswlib::SpaceInterface<float>> space_for(Metric m, size_t d) {
  if (m == Metric::Euclidean) return std::make_unique<hnswlib::L2Space>(d);
  return std::make_unique<hnswlib::InnerProductSpace>(d);
}

// Row r as the index stores it: f32, unit length for cosine (false for a zero row).
bool indexed_row(RowTable t, Metric m, size_t r, std::vector<float>& out) {
  out.resize(t.n_cols);
  double norm = 0;
  for (size_t j = 0; j < t.n_cols; ++j) {
    out[j] = static_cast<float>(t.at(r, j));
    norm += static_cast<double>(out[j]) * out[j];
  }
  if (m != Metric::Cosine) return true;
  if (norm == 0) return false;
  const double inv = 1 / std::sqrt(norm);
  for (float& v : out) v = static_cast<float>(v * inv);
  return true;
}

}  // namespace

AnnIndex::AnnIndex(RowTable table, Metric metric)
    : table_(table), metric_(metric), exact_(table, metric), space_(space_for(metric, table.n_cols)) {}
AnnIndex::AnnIndex(AnnIndex&&) noexcept = default;
AnnIndex& AnnIndex::operator=(AnnIndex&&) noexcept = default;
AnnIndex::~AnnIndex() = default;

size_t AnnIndex::n_indexed() const { return hnsw_ ? hnsw_->cur_element_count : 0; }

Result<AnnIndex> AnnIndex::build(RowTable table, Metric metric, const AnnOptions& o) {
  if (table.n_rows == 0 || table.n_cols == 0) return make_error(ErrorKind::InvalidArgument, "index", "the table is empty");
  if (o.m < 2 || o.m > 256 || o.ef_construction < o.m)
    return make_error(ErrorKind::InvalidArgument, "index", fmt::format("M {} must be in 2..256 and ef_construction >= M", o.m));
  AnnIndex a(table, metric);
  try {
    a.hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(a.space_.get(), table.n_rows, o.m, o.ef_construction);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Io, "index", fmt::format("cannot allocate the HNSW graph: {}", e.what()));
  }
  std::atomic<size_t> next{0}, done{0};
  const size_t t = std::max<size_t>(1, std::min(o.threads, table.n_rows / 1000 + 1));
  auto work = [&](size_t w) {
    std::vector<float> row;
    for (size_t r = next.fetch_add(1); r < table.n_rows; r = next.fetch_add(1)) {
      if (indexed_row(table, metric, r, row)) a.hnsw_->addPoint(row.data(), r);
      const size_t d = done.fetch_add(1) + 1;
      if (w == 0 && o.progress && d % 1024 == 0) o.progress(d);
    }
  };
  Team(t).run(work);
  return a;
}

Result<AnnIndex> AnnIndex::load(const std::string& path, RowTable table, Metric metric, size_t m) {
  AnnIndex a(table, metric);
  try {
    a.hnsw_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(a.space_.get(), path);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Format, path, fmt::format("not a readable HNSW index: {}", e.what()));
  }
  if (a.hnsw_->max_elements_ != table.n_rows || a.hnsw_->M_ != m || a.hnsw_->data_size_ != table.n_cols * sizeof(float)) {
    return make_error(ErrorKind::Format, path,
                      fmt::format("the index holds up to {} rows with M {}; this table has {} rows of dimension {}",
                                  a.hnsw_->max_elements_, a.hnsw_->M_, table.n_rows, table.n_cols));
  }
  return a;
}

Status AnnIndex::save(const std::string& path) const {
  try {
    hnsw_->saveIndex(path);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::Io, path, fmt::format("cannot write the index: {}", e.what()));
  }
  return {};
}

std::vector<std::vector<Neighbor>> AnnIndex::search(MatrixView queries, size_t k, size_t ef, const SearchFilter& filter) const {
  std::vector<std::vector<Neighbor>> out(queries.n_rows);
  const size_t n = n_indexed(), d = table_.n_cols;
  std::vector<float> q(d), probe(d);
  for (size_t i = 0; i < queries.n_rows; ++i) {
    std::copy_n(queries.data + i * d, d, q.begin());
    double qn = 0;
    for (float v : q) qn += static_cast<double>(v) * v;
    qn = std::sqrt(qn);
    if (metric_ == Metric::Cosine && qn == 0) continue;  // cosine is undefined
    probe = q;
    if (metric_ == Metric::Cosine)
      for (float& v : probe) v = static_cast<float>(v / qn);
    const std::vector<uint32_t>* ex = filter.exclude.empty() ? nullptr : &filter.exclude[i];
    auto usable = [&](uint32_t r) {
      if (filter.allowed && !(*filter.allowed)[r]) return false;
      return !ex || std::find(ex->begin(), ex->end(), r) == ex->end();
    };
    // Ask for more than k when the filter removes rows, doubling until k usable rows come back.
    for (size_t want = std::min(n, k + (ex ? ex->size() : 0));; want = std::min(n, want * 2)) {
      hnsw_->setEf(std::max(ef, want));
      auto found = hnsw_->searchKnn(probe.data(), want);
      std::vector<uint32_t> rows;
      while (!found.empty()) {
        const auto r = static_cast<uint32_t>(found.top().second);
        found.pop();
        if (usable(r)) rows.push_back(r);
      }
      const std::vector<double> exact = exact_.scores(q, rows);
      std::vector<Neighbor> got;
      for (size_t j = 0; j < rows.size(); ++j) got.push_back({rows[j], exact[j]});
      if (got.size() >= k || want >= n) {
        const bool smaller_first = metric_ == Metric::Euclidean;
        std::sort(got.begin(), got.end(), [&](const Neighbor& a, const Neighbor& b) {
          if (a.score != b.score) return smaller_first ? a.score < b.score : a.score > b.score;
          return a.row < b.row;
        });
        if (got.size() > k) got.resize(k);
        out[i] = std::move(got);
        break;
      }
    }
  }
  return out;
}

double measure_recall(const AnnIndex& ann, const NeighborIndex& exact, RowTable table, size_t n_queries, size_t k,
                      size_t ef, uint64_t seed) {
  std::vector<uint32_t> rows(table.n_rows);
  std::iota(rows.begin(), rows.end(), 0u);
  std::mt19937_64 rng(seed);
  std::shuffle(rows.begin(), rows.end(), rng);
  rows.resize(std::min(n_queries, rows.size()));
  std::vector<float> q(rows.size() * table.n_cols);
  std::vector<std::vector<uint32_t>> self(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < table.n_cols; ++j) q[i * table.n_cols + j] = static_cast<float>(table.at(rows[i], j));
    self[i] = {rows[i]};
  }
  const MatrixView qm{q.data(), rows.size(), table.n_cols};
  const SearchFilter f{nullptr, self};
  const auto truth = exact.search(qm, k, f), got = ann.search(qm, k, ef, f);
  double hits = 0, total = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& t : truth[i]) {
      total += 1;
      hits += std::any_of(got[i].begin(), got[i].end(), [&](const Neighbor& g) { return g.row == t.row; });
    }
  }
  return total > 0 ? hits / total : 1.0;
}

}  // namespace embscope

// Approximate nearest neighbours for very large tables or many repeated queries: an HNSW graph
// (Malkov & Yashunin 2018, "Efficient and robust approximate nearest neighbor search using
// Hierarchical Navigable Small World graphs") built and searched with hnswlib (Debian
// libhnswlib-dev, the authors' library). Cosine indexes the rows normalised to unit length
// with inner-product distance, dot the raw rows, euclidean squared L2. The candidates it
// returns are re-scored exactly in double from the table, so scores equal the exact search's;
// only membership can differ, which `measure_recall` quantifies against NeighborIndex.
// hnswlib reads and writes its own file format by path, so save/load take paths here (the
// checks around the file -- sidecar, checksum -- live in trace/ann_files.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/neighbor_index.h"
#include "core/error.h"

namespace hnswlib {
template <typename T>
class HierarchicalNSW;
template <typename T>
class SpaceInterface;
}  // namespace hnswlib

namespace embscope {

struct AnnOptions {
  size_t m = 16;                  // graph degree (hnswlib M)
  size_t ef_construction = 200;   // candidate list while building
  size_t threads = 1;             // building threads (one: the same graph every time)
  std::function<void(size_t)> progress;  // rows added so far, now and then; may be empty
};

class AnnIndex {
 public:
  AnnIndex(AnnIndex&&) noexcept;
  AnnIndex& operator=(AnnIndex&&) noexcept;
  ~AnnIndex();

  // Every row of `table` (which must outlive the index); zero rows are left out for cosine.
  static Result<AnnIndex> build(RowTable table, Metric metric, const AnnOptions& options);
  // An index file written by save() for this table and metric. The caller has verified the
  // file (trace/ann_files.h); hnswlib's own consistency check runs too. Errors: Format.
  static Result<AnnIndex> load(const std::string& path, RowTable table, Metric metric, size_t m);

  // Writes the hnswlib file at `path` (the caller renames it into place).
  Status save(const std::string& path) const;

  // For each query: the k best rows among those the filter allows, best first, exact scores
  // (as NeighborIndex::search); `ef` >= k is the search breadth (larger: better recall).
  std::vector<std::vector<Neighbor>> search(MatrixView queries, size_t k, size_t ef, const SearchFilter& filter = {}) const;

  Metric metric() const { return metric_; }
  size_t n_indexed() const;

 private:
  AnnIndex(RowTable table, Metric metric);

  RowTable table_;
  Metric metric_;
  NeighborIndex exact_;  // re-scores the graph's candidates exactly
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw_;
};

// Recall@k of `ann` at breadth `ef` against the exact search, with `n_queries` rows of the
// table (chosen by `seed`, each excluded from its own answers) as queries: the mean share of
// the exact k best that the index also returns.
double measure_recall(const AnnIndex& ann, const NeighborIndex& exact, RowTable table, size_t n_queries, size_t k,
                      size_t ef, uint64_t seed);

}  // namespace embscope

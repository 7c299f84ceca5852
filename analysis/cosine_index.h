// Exact top-k by cosine over a whole table, for one query or thousands: a unit-normalised copy
// of the table packed in 16-row blocks is scanned with SIMD in f32 (a chunk of rows that fits
// in L2 is scored against every query before the next is read, so a batch reads the table
// once), the best candidates of each query are then re-scored in double from the original rows.
// The answer is the exact double-precision ranking unless more than `kRerankExtra` rows lie
// within f32 rounding (~1e-6) of the k-th score. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/neighbors.h"
#include "core/matrix_view.h"

namespace embscope {

struct SearchFilter {
  const std::vector<uint8_t>* allowed = nullptr;  // rows r with !allowed[r] never answer
  // Per query, rows that never answer for it (e.g. the query's own words); empty, or one list
  // per query.
  std::span<const std::vector<uint32_t>> exclude;
};

class CosineIndex {
 public:
  static constexpr size_t kRerankExtra = 16;

  // `table` (V, D) must outlive the index (it is read again for the re-scoring).
  explicit CosineIndex(MatrixView table);

  size_t n_rows() const { return table_.n_rows; }
  size_t n_dims() const { return table_.n_cols; }
  const char* kernel_name() const;

  // For each query (B, D): the k rows with the highest cosine, best first, ties by lower row,
  // with cosine in double. Zero rows never answer; a zero query gets an empty list.
  std::vector<std::vector<Neighbor>> search(MatrixView queries, size_t k, const SearchFilter& filter = {}) const;

 private:
  MatrixView table_;
  std::vector<float> packed_;     // (ceil(V / 16), D, 16): block b, dim j, row 16b + i
  std::vector<double> norms_;     // (V) L2 norms of the original rows, in double
  size_t n_blocks_ = 0;
};

}  // namespace embscope

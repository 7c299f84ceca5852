// Exact top-k over a whole table by cosine, dot product or euclidean distance, for one query
// or thousands, at memory speed. The table is read where it lies -- f32, f16 or bf16, the
// stored dtype converted on the fly -- so no f32 copy of a 262k x 2560 bf16 table is made
// (this is the one place analysis/ sees a non-f32 matrix, for that reason).
// - one query (or a few): a row-major SIMD scan, the table read once per query;
// - a batch: a chunk of rows that fits in L2 is converted and packed once, then scored against
//   every query (the table read once per batch, matrix-matrix work in registers), with each
//   query's top-k kept inside the blocked product.
// Scores are accumulated in f32; the rows within the f32 error bound of the k-th best are
// re-scored in double from the stored rows, so the result is the exact double-precision
// ranking (ties by lower row). Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "analysis/neighbors.h"
#include "analysis/scan_kernel.h"
#include "core/matrix_view.h"

namespace embscope {

enum class Metric { Cosine, Dot, Euclidean };

// A row-major table as stored. Element (i, j) is element i * stride + j of `data`.
struct RowTable {
  const void* data = nullptr;
  scan::Elem elem = scan::Elem::F32;
  size_t n_rows = 0, n_cols = 0, stride = 0;

  static RowTable of(MatrixView m) { return {m.data, scan::Elem::F32, m.n_rows, m.n_cols, m.n_cols}; }
  double at(size_t i, size_t j) const { return scan::element_to_f32(data, elem, i * stride + j); }
};

// A copy of the rows normalised to unit length that searches scan instead of the table (cosine
// only), built once; the candidates within the copy's error bound are re-scored in double from
// the table as always, so answers stay exact. Worth it when one index answers many queries.
// - Bf16: rows in bf16 (V x D x 2 bytes), |error| of a cosine <= 2^-8; with AVX512-BF16
//   (VDPBF16PS) twice the f32 multiply rate at half an f32 table's traffic;
// - Int8: each row scaled by its own largest component into int8 (V x D bytes), the query too;
//   with AVX-512 VNNI (VPDPBUSD, analysis/screen_kernel.h) four times the f32 multiply rate at a
//   quarter of the traffic. The error bound is measured, not assumed: |u_q . u_r - approx|
//   <= |u_r - u~_r|max + |u_q - u~_q| |u~_r|max (Cauchy-Schwarz; u~ the quantised unit vector),
//   about 0.015 for D = 768, so more rows are re-scored than with bf16;
// - Best: Int8 where the CPU has AVX-512 VNNI (screen::fast()), else Bf16.
// Int8 becomes Bf16 past 65,536 dimensions (the kernel's int32 sums would overflow).
enum class UnitCopy { None, Bf16, Int8, Best };

struct SearchFilter {
  const std::vector<uint8_t>* allowed = nullptr;  // rows r with !allowed[r] never answer
  // Per query, rows that never answer for it (e.g. the query's own words): empty, or one list
  // per query.
  std::span<const std::vector<uint32_t>> exclude;
};

class NeighborIndex {
 public:
  // `table` must outlive the index. One pass over it computes the row norms (and builds the
  // unit copy asked for; ignored unless the metric is cosine).
  NeighborIndex(RowTable table, Metric metric, UnitCopy copy = UnitCopy::None);

  size_t n_rows() const { return table_.n_rows; }
  size_t n_dims() const { return table_.n_cols; }
  Metric metric() const { return metric_; }
  static const char* kernel_name();
  // The copy searches scan: UnitCopy::None, Bf16 or Int8 (Best resolved), and its name
  // ("none", "bf16", "int8").
  UnitCopy unit_copy() const { return copy_; }
  static const char* copy_name(UnitCopy copy);

  // For each query (B, D): the k best rows, best first (highest cosine or dot, smallest
  // distance), ties by lower row; Neighbor::score is the cosine, dot or distance in double.
  // Cosine: zero rows never answer and a zero query gets an empty list.
  std::vector<std::vector<Neighbor>> search(MatrixView queries, size_t k, const SearchFilter& filter = {}) const;

  // The exact scores of some rows for one query (D floats), in double, as search() reports
  // them (cosine needs a non-zero query and rows).
  std::vector<double> scores(std::span<const float> query, std::span<const uint32_t> rows) const;

  // Every row's k best other rows (never itself; a duplicate of it may answer), as search()
  // ranks them, on `threads` threads; the answer does not depend on the thread count. Scores
  // each unordered pair of rows once: the (V x V) product is symmetric, so the blocked
  // product runs over the slice pairs (I, J), I <= J, and each score is offered to both rows
  // (half the multiply work of V searches). For the k-NN graph of a point set.
  std::vector<std::vector<Neighbor>> search_all(size_t k, size_t threads) const;

 private:
  struct Query;
  class Candidates;
  bool has_copy() const { return copy_ == UnitCopy::Bf16; }
  // Single queries on a stored bf16 table use VDPBF16PS with a bf16-rounded query.
  bool rows_in_bf16_pairs() const;
  // Row r with scan score v -> the query's candidates, unless below the cut, a zero row
  // (cosine) or filtered out.
  void offer(const Query& q, Candidates& c, float v, size_t r, const SearchFilter& filter) const;
  void offer_scores(const Query& q, Candidates& c, const float* s, size_t first, size_t rows, bool unit,
                    const SearchFilter& filter) const;
  // One query against the stored rows in place.
  void scan_rows(const Query& q, Candidates& c, const SearchFilter& filter) const;
  // Queries against 16-row blocks: the bf16 copy, else f32 blocks packed chunk by chunk.
  void scan_packed(const std::vector<Query>& qs, std::vector<Candidates>& cs, const SearchFilter& filter) const;
  // Queries against the int8 copy (VNNI screen kernel, hits above each query's cut).
  void scan_int8(const std::vector<Query>& qs, std::vector<Candidates>& cs, const SearchFilter& filter) const;
  // The int8 form of one row of the copy (unit length, scaled by its largest component);
  // unit (D doubles) and q8 (D) are scratch.
  void build_int8_row(size_t r, const float* row, double* unit, int8_t* q8);
  // The query's int8 form and its margin over the int8 copy.
  void quantise_query(Query& q) const;
  double exact(const Query& q, uint32_t row) const;
  // Row r as the kernels multiply it (unit length for cosine) into `row` (D floats) and into
  // the lane of a (D, 16) block that starts at `lane` (element j at lane[j * 16]).
  void pack_row(size_t r, float* row, float* lane) const;
  // A kernel's f32 product of a query with row r as the candidates rank it: `unit` when the
  // product is already a cosine (unit rows on both sides).
  float scan_score(float product, size_t r, bool unit) const;
  // The bound on |f32 scan score - exact score| for a query of this norm (f32 scans).
  double scan_margin(double query_norm) const;
  // The candidates re-scored in double: the k best, best first, ties by lower row.
  std::vector<Neighbor> ranked(const Query& q, Candidates& c, size_t k) const;
  void prefetch_row(uint32_t row) const;  // the stored row's cache lines, ahead of exact()

  RowTable table_;
  Metric metric_;
  std::vector<double> norms_;    // (V) L2 norm of each row
  std::vector<float> inv_norms_; // (V) 1 / norm, 0 for zero rows (cosine)
  std::vector<float> sq_norms_;  // (V) norm^2 (euclidean)
  UnitCopy copy_ = UnitCopy::None;
  std::vector<uint16_t> bf16_;   // (ceil(V/16), Dp/2, 16, 2) unit rows in bf16, when asked for
  size_t dp_ = 0;                // D rounded up to even
  // The int8 copy (screen_kernel.h layout): (ceil(V/16), D4/4, 16, 4) int8 + 128, a row's
  // scale (0 for zero rows and padding), D4 = D rounded up to a multiple of 4; the largest
  // |u_r - u~_r| and |u~_r| over the rows.
  std::vector<uint8_t> int8_;
  std::vector<float> int8_scale_;  // (ceil(V/16) * 16)
  size_t d4_ = 0;
  double int8_error_ = 0, int8_norm_ = 0;
  double max_norm_ = 0;
};

}  // namespace embscope

// Single-query and batched scans, candidates within the f32 error bound, double re-scoring.
#include "analysis/neighbor_index.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/f64x8.h"
#include "analysis/screen_kernel.h"
#include "core/dtype.h"
#include "core/parallel.h"

namespace embscope {
namespace {

using scan::kBlockRows;

constexpr size_t kSingleChunk = 4096;  // rows scored per dot_rows call (scores stay in L1/L2)
constexpr size_t kBatchMin = 4;        // from this many queries on, pack chunks and reuse them
constexpr size_t kInt8MaxDims = 65536;  // 255 * 127 * 65536 < 2^31

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
  // Over the int8 copy: the unit query in int8 (D4), 128 * the sum of its values, its scale.
  std::vector<int8_t> q8;
  int32_t corr = 0;
  float q8_scale = 0;
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

NeighborIndex::NeighborIndex(RowTable table, Metric metric, UnitCopy copy) : table_(table), metric_(metric) {
  const size_t n = table.n_rows, d = table.n_cols;
  norms_.resize(n);
  inv_norms_.resize(n);
  sq_norms_.resize(n);
  if (metric == Metric::Cosine && n > 0 && d > 0) {
    if (copy == UnitCopy::Best) copy = screen::fast() ? UnitCopy::Int8 : UnitCopy::Bf16;
    // The int8 kernel's int32 sums of (v + 128) * w stay below 2^31 up to 65,536 dimensions.
    if (copy == UnitCopy::Int8 && d > kInt8MaxDims) copy = UnitCopy::Bf16;
    copy_ = copy;
  }
  const size_t padded = (n + kBlockRows - 1) / kBlockRows * kBlockRows;
  dp_ = (d + 1) / 2 * 2;
  d4_ = (d + 3) / 4 * 4;
  if (copy_ == UnitCopy::Bf16) bf16_.assign(padded * dp_, 0);
  if (copy_ == UnitCopy::Int8) {
    int8_.assign(padded * d4_, 128);
    int8_scale_.assign(padded, 0.0f);
  }
  std::vector<float> row(d);
  std::vector<double> unit(copy_ == UnitCopy::Int8 ? d : 0);  // scratch of the int8 copy
  std::vector<int8_t> q8(unit.size());
  for (size_t r = 0; r < n; ++r) {
    row_f32(table, r, row.data());
    double s = 0;
    for (float x : row) s += static_cast<double>(x) * x;
    norms_[r] = std::sqrt(s);
    inv_norms_[r] = norms_[r] > 0 ? static_cast<float>(1.0 / norms_[r]) : 0.0f;
    sq_norms_[r] = static_cast<float>(s);
    max_norm_ = std::max(max_norm_, norms_[r]);
    if (copy_ == UnitCopy::Bf16) {
      // Block r / 16, lane r % 16, dimension pairs interleaved (scan_kernel.h).
      uint16_t* blk = bf16_.data() + (r / kBlockRows) * dp_ * kBlockRows;
      const size_t lane = r % kBlockRows;
      for (size_t j = 0; j < d; ++j) blk[((j / 2) * kBlockRows + lane) * 2 + j % 2] = f32_to_bf16(row[j] * inv_norms_[r]);
    }
    if (copy_ == UnitCopy::Int8) build_int8_row(r, row.data(), unit.data(), q8.data());
  }
}

namespace {

// The int8 form of a unit vector u (computed in double): s = max |u_j| / 127 (as a float, the
// scale the kernel multiplies by), v_j = round(u_j / s) in [-127, 127]; returns |u - s v| and
// |s v| in double (s v is exact in double: 24 + 8 bits).
struct Int8Form {
  float scale = 0;
  double error = 0, norm = 0;
};
Int8Form to_int8(const double* u, size_t d, int8_t* v) {
  double top = 0;
  for (size_t j = 0; j < d; ++j) top = std::max(top, std::fabs(u[j]));
  Int8Form f;
  if (top == 0) {
    std::fill_n(v, d, int8_t{0});
    return f;
  }
  f.scale = static_cast<float>(top / 127);
  double err = 0, norm = 0;
  for (size_t j = 0; j < d; ++j) {
    const double q = std::clamp(std::nearbyint(u[j] / f.scale), -127.0, 127.0);
    v[j] = static_cast<int8_t>(q);
    const double back = static_cast<double>(f.scale) * q;
    err += (u[j] - back) * (u[j] - back);
    norm += back * back;
  }
  f.error = std::sqrt(err);
  f.norm = std::sqrt(norm);
  return f;
}

}  // namespace

void NeighborIndex::build_int8_row(size_t r, const float* row, double* unit, int8_t* q8) {
  const size_t d = table_.n_cols;
  if (norms_[r] == 0) return;  // scale 0: scores 0, and zero rows never answer by cosine
  for (size_t j = 0; j < d; ++j) unit[j] = row[j] / norms_[r];
  const Int8Form f = to_int8(unit, d, q8);
  screen::store_row(q8, d, d4_, r, int8_.data());
  int8_scale_[r] = f.scale;
  int8_error_ = std::max(int8_error_, f.error);
  int8_norm_ = std::max(int8_norm_, f.norm);
}

void NeighborIndex::quantise_query(Query& q) const {
  const size_t d = table_.n_cols;
  std::vector<double> u(d);
  for (size_t j = 0; j < d; ++j) u[j] = q.exact[j] / q.norm;
  q.q8.assign(d4_, 0);
  const Int8Form f = to_int8(u.data(), d, q.q8.data());
  int32_t sum = 0;
  for (int8_t x : q.q8) sum += x;
  q.corr = 128 * sum;
  q.q8_scale = f.scale;
  // |u_q . u_r - u~_q . u~_r| = |u_q . (u_r - u~_r) + (u_q - u~_q) . u~_r|
  //   <= |u_q| max|u_r - u~_r| + |u_q - u~_q| max|u~_r|; the kernel's product of the exact
  // integer dot (|.| < 2^24 for D < 1040, else rounded once more) with the two scales rounds
  // three times (<= 2^-22 of |u~_q| |u~_r|); 1e-6 covers those and the double roundings.
  const double rounding = d4_ * 127.0 * 127.0 < 16777216.0 ? std::ldexp(1.0, -22) : std::ldexp(1.0, -21);
  q.margin = static_cast<float>(int8_error_ + f.error * int8_norm_ + rounding * f.norm * int8_norm_ + 1e-6);
}

const char* NeighborIndex::kernel_name() { return scan::best_kernel().name; }

const char* NeighborIndex::copy_name(UnitCopy copy) {
  switch (copy) {
    case UnitCopy::None: return "none";
    case UnitCopy::Bf16: return "bf16";
    case UnitCopy::Int8: return "int8";
    case UnitCopy::Best: return "best";
  }
  return "";
}

namespace {

// sum x_j q_j and sum (x_j - q_j)^2 in double over d values, in eight running sums (lane j % 8)
// added in a fixed order: vectorised, and the same sums on every CPU up to FMA contraction.
EMB_F64X8_CLONES void dot_and_distance(const float* x, const double* q, size_t d, double& dot, double& dist) {
  F64x8 sd = {}, se = {};
  size_t j = 0;
  for (; j + 8 <= d; j += 8) {
    const F64x8 xv = {x[j], x[j + 1], x[j + 2], x[j + 3], x[j + 4], x[j + 5], x[j + 6], x[j + 7]};
    F64x8 qv;
    load_f64x8(qv, q + j);
    const F64x8 diff = xv - qv;
    sd += xv * qv;
    se += diff * diff;
  }
  for (size_t l = 0; j < d; ++j, ++l) {
    const double diff = x[j] - q[j];
    sd[l] += x[j] * q[j];
    se[l] += diff * diff;
  }
  dot = sum_lanes(sd);
  dist = sum_lanes(se);
}

}  // namespace

void NeighborIndex::prefetch_row(uint32_t row) const {
  const size_t elem_size = table_.elem == scan::Elem::F32 ? 4 : 2;
  const char* at = static_cast<const char*>(table_.data) + row * table_.stride * elem_size;
  for (size_t b = 0; b < table_.n_cols * elem_size; b += 64) __builtin_prefetch(at + b);
}

double NeighborIndex::exact(const Query& q, uint32_t row) const {
  const size_t d = table_.n_cols;
  thread_local std::vector<float> converted;
  const float* r;
  if (table_.elem == scan::Elem::F32) {
    r = static_cast<const float*>(table_.data) + row * table_.stride;
  } else {
    converted.resize(d);
    row_f32(table_, row, converted.data());
    r = converted.data();
  }
  double dot = 0, dist = 0;
  dot_and_distance(r, q.exact.data(), d, dot, dist);
  switch (metric_) {
    case Metric::Cosine: return dot / (norms_[row] * q.norm);
    case Metric::Dot: return dot;
    case Metric::Euclidean: return std::sqrt(dist);
  }
  return 0;
}

std::vector<double> NeighborIndex::scores(std::span<const float> query, std::span<const uint32_t> rows) const {
  Query q;  // prepared once for all the rows
  q.exact.assign(query.begin(), query.end());
  double s = 0;
  for (double x : q.exact) s += x * x;
  q.norm = std::sqrt(s);
  std::vector<double> out;
  out.reserve(rows.size());
  for (uint32_t row : rows) out.push_back(exact(q, row));
  return out;
}

float NeighborIndex::scan_score(float product, size_t r, bool unit) const {
  if (metric_ == Metric::Cosine && !unit) return product * inv_norms_[r];
  if (metric_ == Metric::Euclidean) return 2 * product - sq_norms_[r];
  return product;
}

void NeighborIndex::pack_row(size_t r, float* row, float* lane) const {
  const size_t d = table_.n_cols;
  row_f32(table_, r, row);
  if (metric_ == Metric::Cosine)
    for (size_t j = 0; j < d; ++j) row[j] *= inv_norms_[r];
  for (size_t j = 0; j < d; ++j) lane[j * kBlockRows] = row[j];
}

// Scores s[0..rows) of rows first.. for one query -> its candidates. `unit`: the scores are
// already cosines (unit rows); else raw dot products to finish per metric.
void NeighborIndex::offer(const Query& q, Candidates& c, float v, size_t r, const SearchFilter& filter) const {
  if (v < c.cut()) return;
  if (metric_ == Metric::Cosine && inv_norms_[r] == 0) return;
  if (filter.allowed && (r >= filter.allowed->size() || !(*filter.allowed)[r])) return;
  if (!filter.exclude.empty()) {
    const auto& ex = filter.exclude[q.index];
    if (std::find(ex.begin(), ex.end(), r) != ex.end()) return;
  }
  c.offer(v, static_cast<uint32_t>(r));
}

void NeighborIndex::offer_scores(const Query& q, Candidates& c, const float* s, size_t first, size_t rows, bool unit,
                                 const SearchFilter& filter) const {
  for (size_t i = 0; i < rows; ++i) offer(q, c, scan_score(s[i], first + i, unit), first + i, filter);
}

bool NeighborIndex::rows_in_bf16_pairs() const {
  return table_.elem == scan::Elem::BF16 && scan::best_kernel().dot_rows_bf16 != nullptr;
}

void NeighborIndex::scan_rows(const Query& q, Candidates& c, const SearchFilter& filter) const {
  const scan::Kernel kernel = scan::best_kernel();
  const size_t n = table_.n_rows, d = table_.n_cols;
  const size_t elem_size = table_.elem == scan::Elem::F32 ? 4 : 2;
  std::vector<float> s(kSingleChunk);
  std::vector<uint16_t> query_bf16;
  if (rows_in_bf16_pairs())
    for (float x : q.scan) query_bf16.push_back(f32_to_bf16(x));
  for (size_t r0 = 0; r0 < n; r0 += kSingleChunk) {
    const size_t m = std::min(kSingleChunk, n - r0);
    const char* at = static_cast<const char*>(table_.data) + r0 * table_.stride * elem_size;
    if (!query_bf16.empty()) {
      kernel.dot_rows_bf16(reinterpret_cast<const uint16_t*>(at), m, table_.stride, query_bf16.data(),
                           static_cast<uint32_t>(d), s.data());
    } else {
      kernel.dot_rows(at, table_.elem, m, table_.stride, q.scan.data(), static_cast<uint32_t>(d), s.data());
    }
    offer_scores(q, c, s.data(), r0, m, false, filter);
  }
}

void NeighborIndex::scan_packed(const std::vector<Query>& qs, std::vector<Candidates>& cs,
                                const SearchFilter& filter) const {
  const scan::Kernel kernel = scan::best_kernel();
  const size_t n = table_.n_rows, d = table_.n_cols;
  const bool bf16 = has_copy();
  const size_t dd = bf16 ? dp_ : d;  // elements per row in a block
  const size_t elem_bytes = bf16 ? 2 : 4;
  // Rows per chunk: the packed chunk stays in L2 while every query tile is scored against it
  // (a single query streams the whole copy: bigger chunks).
  const size_t block_bytes = dd * kBlockRows * elem_bytes;
  const size_t chunk_blocks =
      qs.size() == 1 ? kSingleChunk / kBlockRows : std::clamp<size_t>((384u << 10) / block_bytes, 1, 64);
  const size_t n_blocks = (n + kBlockRows - 1) / kBlockRows;
  // Queries, (B, dd): f32 for the f32 blocks, bf16 (zero padded) for the copy.
  std::vector<float> queries;
  std::vector<uint16_t> queries_bf16;
  for (const auto& q : qs) {
    if (bf16) {
      for (size_t j = 0; j < dd; ++j) queries_bf16.push_back(j < d ? f32_to_bf16(q.scan[j]) : 0);
    } else {
      queries.insert(queries.end(), q.scan.begin(), q.scan.end());
    }
  }
  std::vector<float> packed(bf16 ? 0 : chunk_blocks * d * kBlockRows);  // (blocks, D, 16)
  std::vector<float> scores(kernel.max_queries * chunk_blocks * kBlockRows);
  std::vector<float> row(d);
  for (size_t b0 = 0; b0 < n_blocks; b0 += chunk_blocks) {
    const size_t nb = std::min(chunk_blocks, n_blocks - b0);
    const size_t first = b0 * kBlockRows, rows = std::min(nb * kBlockRows, n - first), width = nb * kBlockRows;
    if (!bf16) {
      // Pack: row first + i -> block i / 16, lane i % 16; cosine rows scaled to unit length.
      std::fill(packed.begin(), packed.begin() + static_cast<ptrdiff_t>(nb * d * kBlockRows), 0.0f);
      for (size_t i = 0; i < rows; ++i)
        pack_row(first + i, row.data(), packed.data() + (i / kBlockRows) * d * kBlockRows + i % kBlockRows);
    }
    for (size_t t0 = 0; t0 < qs.size(); t0 += kernel.max_queries) {
      const size_t nt = std::min<size_t>(kernel.max_queries, qs.size() - t0);
      if (bf16) {
        kernel.score_blocks_bf16(bf16_.data() + b0 * dp_ * kBlockRows, static_cast<uint32_t>(nb),
                                 queries_bf16.data() + t0 * dp_, static_cast<uint32_t>(nt), static_cast<uint32_t>(dp_),
                                 scores.data());
      } else {
        kernel.score_blocks(packed.data(), static_cast<uint32_t>(nb), queries.data() + t0 * d, static_cast<uint32_t>(nt),
                            static_cast<uint32_t>(d), scores.data());
      }
      for (size_t t = 0; t < nt; ++t)
        offer_scores(qs[t0 + t], cs[t0 + t], scores.data() + t * width, first, rows, metric_ == Metric::Cosine, filter);
    }
  }
}

void NeighborIndex::scan_int8(const std::vector<Query>& qs, std::vector<Candidates>& cs,
                              const SearchFilter& filter) const {
  const screen::Kernel kernel = screen::best_kernel();
  const size_t n = table_.n_rows, d4 = d4_;
  // Rows per call: a chunk that stays in L2 while every tile of queries is scored against it;
  // a single query streams the copy (bigger chunks, fewer calls).
  const size_t block_bytes = d4 * kBlockRows;
  const size_t chunk_blocks =
      qs.size() == 1 ? kSingleChunk / kBlockRows : std::clamp<size_t>((384u << 10) / block_bytes, 1, 64);
  const size_t n_blocks = (n + kBlockRows - 1) / kBlockRows;
  const size_t nq_max = kernel.max_queries;
  std::vector<int8_t> queries;  // (B, D4)
  std::vector<int32_t> corr;
  std::vector<float> scale, zero(std::max(nq_max, chunk_blocks * kBlockRows), 0.0f), cut(nq_max);
  for (const auto& q : qs) {
    queries.insert(queries.end(), q.q8.begin(), q.q8.end());
    corr.push_back(q.corr);
    scale.push_back(q.q8_scale);
  }
  // Room for every pair of one call: the tile's queries (the batch, at most nq_max) x the chunk.
  std::vector<screen::Hit> hits(std::min(nq_max, qs.size()) * chunk_blocks * kBlockRows);
  for (size_t b0 = 0; b0 < n_blocks; b0 += chunk_blocks) {
    const size_t nb = std::min(chunk_blocks, n_blocks - b0);
    const size_t first = b0 * kBlockRows, rows = std::min(nb * kBlockRows, n - first);
    for (size_t t0 = 0; t0 < qs.size(); t0 += nq_max) {
      const size_t nt = std::min(nq_max, qs.size() - t0);
      // The kernel keeps p > cut; the candidates keep p >= cut.
      for (size_t t = 0; t < nt; ++t)
        cut[t] = std::nextafter(cs[t0 + t].cut(), -std::numeric_limits<float>::infinity());
      const screen::ScreenTile tile{int8_.data() + first * d4,
                                    static_cast<uint32_t>(nb),
                                    static_cast<uint32_t>(rows),
                                    queries.data() + t0 * d4,
                                    static_cast<uint32_t>(nt),
                                    static_cast<uint32_t>(d4),
                                    corr.data() + t0,
                                    scale.data() + t0,
                                    zero.data(),
                                    cut.data(),
                                    int8_scale_.data() + first,
                                    zero.data(),
                                    zero.data(),
                                    false};
      const size_t found = kernel.screen(tile, hits.data());
      for (size_t i = 0; i < found; ++i) {
        const screen::Hit& h = hits[i];
        const size_t t = t0 + h.q, r = first + h.r;
        offer(qs[t], cs[t], h.score, r, filter);
      }
    }
  }
}

double NeighborIndex::scan_margin(double query_norm) const {
  // f32 accumulation error of a d-term dot product: <= d * 2^-24 * |q| |r| (with slack for the
  // f32 rounding of the unit query, the packed scaling and the norms).
  const double gamma = 2.0 * (static_cast<double>(table_.n_cols) + 8.0) * std::ldexp(1.0, -24);
  switch (metric_) {
    case Metric::Cosine: return gamma;
    case Metric::Dot: return gamma * query_norm * max_norm_;
    case Metric::Euclidean: return 2 * gamma * query_norm * max_norm_ + gamma * max_norm_ * max_norm_;
  }
  return 0;
}

std::vector<std::vector<Neighbor>> NeighborIndex::search(MatrixView queries, size_t k, const SearchFilter& filter) const {
  const size_t d = table_.n_cols;
  std::vector<std::vector<Neighbor>> out(queries.n_rows);
  if (k == 0 || table_.n_rows == 0) return out;
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
    q.margin = static_cast<float>(scan_margin(q.norm));
    qs.push_back(std::move(q));
  }
  if (copy_ == UnitCopy::Int8) {
    for (auto& q : qs) quantise_query(q);
  } else if (has_copy()) {
    // bf16 rounding of each component of the unit row and of the unit query: <= 2^-9
    // relative (bf16 keeps 8 bits), and values below 2^-126 flushed to zero; so for unit
    // vectors |sum (q + dq)(r + dr) - sum q r| <= 2^-8 + 2^-18 + 2^-126 sqrt(D) (Cauchy-Schwarz).
    const double bf16_error = std::ldexp(1.0, -8) + std::ldexp(1.0, -18) + std::ldexp(1.0, -126) * std::sqrt(double(d));
    for (auto& q : qs) q.margin = static_cast<float>(scan_margin(q.norm) + bf16_error);
  }
  const bool packed = copy_ != UnitCopy::None || qs.size() >= kBatchMin;
  if (!packed && rows_in_bf16_pairs()) {
    // The query rounded to bf16 for VDPBF16PS on the stored bf16 rows (exact in f32): each
    // component moves by <= 2^-9 relative, so the dot product by <= 2^-9 |q| |r| (+ flushed
    // subnormals); cosine scores are scaled by 1 / (|q| |r|) afterwards.
    const double round = std::ldexp(1.0, -9) + std::ldexp(1.0, -126) * std::sqrt(double(d));
    for (auto& q : qs) {
      const double qn = metric_ == Metric::Cosine ? 1.0 : q.norm;
      const double rn = metric_ == Metric::Cosine ? 1.0 : max_norm_;
      q.margin += static_cast<float>((metric_ == Metric::Euclidean ? 2 : 1) * round * qn * rn);
    }
  }
  std::vector<Candidates> cs;
  for (const auto& q : qs) cs.emplace_back(k, q.margin);
  if (copy_ == UnitCopy::Int8) {
    scan_int8(qs, cs, filter);
  } else if (packed) {
    scan_packed(qs, cs, filter);
  } else {
    for (size_t t = 0; t < qs.size(); ++t) scan_rows(qs[t], cs[t], filter);
  }
  for (size_t t = 0; t < qs.size(); ++t) out[qs[t].index] = ranked(qs[t], cs[t], k);
  return out;
}

std::vector<Neighbor> NeighborIndex::ranked(const Query& q, Candidates& c, size_t k) const {
  std::vector<Neighbor> ranked;
  // Re-scored in row order (the rows are far apart in a large table: the next one is
  // prefetched while this one is scored).
  std::vector<uint32_t> rows;
  for (const auto& p : c.finish()) rows.push_back(p.second);
  std::sort(rows.begin(), rows.end());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 < rows.size()) prefetch_row(rows[i + 1]);
    ranked.push_back({rows[i], exact(q, rows[i])});
  }
  const bool ascending = metric_ == Metric::Euclidean;
  std::sort(ranked.begin(), ranked.end(), [&](const Neighbor& a, const Neighbor& b) {
    if (a.score != b.score) return ascending ? a.score < b.score : a.score > b.score;
    return a.row < b.row;
  });
  if (ranked.size() > k) ranked.resize(k);
  return ranked;
}

std::vector<std::vector<Neighbor>> NeighborIndex::search_all(size_t k, size_t threads) const {
  const scan::Kernel kernel = scan::best_kernel();
  const size_t n = table_.n_rows, d = table_.n_cols;
  std::vector<std::vector<Neighbor>> out(n);
  if (k == 0 || n < 2) return out;
  threads = std::max<size_t>(1, threads);
  const bool cosine = metric_ == Metric::Cosine;
  // Every row as the kernels multiply it (unit length for cosine), twice: row-major for the
  // query side (the table itself when it already is that) and packed 16 rows to a block,
  // (D, 16), for the row side.
  const size_t n_blocks = (n + kBlockRows - 1) / kBlockRows;
  const bool table_as_is = table_.elem == scan::Elem::F32 && !cosine && table_.stride == d;
  std::vector<float> copy(table_as_is ? 0 : n * d), packed(n_blocks * kBlockRows * d, 0.0f);
  const float* rows = table_as_is ? static_cast<const float*>(table_.data) : copy.data();
  run_jobs(n_blocks, threads, [&](size_t b, size_t) {
    std::vector<float> scratch(table_as_is ? d : 0);
    for (size_t r = b * kBlockRows; r < std::min(n, (b + 1) * kBlockRows); ++r)
      pack_row(r, table_as_is ? scratch.data() : copy.data() + r * d, packed.data() + b * d * kBlockRows + r % kBlockRows);
  });
  std::vector<Candidates> cs;
  cs.reserve(n);
  for (size_t r = 0; r < n; ++r) cs.emplace_back(k, static_cast<float>(scan_margin(norms_[r])));
  // Slices of 512 rows (a multiple of 16, so the chunks below start on block boundaries). A
  // pair of slices (I, J) offers each score to a query of I and, when I != J, to a row of J
  // as a query: the pairs run in rounds of disjoint pairs (the circle method of a round-robin
  // tournament, and the diagonal pairs as one round), so each query's candidates are touched
  // by one thread at a time. The candidates keep every row within the error bound of the
  // k-th best whatever order the rows come in, so the answer is the same on any thread count.
  const size_t slice = 512;
  const size_t m = (n + slice - 1) / slice;
  const auto rounds = disjoint_pair_rounds(m);
  const size_t chunk_blocks = std::clamp<size_t>((384u << 10) / (d * kBlockRows * 4), 1, 64);
  const size_t chunk = chunk_blocks * kBlockRows;
  std::vector<std::vector<float>> scratch(threads, std::vector<float>(kernel.max_queries * chunk));
  auto pair = [&](size_t si, size_t sj, size_t worker) {
    float* s = scratch[worker].data();
    const size_t q0 = si * slice, q1 = std::min(n, q0 + slice);
    const size_t r0 = sj * slice, r1 = std::min(n, r0 + slice);
    for (size_t c0 = r0; c0 < r1; c0 += chunk) {
      const size_t count = std::min(chunk, r1 - c0), nb = (count + kBlockRows - 1) / kBlockRows;
      const size_t width = nb * kBlockRows;
      for (size_t t0 = q0; t0 < q1; t0 += kernel.max_queries) {
        const size_t nt = std::min<size_t>(kernel.max_queries, q1 - t0);
        kernel.score_blocks(packed.data() + c0 * d, static_cast<uint32_t>(nb), rows + t0 * d,
                            static_cast<uint32_t>(nt), static_cast<uint32_t>(d), s);
        for (size_t t = 0; t < nt; ++t) {  // row-wise: query t0 + t, rows c0..
          const size_t q = t0 + t;
          if (cosine && inv_norms_[q] == 0) continue;
          Candidates& c = cs[q];
          const float* st = s + t * width;
          for (size_t i = 0; i < count; ++i) {
            const size_t r = c0 + i;
            const float v = scan_score(st[i], r, true);
            if (v < c.cut() || r == q || (cosine && inv_norms_[r] == 0)) continue;
            c.offer(v, static_cast<uint32_t>(r));
          }
        }
        if (si == sj) continue;
        for (size_t i = 0; i < count; ++i) {  // column-wise: row c0 + i as the query, rows t0..
          const size_t q = c0 + i;
          if (cosine && inv_norms_[q] == 0) continue;
          Candidates& c = cs[q];
          for (size_t t = 0; t < nt; ++t) {
            const size_t r = t0 + t;
            const float v = scan_score(s[t * width + i], r, true);
            if (v < c.cut() || (cosine && inv_norms_[r] == 0)) continue;
            c.offer(v, static_cast<uint32_t>(r));
          }
        }
      }
    }
  };
  for (const auto& pairs : rounds)
    run_jobs(pairs.size(), threads, [&](size_t p, size_t worker) { pair(pairs[p].first, pairs[p].second, worker); });
  // Re-scored in double, each row's query built from its stored values.
  const size_t parts = std::min(n, threads * 16);
  run_jobs(parts, threads, [&](size_t part, size_t) {
    Query q;
    std::vector<float> row(d);
    for (size_t r = range_begin(n, parts, part); r < range_begin(n, parts, part + 1); ++r) {
      if (cosine && norms_[r] == 0) continue;
      row_f32(table_, r, row.data());
      q.exact.assign(row.begin(), row.end());
      q.norm = norms_[r];
      out[r] = ranked(q, cs[r], k);
    }
  });
  return out;
}

}  // namespace embscope

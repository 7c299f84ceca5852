// The screened k-NN graph: an int8 product over all pairs picks each point's candidates, the
// candidates are re-scored exactly in double (analysis/knn_graph.h).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include "analysis/knn_graph.h"
#include "analysis/neighbor_index.h"
#include "core/parallel.h"

namespace embscope {
namespace {

using screen::kBlockRows;

// One point's candidates: the `keep` best screening scores seen so far, ties by lower row,
// and the cut the screen compares with (the keep-th best once that many were seen). An entry
// is one integer that orders as (score, -row): the score's bits made monotonic above, the
// complemented row below, so selection compares integers.
struct Pool {
  std::vector<uint64_t> entries;
  static uint64_t key(float score, uint32_t row) {
    uint32_t bits;
    std::memcpy(&bits, &score, 4);
    bits ^= (bits >> 31) != 0 ? 0xffffffffu : 0x80000000u;
    return (static_cast<uint64_t>(bits) << 32) | (0xffffffffu - row);
  }
  static float score(uint64_t key) {
    auto bits = static_cast<uint32_t>(key >> 32);
    bits ^= (bits >> 31) != 0 ? 0x80000000u : 0xffffffffu;
    float s;
    std::memcpy(&s, &bits, 4);
    return s;
  }
  static uint32_t row(uint64_t key) { return 0xffffffffu - static_cast<uint32_t>(key); }
  void compact(size_t keep, float& cut) {
    if (entries.size() <= keep) return;
    std::nth_element(entries.begin(), entries.begin() + static_cast<ptrdiff_t>(keep - 1), entries.end(),
                     std::greater<>());
    entries.resize(keep);
    cut = score(entries[keep - 1]);
  }
};

// The rows quantised as screen_kernel.h describes.
struct Quantised {
  size_t dp = 0;
  std::vector<uint8_t> blocks;   // (n_blocks, dp / 4, 16, 4) biased
  std::vector<int8_t> queries;   // (n, dp)
  std::vector<int32_t> corr;     // (n) 128 * sum of the row's int8 values
  std::vector<float> scale, half_sq;  // (n + padding) s and |x - mean|^2 / 2 (+inf for padding)
};

Quantised quantise(MatrixView x, size_t threads) {
  const size_t n = x.n_rows, d = x.n_cols;
  Quantised z;
  z.dp = (d + 3) / 4 * 4;
  const size_t n_blocks = (n + kBlockRows - 1) / kBlockRows, padded = n_blocks * kBlockRows;
  std::vector<double> mean(d, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < d; ++j) mean[j] += x.data[i * d + j];
  for (double& m : mean) m /= static_cast<double>(n);
  z.blocks.assign(n_blocks * z.dp * kBlockRows, 128);
  z.queries.assign(n * z.dp, 0);
  z.corr.assign(n, 0);
  z.scale.assign(padded, 0.0f);
  z.half_sq.assign(padded, std::numeric_limits<float>::infinity());
  run_jobs(n_blocks, threads, [&](size_t b, size_t) {
    std::vector<float> c(d);
    for (size_t r = b * kBlockRows; r < std::min(n, (b + 1) * kBlockRows); ++r) {
      double sq = 0;
      float top = 0;
      for (size_t j = 0; j < d; ++j) {
        c[j] = static_cast<float>(x.data[r * d + j] - mean[j]);
        sq += static_cast<double>(c[j]) * c[j];
        top = std::max(top, std::fabs(c[j]));
      }
      const float s = top / 127.0f, inv = top > 0 ? 127.0f / top : 0.0f;
      int32_t sum = 0;
      int8_t* q = z.queries.data() + r * z.dp;
      for (size_t j = 0; j < d; ++j) {
        q[j] = static_cast<int8_t>(std::clamp(std::lrint(c[j] * inv), -127L, 127L));
        sum += q[j];
      }
      screen::store_row(q, d, z.dp, r, z.blocks.data());
      z.corr[r] = 128 * sum;
      z.scale[r] = s;
      z.half_sq[r] = static_cast<float>(sq / 2);
    }
  });
  return z;
}

}  // namespace

KnnGraph screened_knn(MatrixView x, size_t k, size_t threads, size_t candidates, const screen::Kernel& kernel) {
  const size_t n = x.n_rows;
  threads = std::max<size_t>(1, threads);
  const size_t keep = std::clamp<size_t>(std::max(candidates, k), 1, n - 1);
  const Quantised z = quantise(x, threads);
  // A pool grows to 4 x keep (+ 16) before it is cut back to keep, and the cut rises.
  const size_t cap = 4 * keep + 16;
  std::vector<Pool> pools(n);
  std::vector<float> cut(z.scale.size(), -std::numeric_limits<float>::infinity());
  for (size_t r = n; r < cut.size(); ++r) cut[r] = std::numeric_limits<float>::infinity();
  auto offer = [&](size_t owner, float score, uint32_t row) {
    Pool& p = pools[owner];
    if (p.entries.empty()) p.entries.reserve(cap);
    p.entries.push_back(Pool::key(score, row));
    if (p.entries.size() >= cap) p.compact(keep, cut[owner]);
  };
  // Slices of 512 points (32 blocks: 384 KiB of rows at 768 dimensions, in L2) in rounds of
  // disjoint slice pairs (core/parallel.h), each pair's scores offered to both sides, so a
  // point's pool is touched by one thread at a time and sees the same offers in the same
  // order on any thread count.
  const size_t slice = 512;
  const size_t m = (n + slice - 1) / slice;
  const auto rounds = disjoint_pair_rounds(m);
  const size_t nq_max = kernel.max_queries;
  std::vector<std::vector<screen::Hit>> hits(threads, std::vector<screen::Hit>(2 * nq_max * slice));
  auto pair = [&](size_t si, size_t sj, size_t worker) {
    const size_t q0 = si * slice, q1 = std::min(n, q0 + slice);
    const size_t r0 = sj * slice, r1 = std::min(n, r0 + slice);
    const auto count = static_cast<uint32_t>(r1 - r0);
    for (size_t t0 = q0; t0 < q1; t0 += nq_max) {
      const auto nq = static_cast<uint32_t>(std::min(nq_max, q1 - t0));
      const screen::ScreenTile tile{z.blocks.data() + r0 * z.dp,
                                    (count + kBlockRows - 1) / kBlockRows,
                                    count,
                                    z.queries.data() + t0 * z.dp,
                                    nq,
                                    static_cast<uint32_t>(z.dp),
                                    z.corr.data() + t0,
                                    z.scale.data() + t0,
                                    z.half_sq.data() + t0,
                                    cut.data() + t0,
                                    z.scale.data() + r0,
                                    z.half_sq.data() + r0,
                                    cut.data() + r0,
                                    si != sj};
      screen::Hit* h = hits[worker].data();
      const size_t found = kernel.screen(tile, h);
      for (size_t i = 0; i < found; ++i) {
        const auto q = static_cast<uint32_t>(t0 + h[i].q), r = static_cast<uint32_t>(r0 + h[i].r);
        if (q == r) continue;
        if (h[i].to_row) {
          offer(r, h[i].score, q);
        } else {
          offer(q, h[i].score, r);
        }
      }
    }
  };
  for (const auto& round : rounds)
    run_jobs(round.size(), threads, [&](size_t p, size_t worker) { pair(round[p].first, round[p].second, worker); });
  // Each point's candidates re-scored exactly (the neighbour index's double distance, rows in
  // order for locality), the k nearest kept, ties by lower row.
  const NeighborIndex index(RowTable::of(x), Metric::Euclidean);
  KnnGraph g;
  g.n_points = n;
  g.k = k;
  g.index.resize(n * k);
  g.distance.resize(n * k);
  g.info.screened = true;
  g.info.candidates = keep;
  g.info.kernel = kernel.name;
  const size_t parts = std::min(n, threads * 16);
  run_jobs(parts, threads, [&](size_t part, size_t) {
    std::vector<uint32_t> rows;
    std::vector<std::pair<double, uint32_t>> ranked;
    for (size_t i = range_begin(n, parts, part); i < range_begin(n, parts, part + 1); ++i) {
      float unused = 0;
      pools[i].compact(keep, unused);
      rows.clear();
      for (const uint64_t e : pools[i].entries) rows.push_back(Pool::row(e));
      std::sort(rows.begin(), rows.end());
      const std::vector<double> dist = index.scores(x.row(i), rows);
      ranked.clear();
      for (size_t c = 0; c < rows.size(); ++c) ranked.emplace_back(dist[c], rows[c]);
      const size_t top = std::min(k, ranked.size());
      std::partial_sort(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(top), ranked.end());
      for (size_t j = 0; j < k; ++j) {
        // Fewer than k candidates only when n - 1 < k; repeat the last to keep the shape.
        const auto& e = ranked[std::min(j, top - 1)];
        g.index[i * k + j] = e.second;
        g.distance[i * k + j] = e.first;
      }
      pools[i].entries = {};
    }
  });
  return g;
}

}  // namespace embscope

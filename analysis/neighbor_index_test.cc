// NeighborIndex against a plain double-precision scan written here, for every metric, kernel,
// stored dtype (f32, f16, bf16), the single-query and the batched path, filters and ties.
#include "analysis/neighbor_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "analysis/screen_kernel.h"
#include "core/dtype.h"

namespace embscope {
namespace {

// Brute force: every allowed row scored in double from its stored value; best first, ties by row.
std::vector<Neighbor> brute(const std::vector<float>& t, size_t n, size_t d, std::span<const float> q, Metric m,
                            size_t k, const std::vector<uint8_t>& allowed) {
  std::vector<Neighbor> all;
  double qn = 0;
  for (float x : q) qn += double(x) * x;
  qn = std::sqrt(qn);
  for (size_t r = 0; r < n; ++r) {
    if (!allowed[r]) continue;
    double dot = 0, rn = 0, dist = 0;
    for (size_t j = 0; j < d; ++j) {
      const double x = t[r * d + j];
      dot += x * q[j];
      rn += x * x;
      dist += (x - q[j]) * (x - q[j]);
    }
    if (m == Metric::Cosine) {
      if (rn == 0 || qn == 0) continue;
      all.push_back({uint32_t(r), dot / (std::sqrt(rn) * qn)});
    } else {
      all.push_back({uint32_t(r), m == Metric::Dot ? dot : std::sqrt(dist)});
    }
  }
  const bool asc = m == Metric::Euclidean;
  std::sort(all.begin(), all.end(), [&](const Neighbor& a, const Neighbor& b) {
    return a.score != b.score ? (asc ? a.score < b.score : a.score > b.score) : a.row < b.row;
  });
  if (all.size() > k) all.resize(k);
  return all;
}

class NeighborIndexTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { setenv("EMBSCOPE_SCAN_KERNEL", GetParam(), 1); }
  void TearDown() override { unsetenv("EMBSCOPE_SCAN_KERNEL"); }
};

TEST_P(NeighborIndexTest, EqualsDoubleScan) {
  struct Shape {
    size_t n, d;
  };
  for (const Shape shape : {Shape{9, 3}, Shape{37, 5}, Shape{300, 100}, Shape{1000, 64}, Shape{517, 771}}) {
    const size_t n = shape.n, d = shape.d;
    std::mt19937 rng(static_cast<uint32_t>(n * 31 + d));
    std::normal_distribution<float> g;
    std::vector<float> t(n * d);
    for (auto& x : t) x = g(rng);
    for (size_t j = 0; j < d; ++j) t[3 * d + j] = 0.0f;                 // a zero row
    for (size_t j = 0; j < d; ++j) t[7 * d + j] = t[5 * d + j] * 2.0f;  // same cosine as row 5
    for (size_t j = 0; j < d; ++j) t[8 * d + j] = t[5 * d + j];         // same everything as row 5
    // The same values stored as f16 and bf16 (the reference reads them back as f32).
    std::vector<uint16_t> h(n * d), b(n * d);
    std::vector<float> th(n * d), tb(n * d);
    for (size_t i = 0; i < n * d; ++i) {
      h[i] = f32_to_f16(t[i]);
      th[i] = f16_to_f32(h[i]);
      b[i] = f32_to_bf16(t[i]);
      tb[i] = bf16_to_f32(b[i]);
    }
    const struct {
      RowTable table;
      const std::vector<float>* values;
    } tables[] = {{RowTable::of({t.data(), n, d}), &t},
                  {{h.data(), scan::Elem::F16, n, d, d}, &th},
                  {{b.data(), scan::Elem::BF16, n, d, d}, &tb}};
    std::vector<uint8_t> allowed(n, 1);
    allowed[n - 1] = 0;
    for (const auto& tab : tables) {
      for (auto [m, copy] : {std::pair{Metric::Cosine, UnitCopy::None}, std::pair{Metric::Cosine, UnitCopy::Bf16},
                             std::pair{Metric::Cosine, UnitCopy::Int8}, std::pair{Metric::Dot, UnitCopy::None},
                             std::pair{Metric::Euclidean, UnitCopy::None}}) {
        const NeighborIndex index(tab.table, m, copy);
        ASSERT_EQ(index.unit_copy(), copy);
        for (size_t nq : {1, 3, 13}) {  // single path below kBatchMin, batched from 4 on
          std::vector<float> qs;
          std::vector<std::vector<uint32_t>> exclude;
          for (size_t q = 0; q < nq; ++q) {
            const size_t r = (q * 7919 + 5) % n;
            qs.insert(qs.end(), tab.values->begin() + long(r * d), tab.values->begin() + long((r + 1) * d));
            exclude.push_back({static_cast<uint32_t>((r + 1) % n)});
          }
          const MatrixView queries{qs.data(), nq, d};
          for (size_t k : {1, 5, 40}) {
            const auto got = index.search(queries, k, SearchFilter{&allowed, exclude});
            ASSERT_EQ(got.size(), nq);
            for (size_t q = 0; q < nq; ++q) {
              std::vector<uint8_t> mask = allowed;
              for (uint32_t r : exclude[q]) mask[r] = 0;
              const auto want = brute(*tab.values, n, d, queries.row(q), m, k, mask);
              const std::string where = "n=" + std::to_string(n) + " d=" + std::to_string(d) + " elem=" +
                                        std::to_string(int(tab.table.elem)) + " metric=" + std::to_string(int(m)) + " copy=" + NeighborIndex::copy_name(copy) +
                                        " nq=" + std::to_string(nq) + " k=" + std::to_string(k) + " q=" + std::to_string(q);
              ASSERT_EQ(got[q].size(), want.size()) << where;
              for (size_t i = 0; i < want.size(); ++i) {
                EXPECT_EQ(got[q][i].row, want[i].row) << where << " i=" << i;
                EXPECT_NEAR(got[q][i].score, want[i].score, 1e-9 * (1 + std::abs(want[i].score))) << where;
              }
            }
          }
        }
      }
    }
  }
}

TEST_P(NeighborIndexTest, ZeroQueryAndZeroRows) {
  const std::vector<float> t = {1, 0, 0, 1, 0, 0};
  const NeighborIndex cosine(RowTable::of({t.data(), 3, 2}), Metric::Cosine);
  const std::vector<float> q = {0, 0, 1, 1};
  const auto got = cosine.search(MatrixView{q.data(), 2, 2}, 5);
  EXPECT_TRUE(got[0].empty());   // cosine of a zero query is undefined
  ASSERT_EQ(got[1].size(), 2u);  // the zero row never answers by cosine
  EXPECT_EQ(got[1][0].row, 0u);  // tie: lower row first
  EXPECT_NEAR(got[1][0].score, std::sqrt(0.5), 1e-15);
  const NeighborIndex euclid(RowTable::of({t.data(), 3, 2}), Metric::Euclidean);
  const auto e = euclid.search(MatrixView{q.data(), 1, 2}, 1);
  ASSERT_EQ(e[0].size(), 1u);
  EXPECT_EQ(e[0][0].row, 2u);  // the zero row is the nearest point to the origin
  EXPECT_EQ(e[0][0].score, 0.0);
}

// Every row's neighbours among the others, each pair scored once, against the brute-force scan
// of that row with itself excluded: every metric and stored dtype, sizes that are not a
// multiple of the 16-row blocks or the 512-row slices (one, two and an odd number of slices),
// zero and duplicate rows, one to three threads.
TEST_P(NeighborIndexTest, SearchAllEqualsDoubleScanWithoutSelf) {
  struct Shape {
    size_t n, d;
  };
  for (const Shape shape : {Shape{2, 3}, Shape{37, 5}, Shape{700, 33}, Shape{1300, 17}}) {
    const size_t n = shape.n, d = shape.d;
    std::mt19937 rng(static_cast<uint32_t>(n * 17 + d));
    std::normal_distribution<float> g;
    std::vector<float> t(n * d);
    for (auto& x : t) x = g(rng);
    if (n > 8) {
      for (size_t j = 0; j < d; ++j) t[3 * d + j] = 0.0f;                 // a zero row
      for (size_t j = 0; j < d; ++j) t[7 * d + j] = t[5 * d + j] * 2.0f;  // same cosine as row 5
      for (size_t j = 0; j < d; ++j) t[8 * d + j] = t[5 * d + j];         // same everything as row 5
    }
    std::vector<uint16_t> h(n * d);
    std::vector<float> th(n * d);
    for (size_t i = 0; i < n * d; ++i) th[i] = f16_to_f32(h[i] = f32_to_f16(t[i]));
    const struct {
      RowTable table;
      const std::vector<float>* values;
    } tables[] = {{RowTable::of({t.data(), n, d}), &t}, {{h.data(), scan::Elem::F16, n, d, d}, &th}};
    for (const auto& tab : tables) {
      for (Metric m : {Metric::Cosine, Metric::Dot, Metric::Euclidean}) {
        const NeighborIndex index(tab.table, m);
        std::vector<std::vector<Neighbor>> want(n);  // the 9 best, brute force
        for (size_t q = 0; q < n; ++q) {
          std::vector<uint8_t> mask(n, 1);
          mask[q] = 0;
          want[q] = brute(*tab.values, n, d, std::span<const float>(tab.values->data() + q * d, d), m, 9, mask);
        }
        for (size_t k : {1, 9}) {
          for (size_t threads : {1, 2, 3}) {
            const auto got = index.search_all(k, threads);
            ASSERT_EQ(got.size(), n);
            for (size_t q = 0; q < n; ++q) {
              auto where = [&] {
                return "n=" + std::to_string(n) + " elem=" + std::to_string(int(tab.table.elem)) +
                       " metric=" + std::to_string(int(m)) + " k=" + std::to_string(k) +
                       " threads=" + std::to_string(threads) + " q=" + std::to_string(q);
              };
              if (m == Metric::Cosine && n > 8 && q == 3) {
                EXPECT_TRUE(got[q].empty()) << where();  // a zero row has no cosine neighbours
                continue;
              }
              ASSERT_EQ(got[q].size(), std::min(k, want[q].size())) << where();
              for (size_t i = 0; i < got[q].size(); ++i) {
                EXPECT_EQ(got[q][i].row, want[q][i].row) << where() << " i=" << i;
                EXPECT_NEAR(got[q][i].score, want[q][i].score, 1e-9 * (1 + std::abs(want[q][i].score))) << where();
              }
            }
          }
        }
      }
    }
  }
}

// Rows closer to each other than either copy can tell apart (one base row plus noise of 1e-4,
// far below bf16's 2^-8 and int8's 1/127 steps), among random rows: every search through a
// copy must still return the exact double ranking, as the table itself does.
TEST_P(NeighborIndexTest, CopiesKeepNearTiesExact) {
  const size_t n = 3000, d = 96;
  std::mt19937 rng(7);
  std::normal_distribution<float> g;
  std::vector<float> t(n * d);
  for (auto& x : t) x = g(rng);
  for (size_t r = 100; r < 400; ++r)
    for (size_t j = 0; j < d; ++j) t[r * d + j] = t[j] + 1e-4f * g(rng);
  std::vector<uint8_t> all(n, 1);
  for (UnitCopy copy : {UnitCopy::Bf16, UnitCopy::Int8}) {
    const NeighborIndex index(RowTable::of({t.data(), n, d}), Metric::Cosine, copy);
    for (size_t nq : {1, 20}) {
      std::vector<float> qs;
      for (size_t q = 0; q < nq; ++q) {
        const size_t r = q == 0 ? 0 : q * 131 % n;  // row 0 is the base of the near-ties
        qs.insert(qs.end(), t.begin() + long(r * d), t.begin() + long((r + 1) * d));
      }
      for (size_t k : {10, 250}) {
        const auto got = index.search(MatrixView{qs.data(), nq, d}, k);
        for (size_t q = 0; q < nq; ++q) {
          const auto want = brute(t, n, d, std::span<const float>(qs.data() + q * d, d), Metric::Cosine, k, all);
          ASSERT_EQ(got[q].size(), want.size());
          for (size_t i = 0; i < want.size(); ++i)
            ASSERT_EQ(got[q][i].row, want[i].row) << NeighborIndex::copy_name(copy) << " nq=" << nq << " k=" << k
                                                  << " q=" << q << " i=" << i;
        }
      }
    }
  }
  // Best: int8 where the screen kernels have VNNI, else bf16; metrics other than cosine keep no copy.
  const NeighborIndex best(RowTable::of({t.data(), n, d}), Metric::Cosine, UnitCopy::Best);
  EXPECT_EQ(best.unit_copy(), screen::fast() ? UnitCopy::Int8 : UnitCopy::Bf16);
  EXPECT_EQ(NeighborIndex(RowTable::of({t.data(), n, d}), Metric::Dot, UnitCopy::Int8).unit_copy(), UnitCopy::None);
}

INSTANTIATE_TEST_SUITE_P(Kernels, NeighborIndexTest, ::testing::Values("generic", "avx2", "avx512"));

}  // namespace
}  // namespace embscope

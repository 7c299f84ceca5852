// CosineIndex against the plain double-precision scan (nearest_by_cosine), on every kernel.
#include "analysis/cosine_index.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>

namespace embscope {
namespace {

struct Case {
  size_t n, d;
};

std::vector<float> random_table(size_t n, size_t d, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g;
  std::vector<float> t(n * d);
  for (auto& x : t) x = g(rng);
  for (size_t j = 0; j < d; ++j) t[3 * d + j] = 0.0f;                 // a zero row never answers
  for (size_t j = 0; j < d; ++j) t[7 * d + j] = t[5 * d + j] * 2.0f;  // a tie with row 5
  return t;
}

class CosineIndexTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override { setenv("EMBSCOPE_SCAN_KERNEL", GetParam(), 1); }
  void TearDown() override { unsetenv("EMBSCOPE_SCAN_KERNEL"); }
};

TEST_P(CosineIndexTest, EqualsDoubleScan) {
  for (const Case c : {Case{1, 3}, Case{37, 5}, Case{300, 100}, Case{1000, 64}, Case{517, 768}}) {
    const auto t = random_table(std::max<size_t>(c.n, 8), c.d, 7);
    const size_t n = std::max<size_t>(c.n, 8);
    const MatrixView view{t.data(), n, c.d};
    const CosineIndex index(view);
    // Queries: table rows (with themselves excluded), a fresh vector, the zero row.
    std::vector<float> qs;
    std::vector<std::vector<uint32_t>> exclude;
    std::mt19937 rng(11);
    for (size_t q = 0; q < 13; ++q) {
      const size_t r = (q * 7919) % n;
      qs.insert(qs.end(), t.begin() + static_cast<long>(r * c.d), t.begin() + static_cast<long>((r + 1) * c.d));
      exclude.push_back({static_cast<uint32_t>(r)});
    }
    const MatrixView queries{qs.data(), 13, c.d};
    std::vector<uint8_t> allowed(n, 1);
    allowed[n - 1] = 0;
    for (size_t k : {1, 5, 40}) {
      const auto got = index.search(queries, k, SearchFilter{&allowed, exclude});
      ASSERT_EQ(got.size(), 13u);
      for (size_t q = 0; q < 13; ++q) {
        std::vector<uint8_t> mask = allowed;
        for (uint32_t r : exclude[q]) mask[r] = 0;
        const auto want = nearest_by_cosine(view, queries.row(q), k, &mask);
        if (queries.row(q)[0] == 0 && want.empty()) {
          EXPECT_TRUE(got[q].empty());
          continue;
        }
        ASSERT_EQ(got[q].size(), want.size()) << "n=" << n << " d=" << c.d << " k=" << k << " q=" << q;
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ(got[q][i].row, want[i].row) << "n=" << n << " d=" << c.d << " k=" << k << " q=" << q << " i=" << i;
          EXPECT_NEAR(got[q][i].score, want[i].score, 1e-12);
        }
      }
    }
  }
}

TEST_P(CosineIndexTest, ZeroQueryAndEmptyAnswers) {
  const std::vector<float> t = {1, 0, 0, 1, 0, 0};
  const CosineIndex index(MatrixView{t.data(), 3, 2});
  const std::vector<float> q = {0, 0, 1, 1};
  const auto got = index.search(MatrixView{q.data(), 2, 2}, 5);
  EXPECT_TRUE(got[0].empty());
  ASSERT_EQ(got[1].size(), 2u);  // the zero row never answers
  EXPECT_EQ(got[1][0].row, 0u);  // tie: lower row first
  EXPECT_EQ(got[1][1].row, 1u);
  EXPECT_NEAR(got[1][0].score, std::sqrt(0.5), 1e-15);
}

INSTANTIATE_TEST_SUITE_P(Kernels, CosineIndexTest, ::testing::Values("generic", "avx2", "avx512"));

}  // namespace
}  // namespace embscope

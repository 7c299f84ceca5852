// Correlations against values computed with scipy.stats 1.10 (Debian python3-scipy).
#include "analysis/correlation.h"

#include <gtest/gtest.h>

#include <vector>

namespace embscope {
namespace {

TEST(Correlation, MatchesScipy) {
  // scipy.stats.spearmanr(x, y).correlation, scipy.stats.pearsonr(x, y)[0]
  const std::vector<double> x = {1, 2, 2, 3, 5, 8, 8, 8, 10};
  const std::vector<double> y = {0.3, 0.1, 0.2, 0.9, 0.4, 0.8, 0.8, 1.0, 0.7};
  EXPECT_NEAR(*spearman(x, y), 0.6240228020153975, 1e-12);
  EXPECT_NEAR(*pearson(x, y), 0.7051892543640551, 1e-12);
}

TEST(Correlation, Undefined) {
  const std::vector<double> c = {1, 1, 1}, v = {1, 2, 3};
  EXPECT_FALSE(pearson(c, v).has_value());
  EXPECT_FALSE(spearman(c, v).has_value());
  EXPECT_FALSE(spearman(std::vector<double>{1}, std::vector<double>{2}).has_value());
  EXPECT_FALSE(pearson(v, std::vector<double>{1, 2}).has_value());
  EXPECT_NEAR(*spearman(v, std::vector<double>{30, 20, 10}), -1.0, 1e-15);
}

}  // namespace
}  // namespace embscope

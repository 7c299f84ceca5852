// Correlation of two score lists, as scipy.stats reports them for word-similarity sets:
// Pearson's r, and Spearman's rho = Pearson's r of the ranks with ties given their average
// rank (scipy.stats.rankdata 'average'). All in double.
#pragma once

#include <optional>
#include <span>

namespace embscope {

// nullopt when the lists differ in length, have fewer than 2 values, or one is constant.
std::optional<double> pearson(std::span<const double> x, std::span<const double> y);
std::optional<double> spearman(std::span<const double> x, std::span<const double> y);

}  // namespace embscope

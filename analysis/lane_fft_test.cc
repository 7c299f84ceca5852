// LaneFft against the direct O(n^2) DFT in long double, along both axes, with zero-padded inputs
// and truncated outputs, every radix and mixed lengths.
#include "analysis/lane_fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>
#include <random>

namespace embscope {
namespace {

using Cx = std::complex<long double>;

// The DFT of x (n values, the first `in` given, the rest zero).
std::vector<Cx> direct_dft(const std::vector<Cx>& x, size_t n, bool inverse) {
  std::vector<Cx> out(n);
  const long double sign = inverse ? 1 : -1;
  for (size_t k = 0; k < n; ++k) {
    Cx s = 0;
    for (size_t j = 0; j < x.size(); ++j) {
      const long double a = sign * 2 * std::numbers::pi_v<long double> * static_cast<long double>((j * k) % n) / n;
      s += x[j] * Cx(std::cos(a), std::sin(a));
    }
    out[k] = s;
  }
  return out;
}

struct Grid {
  size_t rows, cols;
  std::vector<double> re, im;
  Cx at(size_t r, size_t c) const { return {re[r * cols + c], im[r * cols + c]}; }
};

Grid random_grid(size_t rows, size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Grid g{rows, cols, std::vector<double>(rows * cols), std::vector<double>(rows * cols)};
  for (auto& v : g.re) v = u(rng);
  for (auto& v : g.im) v = u(rng);
  return g;
}

// Worst |fft - dft| over every line, relative to the largest input magnitude times n.
TEST(LaneFft, ColumnsMatchTheDirectDft) {
  for (size_t n : {1, 2, 3, 4, 5, 6, 8, 9, 12, 16, 25, 30, 60, 100, 120, 300, 360}) {
    for (bool inverse : {false, true}) {
      const size_t cols = 11;  // one full block of 8 lanes and a partial one
      const size_t rows_in = std::max<size_t>(1, n / 2 + 1), rows_out = std::max<size_t>(1, n - n / 3);
      Grid g = random_grid(n, cols, static_cast<unsigned>(n * 2 + inverse));
      const Grid before = g;
      LaneFft fft(n);
      ASSERT_EQ(fft.size(), n);
      // Rows at and past rows_in hold garbage the transform must not read.
      for (size_t r = rows_in; r < n; ++r)
        for (size_t c = 0; c < cols; ++c) g.re[r * cols + c] = NAN;
      fft.columns(g.re.data(), g.im.data(), cols, cols, rows_in, rows_out, inverse);
      double worst = 0;
      for (size_t c = 0; c < cols; ++c) {
        std::vector<Cx> x;
        for (size_t r = 0; r < rows_in; ++r) x.push_back(before.at(r, c));
        const auto want = direct_dft(x, n, inverse);
        for (size_t r = 0; r < rows_out; ++r) worst = std::max(worst, static_cast<double>(std::abs(g.at(r, c) - want[r])));
      }
      EXPECT_LT(worst, 1e-13 * static_cast<double>(n) + 1e-14) << "n=" << n << " inverse=" << inverse;
    }
  }
}

TEST(LaneFft, RowsMatchTheDirectDftAndInvert) {
  for (size_t n : {2, 6, 10, 15, 20, 48, 75, 96, 150, 240}) {
    const size_t rows = 13, cols_in = n - n / 4, blocks = (rows + 7) / 8;
    Grid g = random_grid(rows, n, static_cast<unsigned>(n));
    const Grid before = g;
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = cols_in; c < n; ++c) g.im[r * n + c] = NAN;
    LaneFft fft(n);
    std::vector<double> spec_re(blocks * 8 * n), spec_im(blocks * 8 * n);
    fft.rows_forward(g.re.data(), g.im.data(), n, rows, cols_in, spec_re.data(), spec_im.data());
    double worst = 0;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<Cx> x;
      for (size_t c = 0; c < cols_in; ++c) x.push_back(before.at(r, c));
      const auto want = direct_dft(x, n, false);
      for (size_t c = 0; c < n; ++c) {
        const size_t at = (r / 8) * 8 * n + c * 8 + r % 8;
        worst = std::max(worst, static_cast<double>(std::abs(Cx(spec_re[at], spec_im[at]) - want[c])));
      }
    }
    EXPECT_LT(worst, 1e-13 * static_cast<double>(n)) << "n=" << n;
    // inverse(forward(x)) = n x on the entries given, the zero padding back as zeros; only the
    // first cols_out entries written.
    const size_t cols_out = n - 1;
    Grid back{rows, n, std::vector<double>(rows * n, -7.0), std::vector<double>(rows * n, -7.0)};
    fft.rows_inverse(spec_re.data(), spec_im.data(), rows, cols_out, back.re.data(), back.im.data(), n);
    double round_trip = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols_out; ++c) {
        const Cx want = c < cols_in ? before.at(r, c) : Cx(0);
        round_trip = std::max(round_trip, static_cast<double>(std::abs(back.at(r, c) / static_cast<long double>(n) - want)));
      }
      EXPECT_EQ(back.re[r * n + n - 1], -7.0);
    }
    EXPECT_LT(round_trip, 1e-14 * static_cast<double>(n)) << "n=" << n;
  }
}

TEST(LaneFft, RejectsLengthsWithLargePrimeFactors) {
  EXPECT_DEATH(LaneFft(7), "");
  EXPECT_DEATH(LaneFft(0), "");
}

}  // namespace
}  // namespace embscope

// LaneFft (double) and LaneFftF32 against the direct O(n^2) DFT in long double, along both axes,
// with zero-padded inputs and truncated outputs, every radix and mixed lengths. Tolerances scale
// with the type's epsilon (1e-13 n in double, ~5e-5 n in float).
#include "analysis/lane_fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <limits>
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

template <class T>
struct Grid {
  size_t rows, cols;
  std::vector<T> re, im;
  Cx at(size_t r, size_t c) const { return {re[r * cols + c], im[r * cols + c]}; }
};

template <class T>
Grid<T> random_grid(size_t rows, size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Grid<T> g{rows, cols, std::vector<T>(rows * cols), std::vector<T>(rows * cols)};
  for (auto& v : g.re) v = static_cast<T>(u(rng));
  for (auto& v : g.im) v = static_cast<T>(u(rng));
  return g;
}

// 1e-13 in double, scaled to the type's epsilon.
template <class T>
double tolerance(double in_double) {
  return in_double * static_cast<double>(std::numeric_limits<T>::epsilon()) / std::numeric_limits<double>::epsilon();
}

template <class T>
class LaneFftTest : public ::testing::Test {};
using Types = ::testing::Types<double, float>;
TYPED_TEST_SUITE(LaneFftTest, Types);

// Worst |fft - dft| over every line, relative to the largest input magnitude times n.
TYPED_TEST(LaneFftTest, ColumnsMatchTheDirectDft) {
  using T = TypeParam;
  for (size_t n : {1, 2, 3, 4, 5, 6, 8, 9, 12, 16, 25, 30, 60, 100, 120, 300, 360}) {
    for (bool inverse : {false, true}) {
      const size_t cols = 19;  // one full group of lanes and a partial one
      const size_t rows_in = std::max<size_t>(1, n / 2 + 1), rows_out = std::max<size_t>(1, n - n / 3);
      Grid<T> g = random_grid<T>(n, cols, static_cast<unsigned>(n * 2 + inverse));
      const Grid<T> before = g;
      BasicLaneFft<T> fft(n);
      ASSERT_EQ(fft.size(), n);
      // Rows at and past rows_in hold garbage the transform must not read.
      for (size_t r = rows_in; r < n; ++r)
        for (size_t c = 0; c < cols; ++c) g.re[r * cols + c] = T(NAN);
      fft.columns(g.re.data(), g.im.data(), cols, cols, rows_in, rows_out, inverse);
      double worst = 0;
      for (size_t c = 0; c < cols; ++c) {
        std::vector<Cx> x;
        for (size_t r = 0; r < rows_in; ++r) x.push_back(before.at(r, c));
        const auto want = direct_dft(x, n, inverse);
        for (size_t r = 0; r < rows_out; ++r) worst = std::max(worst, static_cast<double>(std::abs(g.at(r, c) - want[r])));
      }
      EXPECT_LT(worst, tolerance<T>(1e-13 * static_cast<double>(n) + 1e-14)) << "n=" << n << " inverse=" << inverse;
    }
  }
}

TYPED_TEST(LaneFftTest, RowsMatchTheDirectDftAndInvert) {
  using T = TypeParam;
  for (size_t n : {2, 6, 10, 15, 20, 48, 75, 96, 150, 240}) {
    const size_t rows = 19, cols_in = n - n / 4, blocks = (rows + 15) / 16 * (16 / BasicLaneFft<T>::kLanes);
    Grid<T> g = random_grid<T>(rows, n, static_cast<unsigned>(n));
    const Grid<T> before = g;
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = cols_in; c < n; ++c) g.im[r * n + c] = T(NAN);
    BasicLaneFft<T> fft(n);
    const size_t lanes = BasicLaneFft<T>::kLanes;
    std::vector<T> spec_re(blocks * lanes * n), spec_im(blocks * lanes * n);
    fft.rows_forward(g.re.data(), g.im.data(), n, rows, cols_in, spec_re.data(), spec_im.data());
    double worst = 0;
    for (size_t r = 0; r < rows; ++r) {
      std::vector<Cx> x;
      for (size_t c = 0; c < cols_in; ++c) x.push_back(before.at(r, c));
      const auto want = direct_dft(x, n, false);
      for (size_t c = 0; c < n; ++c) {
        const size_t at = (r / lanes) * lanes * n + c * lanes + r % lanes;
        worst = std::max(worst, static_cast<double>(std::abs(Cx(spec_re[at], spec_im[at]) - want[c])));
      }
    }
    EXPECT_LT(worst, tolerance<T>(1e-13 * static_cast<double>(n))) << "n=" << n;
    // inverse(forward(x)) = n x on the entries given, the zero padding back as zeros; only the
    // first cols_out entries written.
    const size_t cols_out = n - 1;
    Grid<T> back{rows, n, std::vector<T>(rows * n, T(-7)), std::vector<T>(rows * n, T(-7))};
    fft.rows_inverse(spec_re.data(), spec_im.data(), rows, cols_out, back.re.data(), back.im.data(), n);
    double round_trip = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols_out; ++c) {
        const Cx want = c < cols_in ? before.at(r, c) : Cx(0);
        round_trip = std::max(round_trip, static_cast<double>(std::abs(back.at(r, c) / static_cast<long double>(n) - want)));
      }
      EXPECT_EQ(back.re[r * n + n - 1], T(-7));
    }
    EXPECT_LT(round_trip, tolerance<T>(1e-14 * static_cast<double>(n))) << "n=" << n;
  }
}

// rows_convolve: each row's first cols_in entries (the rest zero) circularly convolved with a
// real kernel given by its spectrum, against the direct convolution in long double.
TYPED_TEST(LaneFftTest, RowsConvolveMatchesTheDirectCircularConvolution) {
  using T = TypeParam;
  for (size_t n : {4, 12, 30, 64, 90}) {
    const size_t rows = 19, cols_in = n / 2, cols_out = n / 2 + 1, blocks = (rows + 15) / 16 * (16 / BasicLaneFft<T>::kLanes);
    Grid<T> g = random_grid<T>(rows, n, static_cast<unsigned>(n + 1));
    const Grid<T> before = g;
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = cols_in; c < n; ++c) g.re[r * n + c] = T(NAN);  // padding: never read
    // An even real kernel per row (its spectrum is then real), as t-SNE's is.
    std::vector<T> kernel(rows * n), kernel_im(rows * n, T(0));
    for (size_t r = 0; r < rows; ++r)
      for (size_t c = 0; c < n; ++c) {
        const double u = static_cast<double>(std::min(c, n - c));
        kernel[r * n + c] = static_cast<T>(1.0 / ((1.0 + u * u * 0.01 * static_cast<double>(r + 1)) * (1.0 + u * u * 0.01)));
      }
    BasicLaneFft<T> fft(n);
    const size_t lanes = BasicLaneFft<T>::kLanes;
    std::vector<T> spec(blocks * lanes * n), spec_im(blocks * lanes * n);
    fft.rows_forward(kernel.data(), kernel_im.data(), n, rows, n, spec.data(), spec_im.data());
    for (T& v : spec) v /= static_cast<T>(n);  // the inverse is unscaled
    fft.rows_convolve(g.re.data(), g.im.data(), n, rows, cols_in, cols_out, spec.data());
    double worst = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols_out; ++c) {
        Cx want = 0;
        for (size_t j = 0; j < cols_in; ++j) want += before.at(r, j) * static_cast<long double>(kernel[r * n + (c + n - j) % n]);
        worst = std::max(worst, static_cast<double>(std::abs(g.at(r, c) - want)));
      }
      for (size_t c = cols_out; c < n; ++c) EXPECT_TRUE(std::isnan(g.re[r * n + c]) || c < cols_in);  // not written
    }
    EXPECT_LT(worst, tolerance<T>(1e-13 * static_cast<double>(n))) << "n=" << n;
  }
}

TEST(LaneFft, RejectsLengthsWithLargePrimeFactors) {
  EXPECT_DEATH(LaneFft(7), "");
  EXPECT_DEATH(LaneFft(0), "");
}

}  // namespace
}  // namespace embscope

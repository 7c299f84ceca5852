// Complex FFTs of one 5-smooth length along either axis of a 2-D split-complex array: the 2-D
// transforms of FFT-interpolated t-SNE (analysis/tsne_fft.cc). Eight lines are transformed
// together, one per SIMD lane: each butterfly then works on whole vectors with no shuffles, and
// the eight lines (8 x n complex) stay in L1/L2 through all the passes. Stockham autosort
// (self-sorting, out of place, no bit reversal) with radices 4, 2, 3 and 5 (Cooley & Tukey
// 1965; Stockham 1966; the formulation of Van Loan, "Computational Frameworks for the Fast
// Fourier Transform", 1992, section 1.7).
//
// Conventions: forward X[k] = sum_j x[j] exp(-2 pi i jk / n), inverse with +i; both unscaled
// (inverse(forward(x)) = n x). Arrays are split complex: element (r, c) is re[r * stride + c] +
// i im[r * stride + c]. The instance keeps its scratch (4 x 8 x n doubles), so one instance per
// thread.
#pragma once

#include <cstddef>
#include <vector>

namespace embscope {

class LaneFft {
 public:
  // n >= 1 with no prime factor above 5 (asserted).
  explicit LaneFft(size_t n);
  size_t size() const { return n_; }

  // Along axis 0: for each column c < cols, the sequence (r, c), r < n, where rows r >= rows_in
  // are taken as zero (not read); writes rows r < rows_out.
  void columns(double* re, double* im, size_t stride, size_t cols, size_t rows_in, size_t rows_out, bool inverse);
  // Along axis 1, forward: for each row r < rows, the sequence (r, c), c < n, where entries
  // c >= cols_in are taken as zero (not read). The spectra go to `spec` in row blocks: frequency
  // c of row r at spec[(r / 8) * 8n + c * 8 + r % 8], which needs ceil(rows / 8) * 8n doubles
  // (the lanes past the last row hold scratch values).
  void rows_forward(const double* re, const double* im, size_t stride, size_t rows, size_t cols_in, double* spec_re,
                    double* spec_im);
  // Along axis 1, inverse, from spectra laid out as rows_forward writes them; writes entries
  // c < cols_out of each row r < rows.
  void rows_inverse(const double* spec_re, const double* spec_im, size_t rows, size_t cols_out, double* re, double* im,
                    size_t stride);
  static constexpr size_t kLanes = 8;

  struct Stage {
    size_t radix, span, stride, twiddles;  // span = (length of this stage's sub-transforms) / radix
  };

 private:
  // Transforms the 8 lines in a_ (layout [element][lane]) whose elements from rows_in on are
  // zero (need not be set); true when the result is back in a_, false when it is in b_.
  bool run(bool inverse, size_t rows_in);
  size_t n_;
  std::vector<Stage> stages_;
  std::vector<double> tw_re_, tw_im_;  // forward twiddles of every stage
  std::vector<double> a_re_, a_im_, b_re_, b_im_;
};

}  // namespace embscope

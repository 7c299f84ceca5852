// Complex FFTs of one 5-smooth length along either axis of a 2-D split-complex array: the 2-D
// transforms of FFT-interpolated t-SNE (analysis/tsne_fft.cc). One 64-byte vector of lines is
// transformed together (eight in double, sixteen in single precision), one per SIMD lane: each butterfly then works on whole vectors with no shuffles, and
// the eight lines (8 x n complex) stay in L1/L2 through all the passes. Stockham autosort
// (self-sorting, out of place, no bit reversal) with radices 4, 2, 3 and 5 (Cooley & Tukey
// 1965; Stockham 1966; the formulation of Van Loan, "Computational Frameworks for the Fast
// Fourier Transform", 1992, section 1.7).
//
// Conventions: forward X[k] = sum_j x[j] exp(-2 pi i jk / n), inverse with +i; both unscaled
// (inverse(forward(x)) = n x). Arrays are split complex: element (r, c) is re[r * stride + c] +
// i im[r * stride + c]. The instance keeps its scratch (4 x kLanes x n values), so one instance
// per thread. LaneFft works in double, LaneFftF32 in float (twice the lanes, half the traffic).
#pragma once

#include <cstddef>
#include <vector>

namespace embscope {

struct LaneFftStage {
  size_t radix, span, stride, twiddles;  // span = (length of this stage's sub-transforms) / radix
};

template <class T>
class BasicLaneFft {
 public:
  // n >= 1 with no prime factor above 5 (asserted).
  explicit BasicLaneFft(size_t n);
  size_t size() const { return n_; }

  // Along axis 0: for each column c < cols, the sequence (r, c), r < n, where rows r >= rows_in
  // are taken as zero (not read); writes rows r < rows_out.
  void columns(T* re, T* im, size_t stride, size_t cols, size_t rows_in, size_t rows_out, bool inverse);
  // Along axis 1, forward: for each row r < rows, the sequence (r, c), c < n, where entries
  // c >= cols_in are taken as zero (not read). The spectra go to `spec` in row blocks: frequency
  // c of row r at spec[(r / L) * L n + c L + r % L] for L = kLanes, which needs
  // ceil(rows / L) * L n values
  // (the lanes past the last row hold scratch values).
  void rows_forward(const T* re, const T* im, size_t stride, size_t rows, size_t cols_in, T* spec_re,
                    T* spec_im);
  // Along axis 1, inverse, from spectra laid out as rows_forward writes them; writes entries
  // c < cols_out of each row r < rows.
  void rows_inverse(const T* spec_re, const T* spec_im, size_t rows, size_t cols_out, T* re, T* im,
                    size_t stride);
  // Along axis 1, a circular convolution with a real spectrum, row block by row block: each
  // row r < rows forward-transformed from its entries c < cols_in (the rest taken as zero),
  // multiplied by `kernel_spec` (laid out as rows_forward writes spectra), transformed back;
  // entries c < cols_out written over the row (unscaled: the kernel carries the 1 / n). The
  // spectra never leave the scratch.
  void rows_convolve(T* re, T* im, size_t stride, size_t rows, size_t cols_in, size_t cols_out,
                     const T* kernel_spec);
  static constexpr size_t kLanes = 64 / sizeof(T);
  using Stage = LaneFftStage;

 private:
  // Transforms the kLanes lines in a_ (layout [element][lane]) whose elements from rows_in on are
  // zero (need not be set); true when the result is back in a_, false when it is in b_.
  bool run(bool inverse, size_t rows_in);
  // Rows r0 .. r0 + w of a split-complex array, their first `cols` entries, into the lanes of a_;
  // and back from a_ (in_a) or b_.
  void load_rows(const T* re, const T* im, size_t stride, size_t r0, size_t w, size_t cols);
  void store_rows(bool in_a, T* re, T* im, size_t stride, size_t r0, size_t w, size_t cols) const;
  size_t n_;
  std::vector<Stage> stages_;
  std::vector<T> tw_re_, tw_im_;  // forward twiddles of every stage
  std::vector<T> a_re_, a_im_, b_re_, b_im_;
};

using LaneFft = BasicLaneFft<double>;
using LaneFftF32 = BasicLaneFft<float>;
extern template class BasicLaneFft<double>;
extern template class BasicLaneFft<float>;

}  // namespace embscope

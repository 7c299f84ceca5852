// Stockham mixed-radix FFT over the lanes of a 64-byte vector; see lane_fft.h.
//
// Stage with radix p on sub-transforms of length L = p * span, stride s (the product of the
// radices before it): for j < span, t, u < p and q < s (the elements q of a block contiguous),
//   y[q + s (p j + u)] = w_L^(j u) * sum_t x[q + s (j + t span)] w_p^(t u),   w_N = exp(-2 pi i / N)
// (decimation in frequency; the output comes out in natural order after the last stage).
#include "analysis/lane_fft.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "analysis/f64x8.h"
#include "core/error.h"

namespace embscope {
namespace {

// The lanes of one element: one 64-byte vector (eight doubles or sixteen floats).
template <class T>
struct LanesFor;
template <>
struct LanesFor<double> {
  using type = F64x8;
};
template <>
struct LanesFor<float> {
  using type = F32x16;
};
template <class T>
using LanesOf = typename LanesFor<T>::type;

// Inlined into one target-cloned wrapper per type (below), so each clone compiles it for its
// instruction set.
template <class T>
__attribute__((always_inline)) inline void stage_impl(const LaneFftStage& st, const T* __restrict twr,
                                                      const T* __restrict twi, T sign, size_t live,
                                                      const LanesOf<T>* __restrict xr, const LanesOf<T>* __restrict xi,
                                                      LanesOf<T>* __restrict yr, LanesOf<T>* __restrict yi) {
  using Lanes = LanesOf<T>;
  const size_t p = st.radix, span = st.span, s = st.stride;
  const T h3 = sign * static_cast<T>(std::numbers::sqrt3 / 2);
  const T c1 = static_cast<T>(std::cos(2 * std::numbers::pi / 5)), c2 = static_cast<T>(std::cos(4 * std::numbers::pi / 5));
  const T s1 = sign * static_cast<T>(std::sin(2 * std::numbers::pi / 5));
  const T s2 = sign * static_cast<T>(std::sin(4 * std::numbers::pi / 5));
  for (size_t j = 0; j < span; ++j) {
    const T* wr = twr + j * (p - 1);
    const T* wi = twi + j * (p - 1);
    const Lanes *x0r = xr + j * s, *x0i = xi + j * s;
    const size_t in = span * s;  // from input t to t + 1
    Lanes *y0r = yr + p * j * s, *y0i = yi + p * j * s;
    // Output u of element e, times the twiddle w_u = wr[u - 1] + i sign wi[u - 1].
#define EMB_PUT(u, e, re, im)                                         \
  do {                                                                \
    const Lanes r_ = (re), i_ = (im);                                 \
    if ((u) == 0) {                                                   \
      y0r[(e)] = r_, y0i[(e)] = i_;                                   \
    } else {                                                          \
      const T c_ = wr[(u) - 1], s_ = sign * wi[(u) - 1];              \
      y0r[(u) * s + (e)] = r_ * c_ - i_ * s_;                         \
      y0i[(u) * s + (e)] = r_ * s_ + i_ * c_;                         \
    }                                                                 \
  } while (0)
    switch (p) {
      case 2:
        for (size_t e = 0; e < s; ++e) {
          const Lanes ar = x0r[e], ai = x0i[e], br = x0r[in + e], bi = x0i[in + e];
          EMB_PUT(0, e, ar + br, ai + bi);
          EMB_PUT(1, e, ar - br, ai - bi);
        }
        break;
      case 3:
        for (size_t e = 0; e < s; ++e) {
          const Lanes ar = x0r[e], ai = x0i[e];
          const Lanes sr = x0r[in + e] + x0r[2 * in + e], si = x0i[in + e] + x0i[2 * in + e];
          const Lanes dr = x0r[in + e] - x0r[2 * in + e], di = x0i[in + e] - x0i[2 * in + e];
          const Lanes mr = ar - T(0.5) * sr, mi = ai - T(0.5) * si;
          EMB_PUT(0, e, ar + sr, ai + si);
          EMB_PUT(1, e, mr + h3 * di, mi - h3 * dr);  // m - i h3 d
          EMB_PUT(2, e, mr - h3 * di, mi + h3 * dr);
        }
        break;
      case 4:
        // The first stage of a zero-padded transform (inputs 2 and 3 zero) has its own loop: one
        // loop with the loads made conditional ran ~5 % slower.
        if (live <= 2) {
          for (size_t e = 0; e < s; ++e) {
            const Lanes ar = x0r[e], ai = x0i[e], br = x0r[in + e], bi = x0i[in + e];
            const Lanes t3r = sign * bi, t3i = -sign * br;  // -i sign b
            EMB_PUT(0, e, ar + br, ai + bi);
            EMB_PUT(1, e, ar + t3r, ai + t3i);
            EMB_PUT(2, e, ar - br, ai - bi);
            EMB_PUT(3, e, ar - t3r, ai - t3i);
          }
          break;
        }
        for (size_t e = 0; e < s; ++e) {
          const Lanes ar = x0r[e], ai = x0i[e], br = x0r[in + e], bi = x0i[in + e];
          const Lanes cr = x0r[2 * in + e], ci = x0i[2 * in + e], dr = x0r[3 * in + e], di = x0i[3 * in + e];
          const Lanes t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
          const Lanes t2r = br + dr, t2i = bi + di;
          const Lanes t3r = sign * (bi - di), t3i = -sign * (br - dr);  // -i sign (b - d)
          EMB_PUT(0, e, t0r + t2r, t0i + t2i);
          EMB_PUT(1, e, t1r + t3r, t1i + t3i);
          EMB_PUT(2, e, t0r - t2r, t0i - t2i);
          EMB_PUT(3, e, t1r - t3r, t1i - t3i);
        }
        break;
      case 5:
        for (size_t e = 0; e < s; ++e) {
          const Lanes ar = x0r[e], ai = x0i[e];
          const Lanes p1r = x0r[in + e] + x0r[4 * in + e], p1i = x0i[in + e] + x0i[4 * in + e];
          const Lanes d1r = x0r[in + e] - x0r[4 * in + e], d1i = x0i[in + e] - x0i[4 * in + e];
          const Lanes p2r = x0r[2 * in + e] + x0r[3 * in + e], p2i = x0i[2 * in + e] + x0i[3 * in + e];
          const Lanes d2r = x0r[2 * in + e] - x0r[3 * in + e], d2i = x0i[2 * in + e] - x0i[3 * in + e];
          const Lanes m1r = ar + c1 * p1r + c2 * p2r, m1i = ai + c1 * p1i + c2 * p2i;
          const Lanes m2r = ar + c2 * p1r + c1 * p2r, m2i = ai + c2 * p1i + c1 * p2i;
          // -i T1 and -i T2 with T1 = s1 d1 + s2 d2, T2 = s2 d1 - s1 d2
          const Lanes n1r = s1 * d1i + s2 * d2i, n1i = -(s1 * d1r + s2 * d2r);
          const Lanes n2r = s2 * d1i - s1 * d2i, n2i = -(s2 * d1r - s1 * d2r);
          EMB_PUT(0, e, ar + p1r + p2r, ai + p1i + p2i);
          EMB_PUT(1, e, m1r + n1r, m1i + n1i);
          EMB_PUT(4, e, m1r - n1r, m1i - n1i);
          EMB_PUT(2, e, m2r + n2r, m2i + n2i);
          EMB_PUT(3, e, m2r - n2r, m2i - n2i);
        }
        break;
      default: break;
    }
#undef EMB_PUT
  }
}

EMB_F64X8_CLONES void stage(const LaneFftStage& st, const double* twr, const double* twi, double sign, size_t live,
                            const LanesOf<double>* xr, const LanesOf<double>* xi, LanesOf<double>* yr,
                            LanesOf<double>* yi) {
  stage_impl<double>(st, twr, twi, sign, live, xr, xi, yr, yi);
}
EMB_F64X8_CLONES void stage(const LaneFftStage& st, const float* twr, const float* twi, float sign, size_t live,
                            const LanesOf<float>* xr, const LanesOf<float>* xi, LanesOf<float>* yr,
                            LanesOf<float>* yi) {
  stage_impl<float>(st, twr, twi, sign, live, xr, xi, yr, yi);
}

// out = x * k elementwise for both parts (k real); x may be out.
template <class T>
__attribute__((always_inline)) inline void multiply_impl(const T* xr, const T* xi, const T* k, size_t count, T* out_r,
                                                         T* out_i) {
  for (size_t e = 0; e < count; ++e) {
    const T v = k[e];
    out_r[e] = xr[e] * v;
    out_i[e] = xi[e] * v;
  }
}
EMB_F64X8_CLONES void multiply(const double* xr, const double* xi, const double* k, size_t count, double* out_r,
                               double* out_i) {
  multiply_impl(xr, xi, k, count, out_r, out_i);
}
EMB_F64X8_CLONES void multiply(const float* xr, const float* xi, const float* k, size_t count, float* out_r,
                               float* out_i) {
  multiply_impl(xr, xi, k, count, out_r, out_i);
}

}  // namespace

template <class T>
BasicLaneFft<T>::BasicLaneFft(size_t n) : n_(n) {
  EMB_ASSERT(n >= 1);
  std::vector<size_t> radices;
  size_t rest = n;
  for (size_t p : {4, 2, 3, 5})
    while (rest % p == 0) radices.push_back(p), rest /= p;
  EMB_ASSERT(rest == 1);
  size_t length = n, stride = 1;
  for (size_t p : radices) {
    const size_t span = length / p;
    stages_.push_back({p, span, stride, tw_re_.size()});
    for (size_t j = 0; j < span; ++j) {
      for (size_t u = 1; u < p; ++u) {
        const double angle = -2 * std::numbers::pi * static_cast<double>(j * u) / static_cast<double>(length);
        tw_re_.push_back(static_cast<T>(std::cos(angle)));
        tw_im_.push_back(static_cast<T>(std::sin(angle)));
      }
    }
    length = span;
    stride *= p;
  }
  for (auto* v : {&a_re_, &a_im_, &b_re_, &b_im_}) v->assign(n * kLanes, 0.0);
}

template <class T>
bool BasicLaneFft<T>::run(bool inverse, size_t rows_in) {
  if (stages_.empty()) return true;
  // Zero the rows past the input, up to what the first stage reads: half of them when a
  // radix-4 first stage sees only its inputs 0 and 1.
  const Stage& first = stages_.front();
  const bool pruned = first.radix == 4 && rows_in <= 2 * first.span;
  const size_t read_to = pruned ? 2 * first.span : n_;
  if (rows_in < read_to) {
    std::fill(a_re_.begin() + rows_in * kLanes, a_re_.begin() + read_to * kLanes, 0.0);
    std::fill(a_im_.begin() + rows_in * kLanes, a_im_.begin() + read_to * kLanes, 0.0);
  }
  T *xr = a_re_.data(), *xi = a_im_.data(), *yr = b_re_.data(), *yi = b_im_.data();
  for (const Stage& st : stages_) {
    const size_t live = &st == &first && pruned ? 2 : st.radix;
    stage(st, tw_re_.data() + st.twiddles, tw_im_.data() + st.twiddles, inverse ? T(-1) : T(1), live,
          reinterpret_cast<const LanesOf<T>*>(xr), reinterpret_cast<const LanesOf<T>*>(xi), reinterpret_cast<LanesOf<T>*>(yr),
          reinterpret_cast<LanesOf<T>*>(yi));
    std::swap(xr, yr);
    std::swap(xi, yi);
  }
  return xr == a_re_.data();
}

template <class T>
void BasicLaneFft<T>::columns(T* re, T* im, size_t stride, size_t cols, size_t rows_in, size_t rows_out,
                      bool inverse) {
  rows_in = std::min(rows_in, n_);
  rows_out = std::min(rows_out, n_);
  // Lanes past the last column (w < kLanes) keep stale values: lanes never mix.
  for (size_t c0 = 0; c0 < cols; c0 += kLanes) {
    const size_t w = std::min(kLanes, cols - c0);
    // A whole group of lanes as one fixed-size copy (a variable-length memcpy per row costs more
    // than the butterflies).
    auto copy = [w](T* to, const T* from) {
      if (w == kLanes) std::memcpy(to, from, kLanes * sizeof(T));
      else std::copy_n(from, w, to);
    };
    for (size_t r = 0; r < rows_in; ++r) {
      copy(a_re_.data() + r * kLanes, re + r * stride + c0);
      copy(a_im_.data() + r * kLanes, im + r * stride + c0);
    }
    const bool in_a = run(inverse, rows_in);
    const T* xr = in_a ? a_re_.data() : b_re_.data();
    const T* xi = in_a ? a_im_.data() : b_im_.data();
    for (size_t r = 0; r < rows_out; ++r) {
      copy(re + r * stride + c0, xr + r * kLanes);
      copy(im + r * stride + c0, xi + r * kLanes);
    }
  }
}

template <class T>
void BasicLaneFft<T>::load_rows(const T* re, const T* im, size_t stride, size_t r0, size_t w, size_t cols) {
  for (size_t l = 0; l < w; ++l) {
    const T* sr = re + (r0 + l) * stride;
    const T* si = im + (r0 + l) * stride;
    for (size_t c = 0; c < cols; ++c) a_re_[c * kLanes + l] = sr[c], a_im_[c * kLanes + l] = si[c];
  }
}

template <class T>
void BasicLaneFft<T>::store_rows(bool in_a, T* re, T* im, size_t stride, size_t r0, size_t w, size_t cols) const {
  const T* xr = in_a ? a_re_.data() : b_re_.data();
  const T* xi = in_a ? a_im_.data() : b_im_.data();
  for (size_t l = 0; l < w; ++l) {
    T* dr = re + (r0 + l) * stride;
    T* di = im + (r0 + l) * stride;
    for (size_t c = 0; c < cols; ++c) dr[c] = xr[c * kLanes + l], di[c] = xi[c * kLanes + l];
  }
}

template <class T>
void BasicLaneFft<T>::rows_forward(const T* re, const T* im, size_t stride, size_t rows, size_t cols_in,
                           T* spec_re, T* spec_im) {
  cols_in = std::min(cols_in, n_);
  for (size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const size_t w = std::min(kLanes, rows - r0);
    load_rows(re, im, stride, r0, w, cols_in);
    const bool in_a = run(false, cols_in);
    const size_t at = r0 * n_;  // block r0 / kLanes holds n x kLanes values
    std::copy_n(in_a ? a_re_.data() : b_re_.data(), n_ * kLanes, spec_re + at);
    std::copy_n(in_a ? a_im_.data() : b_im_.data(), n_ * kLanes, spec_im + at);
  }
}

template <class T>
void BasicLaneFft<T>::rows_inverse(const T* spec_re, const T* spec_im, size_t rows, size_t cols_out, T* re,
                           T* im, size_t stride) {
  cols_out = std::min(cols_out, n_);
  for (size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const size_t w = std::min(kLanes, rows - r0);
    std::copy_n(spec_re + r0 * n_, n_ * kLanes, a_re_.data());
    std::copy_n(spec_im + r0 * n_, n_ * kLanes, a_im_.data());
    const bool in_a = run(true, n_);
    store_rows(in_a, re, im, stride, r0, w, cols_out);
  }
}

template <class T>
void BasicLaneFft<T>::rows_convolve(T* re, T* im, size_t stride, size_t rows, size_t cols_in, size_t cols_out,
                            const T* kernel_spec) {
  cols_in = std::min(cols_in, n_);
  cols_out = std::min(cols_out, n_);
  for (size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const size_t w = std::min(kLanes, rows - r0);
    load_rows(re, im, stride, r0, w, cols_in);
    bool in_a = run(false, cols_in);
    multiply(in_a ? a_re_.data() : b_re_.data(), in_a ? a_im_.data() : b_im_.data(), kernel_spec + r0 * n_,
             n_ * kLanes, a_re_.data(), a_im_.data());
    in_a = run(true, n_);
    store_rows(in_a, re, im, stride, r0, w, cols_out);
  }
}

template class BasicLaneFft<double>;
template class BasicLaneFft<float>;

}  // namespace embscope

// Stockham mixed-radix FFT over eight lanes; see lane_fft.h.
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

constexpr size_t kLanes = LaneFft::kLanes;
using Lanes = F64x8;  // the eight lanes of one element
static_assert(sizeof(Lanes) == kLanes * sizeof(double));

// One stage; each block holds `stride` elements of 8 lanes. `sign` is +1 forward, -1 inverse:
// it multiplies every sine (the twiddles' imaginary parts and the butterflies' i terms).
// `live`: inputs t >= live are zero and not read (radix 4 only, live 2: the first stage of a
// zero-padded transform).
EMB_F64X8_CLONES void stage(
    const LaneFft::Stage& st, const double* __restrict twr, const double* __restrict twi, double sign, size_t live,
    const Lanes* __restrict xr, const Lanes* __restrict xi, Lanes* __restrict yr, Lanes* __restrict yi) {
  const size_t p = st.radix, span = st.span, s = st.stride;
  const double h3 = sign * std::numbers::sqrt3 / 2;
  const double c1 = std::cos(2 * std::numbers::pi / 5), c2 = std::cos(4 * std::numbers::pi / 5);
  const double s1 = sign * std::sin(2 * std::numbers::pi / 5), s2 = sign * std::sin(4 * std::numbers::pi / 5);
  for (size_t j = 0; j < span; ++j) {
    const double* wr = twr + j * (p - 1);
    const double* wi = twi + j * (p - 1);
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
      const double c_ = wr[(u) - 1], s_ = sign * wi[(u) - 1];         \
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
          const Lanes mr = ar - 0.5 * sr, mi = ai - 0.5 * si;
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

}  // namespace

LaneFft::LaneFft(size_t n) : n_(n) {
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
        tw_re_.push_back(std::cos(angle));
        tw_im_.push_back(std::sin(angle));
      }
    }
    length = span;
    stride *= p;
  }
  for (auto* v : {&a_re_, &a_im_, &b_re_, &b_im_}) v->assign(n * kLanes, 0.0);
}

bool LaneFft::run(bool inverse, size_t rows_in) {
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
  double *xr = a_re_.data(), *xi = a_im_.data(), *yr = b_re_.data(), *yi = b_im_.data();
  for (const Stage& st : stages_) {
    const size_t live = &st == &first && pruned ? 2 : st.radix;
    stage(st, tw_re_.data() + st.twiddles, tw_im_.data() + st.twiddles, inverse ? -1.0 : 1.0, live,
          reinterpret_cast<const Lanes*>(xr), reinterpret_cast<const Lanes*>(xi), reinterpret_cast<Lanes*>(yr),
          reinterpret_cast<Lanes*>(yi));
    std::swap(xr, yr);
    std::swap(xi, yi);
  }
  return xr == a_re_.data();
}

void LaneFft::columns(double* re, double* im, size_t stride, size_t cols, size_t rows_in, size_t rows_out,
                      bool inverse) {
  rows_in = std::min(rows_in, n_);
  rows_out = std::min(rows_out, n_);
  // Lanes past the last column (w < 8) keep stale values: lanes never mix.
  for (size_t c0 = 0; c0 < cols; c0 += kLanes) {
    const size_t w = std::min(kLanes, cols - c0);
    // A whole group of 8 as one fixed-size copy (a variable-length memcpy per row costs more
    // than the butterflies).
    auto copy = [w](double* to, const double* from) {
      if (w == kLanes) std::memcpy(to, from, kLanes * sizeof(double));
      else std::copy_n(from, w, to);
    };
    for (size_t r = 0; r < rows_in; ++r) {
      copy(a_re_.data() + r * kLanes, re + r * stride + c0);
      copy(a_im_.data() + r * kLanes, im + r * stride + c0);
    }
    const bool in_a = run(inverse, rows_in);
    const double* xr = in_a ? a_re_.data() : b_re_.data();
    const double* xi = in_a ? a_im_.data() : b_im_.data();
    for (size_t r = 0; r < rows_out; ++r) {
      copy(re + r * stride + c0, xr + r * kLanes);
      copy(im + r * stride + c0, xi + r * kLanes);
    }
  }
}

void LaneFft::rows_forward(const double* re, const double* im, size_t stride, size_t rows, size_t cols_in,
                           double* spec_re, double* spec_im) {
  cols_in = std::min(cols_in, n_);
  for (size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const size_t w = std::min(kLanes, rows - r0);
    for (size_t l = 0; l < w; ++l) {
      const double* sr = re + (r0 + l) * stride;
      const double* si = im + (r0 + l) * stride;
      for (size_t c = 0; c < cols_in; ++c) a_re_[c * kLanes + l] = sr[c], a_im_[c * kLanes + l] = si[c];
    }
    const bool in_a = run(false, cols_in);
    const size_t at = r0 * n_;  // block r0 / 8 holds n x 8 values
    std::copy_n(in_a ? a_re_.data() : b_re_.data(), n_ * kLanes, spec_re + at);
    std::copy_n(in_a ? a_im_.data() : b_im_.data(), n_ * kLanes, spec_im + at);
  }
}

void LaneFft::rows_inverse(const double* spec_re, const double* spec_im, size_t rows, size_t cols_out, double* re,
                           double* im, size_t stride) {
  cols_out = std::min(cols_out, n_);
  for (size_t r0 = 0; r0 < rows; r0 += kLanes) {
    const size_t w = std::min(kLanes, rows - r0);
    std::copy_n(spec_re + r0 * n_, n_ * kLanes, a_re_.data());
    std::copy_n(spec_im + r0 * n_, n_ * kLanes, a_im_.data());
    const bool in_a = run(true, n_);
    const double* xr = in_a ? a_re_.data() : b_re_.data();
    const double* xi = in_a ? a_im_.data() : b_im_.data();
    for (size_t l = 0; l < w; ++l) {
      double* dr = re + (r0 + l) * stride;
      double* di = im + (r0 + l) * stride;
      for (size_t c = 0; c < cols_out; ++c) dr[c] = xr[c * kLanes + l], di[c] = xi[c * kLanes + l];
    }
  }
}

}  // namespace embscope

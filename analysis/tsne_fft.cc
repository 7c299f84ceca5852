// FFT-interpolated t-SNE repulsion (FIt-SNE); see tsne_fft.h.
#include "analysis/tsne_fft.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analysis/lane_fft.h"
#include "core/parallel.h"

namespace embscope {
namespace {

bool smooth(size_t v) {
  for (size_t f : {2, 3, 5})
    while (v % f == 0) v /= f;
  return v == 1;
}

// Even and 5-smooth (the FFT's radices are 2, 3, 4 and 5).
size_t even_smooth_at_least(size_t boxes) {
  boxes = std::max<size_t>(boxes, 2);
  while (boxes % 2 != 0 || !smooth(boxes)) ++boxes;
  return boxes;
}

// The points' side of a call, for p nodes per box and axis: P is p when known at compile time
// (the default 3: the loops unroll), 0 when not (p_any then).
template <size_t P>
struct PointSide {
  size_t p_any;
  size_t p() const { return P ? P : p_any; }

  // Per point i in [first, last): its box on each axis (the index of the box's first node) and
  // the Lagrange weights of the box's nodes, which sit at (a + 1/2) / p of the box.
  void weights(const double* y, size_t first, size_t last, double lo, double box, size_t boxes, const double* nodes,
               const double* inv_denom, uint32_t* cell, double* weight) const {
    const size_t np = p();
    for (size_t i = first; i < last; ++i) {
      for (size_t c = 0; c < 2; ++c) {
        const double t = (y[i * 2 + c] - lo) / box;
        const size_t b = std::min(boxes - 1, static_cast<size_t>(std::max(0.0, std::floor(t))));
        const double u = t - static_cast<double>(b);
        cell[i * 2 + c] = static_cast<uint32_t>(b * np);
        for (size_t a = 0; a < np; ++a) {
          double l = 1.0;
          for (size_t k = 0; k < np; ++k)
            if (k != a) l *= u - nodes[k];
          weight[(i * 2 + c) * np + a] = l * inv_denom[a];
        }
      }
    }
  }

  // Charges qr(i) and qi(i) of every point spread onto the real and imaginary grid (g a side).
  template <class Real, class Charge>
  void spread(size_t n, const uint32_t* cell, const double* weight, size_t g, Charge&& charges, Real* re,
              Real* im) const {
    const size_t np = p();
    for (size_t i = 0; i < n; ++i) {
      const auto [qr, qi] = charges(i);
      const double* wx = weight + (i * 2) * np;
      const double* wy = weight + (i * 2 + 1) * np;
      const size_t at = size_t{cell[i * 2]} * g + cell[i * 2 + 1];
      for (size_t a = 0; a < np; ++a)
        for (size_t b = 0; b < np; ++b) {
          const double wab = wx[a] * wy[b];
          re[at + a * g + b] += static_cast<Real>(wab * qr);
          im[at + a * g + b] += static_cast<Real>(wab * qi);
        }
    }
  }

  // The potential of grid `pot` (g a side) at point i.
  template <class Real>
  double interpolate(size_t i, const uint32_t* cell, const double* weight, size_t g, const Real* pot) const {
    const size_t np = p();
    const double* wx = weight + (i * 2) * np;
    const double* wy = weight + (i * 2 + 1) * np;
    pot += size_t{cell[i * 2]} * g + cell[i * 2 + 1];
    double s = 0;
    for (size_t a = 0; a < np; ++a) {
      double r = 0;
      for (size_t b = 0; b < np; ++b) r += wy[b] * pot[a * g + b];
      s += wx[a] * r;
    }
    return s;
  }
};

// f(side) with the PointSide for p nodes: the unrolled one for 3.
template <class F>
void with_point_side(size_t p, F&& f) {
  if (p == 3) f(PointSide<3>{3});
  else f(PointSide<0>{p});
}

}  // namespace

size_t fft_repulsion_boxes(double span, const FftRepulsionOptions& o) {
  const double want = std::ceil(std::max(0.0, span) * o.boxes_per_unit);
  const size_t cap = std::max(o.min_boxes, o.max_boxes);
  return even_smooth_at_least(std::clamp<size_t>(want < 1e9 ? static_cast<size_t>(want) : cap, o.min_boxes, cap));
}

// One precision's FFTs and grids.
template <class Real>
struct FftRepulsion::Grids {
  std::vector<BasicLaneFft<Real>> fft;  // one per thread, for the current transform size
  // Two split-complex grids, each carrying two charges (real and imaginary part): the kernel is
  // real, so the convolution of c + i d is conv(c) + i conv(d). re/im: (m, g) row-major, the
  // charges in the first g rows, after the column pass all m; the row pass convolves each row
  // in place (its spectra stay in LaneFft's scratch).
  std::vector<Real> re[2], im[2];
  // The kernel's spectrum, in LaneFft's row-block layout (ceil(m / L) x m x L for L lanes); it
  // is real (the kernel is even), the imaginary part rounding only.
  std::vector<Real> kernel, kernel_im, kernel_spec, kernel_spec_im;
  size_t kernel_m = 0;  // the transform size and node spacing kernel_spec was computed for
  double kernel_step = 0;
};

struct FftRepulsion::Workspace {
  std::vector<uint32_t> cell;
  std::vector<double> weight, zi;
  Grids<float> single;
  Grids<double> dual;
};

FftRepulsion::FftRepulsion(FftRepulsionOptions options) : o_(options), ws_(std::make_unique<Workspace>()) {}
FftRepulsion::~FftRepulsion() = default;

double FftRepulsion::operator()(const std::vector<double>& y, std::vector<double>& rep) {
  return o_.single_precision ? run(ws_->single, y, rep) : run(ws_->dual, y, rep);
}

template <class Real>
double FftRepulsion::run(Grids<Real>& grids, const std::vector<double>& y, std::vector<double>& rep) {
  using Fft = BasicLaneFft<Real>;
  const FftRepulsionOptions& o = o_;
  Workspace& ws = *ws_;
  const size_t n = y.size() / 2;
  rep.assign(n * 2, 0.0);
  if (n == 0) return 0.0;
  const size_t p = std::max<size_t>(1, o.nodes_per_box);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : y) lo = std::min(lo, v), hi = std::max(hi, v);
  double span = hi - lo;
  if (!(span > 1e-12)) span = 1e-12;
  // FIt-SNE's box width (span / boxes) rounded down to a ladder of 16 widths per octave, and as
  // many boxes as then cover the map: never coarser than FIt-SNE's grid, and between calls the
  // width, the box count and so the kernel's spectrum stay the same for stretches of
  // iterations (the spectrum is then kept).
  const double box = std::exp2(std::floor(std::log2(span / static_cast<double>(fft_repulsion_boxes(span, o))) * 16) / 16);
  const size_t boxes = even_smooth_at_least(static_cast<size_t>(std::ceil(span / box - 1e-9)));
  const size_t g = boxes * p;  // grid nodes a side
  const size_t m = 2 * g;      // zero-padded transform size
  const double step = box / static_cast<double>(p);  // node spacing in map units
  const double centre = lo + span / 2;

  // The Lagrange nodes sit at (a + 1/2) / p of a box.
  std::vector<double> nodes(p), inv_denom(p, 1.0);
  for (size_t a = 0; a < p; ++a) nodes[a] = (static_cast<double>(a) + 0.5) / static_cast<double>(p);
  for (size_t a = 0; a < p; ++a) {
    for (size_t b = 0; b < p; ++b)
      if (a != b) inv_denom[a] *= nodes[a] - nodes[b];
    inv_denom[a] = 1.0 / inv_denom[a];
  }
  std::vector<uint32_t>& cell = ws.cell;
  std::vector<double>& weight = ws.weight;
  cell.resize(n * 2);
  weight.resize(n * 2 * p);
  const size_t threads = std::max<size_t>(1, o.threads);
  const size_t point_chunks = (n + 2047) / 2048;
  with_point_side(p, [&](auto side) {
    run_jobs(point_chunks, threads, [&](size_t chunk, size_t) {
      side.weights(y.data(), range_begin(n, point_chunks, chunk), range_begin(n, point_chunks, chunk + 1), lo, box,
                   boxes, nodes.data(), inv_denom.data(), cell.data(), weight.data());
    });
  });

  // Charges 1, y1, y2, |y|^2 (centred on the map, which keeps the cancellation in Z small).
  constexpr size_t kCharges = 4;
  auto charge = [&](size_t i, size_t k) {
    const double a = y[i * 2] - centre, b = y[i * 2 + 1] - centre;
    switch (k) {
      case 0: return 1.0;
      case 1: return a;
      case 2: return b;
      default: return a * a + b * b;
    }
  };
  std::vector<Fft>& fft = grids.fft;
  const size_t workers = std::min<size_t>(threads, 3);
  if (fft.empty() || fft.front().size() != m) fft.clear();
  while (fft.size() < workers) fft.emplace_back(m);
  const size_t spec_size = (m + Fft::kLanes - 1) / Fft::kLanes * Fft::kLanes * m;
  for (size_t k = 0; k < 2; ++k) grids.re[k].resize(m * g), grids.im[k].resize(m * g);
  // Job 0: the kernel's spectrum (unless kept from the last call); jobs 1, 2: spread two charges
  // onto a grid (real and imaginary part) and transform its g columns holding charges.
  const bool same_kernel = grids.kernel_m == m && grids.kernel_step == step;
  const size_t first_job = same_kernel ? 1 : 0;
  grids.kernel_m = 0;  // invalid until the new spectrum is complete
  run_jobs(3 - first_job, threads, [&](size_t job_index, size_t w) {
    const size_t job = job_index + first_job;
    if (job == 0) {
      std::vector<Real>& kernel = grids.kernel;
      kernel.assign(m * m, 0.0);
      grids.kernel_im.assign(m * m, 0.0);
      auto offset = [&](size_t u) { return u < g ? static_cast<double>(u) : static_cast<double>(u) - static_cast<double>(m); };
      for (size_t u = 0; u < m; ++u) {
        if (u == g) continue;  // offset +-g never occurs between two nodes
        for (size_t v = 0; v < m; ++v) {
          if (v == g) continue;
          const double du = offset(u) * step, dv = offset(v) * step;
          const double q = 1.0 / (1.0 + du * du + dv * dv);
          kernel[u * m + v] = static_cast<Real>(q * q);
        }
      }
      fft[w].columns(kernel.data(), grids.kernel_im.data(), m, m, m, m, false);
      grids.kernel_spec.resize(spec_size);
      grids.kernel_spec_im.resize(spec_size);
      fft[w].rows_forward(kernel.data(), grids.kernel_im.data(), m, m, m, grids.kernel_spec.data(), grids.kernel_spec_im.data());
      // With the 1 / m^2 of the unscaled inverse; the imaginary part is rounding only.
      const Real scale = static_cast<Real>(1.0 / (static_cast<double>(m) * static_cast<double>(m)));
      for (Real& v : grids.kernel_spec) v *= scale;
      return;
    }
    const size_t k = job - 1;
    Real* re = grids.re[k].data();
    Real* im = grids.im[k].data();
    std::fill_n(re, g * g, Real(0));
    std::fill_n(im, g * g, Real(0));
    with_point_side(p, [&](auto side) {
      side.spread(n, cell.data(), weight.data(), g,
                  [&](size_t i) { return std::pair{charge(i, 2 * k), charge(i, 2 * k + 1)}; }, re, im);
    });
    fft[w].columns(re, im, g, g, g, m, false);
  });
  grids.kernel_m = m;
  grids.kernel_step = step;
  // The rows convolved with the kernel (forward, times its spectrum, back), then the columns
  // transformed back: the potentials at the grid nodes, in the first g rows and columns.
  run_jobs(2, threads, [&](size_t k, size_t w) {
    Real* re = grids.re[k].data();
    Real* im = grids.im[k].data();
    fft[w].rows_convolve(re, im, g, m, g, g, grids.kernel_spec.data());
    fft[w].columns(re, im, g, g, m, g, true);
  });
  // Interpolate the potentials back to the points; Z and the forces from them.
  std::vector<double>& zi = ws.zi;
  zi.resize(n);
  const size_t chunks = std::min<size_t>(threads, (n + 4095) / 4096);
  with_point_side(p, [&](auto side) {
    run_jobs(chunks, threads, [&](size_t chunk, size_t) {
      for (size_t i = range_begin(n, chunks, chunk); i < range_begin(n, chunks, chunk + 1); ++i) {
        double phi[kCharges];
        for (size_t k = 0; k < kCharges; ++k)
          phi[k] = side.interpolate(i, cell.data(), weight.data(), g, (k % 2 == 0 ? grids.re : grids.im)[k / 2].data());
        const double a = y[i * 2] - centre, b = y[i * 2 + 1] - centre;
        zi[i] = (1.0 + a * a + b * b) * phi[0] - 2.0 * (a * phi[1] + b * phi[2]) + phi[3];
        rep[i * 2] = a * phi[0] - phi[1];
        rep[i * 2 + 1] = b * phi[0] - phi[2];
      }
    });
  });
  double z = 0;
  for (double v : zi) z += v;
  return z - static_cast<double>(n);  // without the n terms q_ii = 1
}

}  // namespace embscope

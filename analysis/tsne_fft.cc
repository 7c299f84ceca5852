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

}  // namespace

size_t fft_repulsion_boxes(double span, const FftRepulsionOptions& o) {
  const double want = std::ceil(std::max(0.0, span) * o.boxes_per_unit);
  const size_t cap = std::max(o.min_boxes, o.max_boxes);
  return even_smooth_at_least(std::clamp<size_t>(want < 1e9 ? static_cast<size_t>(want) : cap, o.min_boxes, cap));
}

struct FftRepulsion::Workspace {
  std::vector<LaneFft> fft;  // one per thread, for the current transform size
  std::vector<uint32_t> cell;
  std::vector<double> weight, zi;
  // Two split-complex grids, each carrying two charges (real and imaginary part): the kernel is
  // real, so the convolution of c + i d is conv(c) + i conv(d). re/im: (m, g) row-major, the
  // charges in the first g rows, after the column pass all m; spec: their spectra in LaneFft's
  // row-block layout (ceil(m / 8) x m x 8).
  std::vector<double> re[2], im[2], spec_re[2], spec_im[2];
  std::vector<double> kernel, kernel_im, kernel_spec, kernel_spec_im;  // the kernel's spectrum is real (the kernel is even)
  size_t kernel_m = 0;  // the transform size and node spacing kernel_spec was computed for
  double kernel_step = 0;
};

FftRepulsion::FftRepulsion(FftRepulsionOptions options) : o_(options), ws_(std::make_unique<Workspace>()) {}
FftRepulsion::~FftRepulsion() = default;

double FftRepulsion::operator()(const std::vector<double>& y, std::vector<double>& rep) {
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

  // Per point: its box on each axis and the Lagrange weights of the box's nodes, which sit at
  // (a + 1/2) / p of the box.
  std::vector<double> nodes(p), denom(p, 1.0);
  for (size_t a = 0; a < p; ++a) nodes[a] = (static_cast<double>(a) + 0.5) / static_cast<double>(p);
  for (size_t a = 0; a < p; ++a)
    for (size_t b = 0; b < p; ++b)
      if (a != b) denom[a] *= nodes[a] - nodes[b];
  std::vector<uint32_t>& cell = ws.cell;
  std::vector<double>& weight = ws.weight;
  cell.resize(n * 2);
  weight.resize(n * 2 * p);
  for (size_t i = 0; i < n; ++i) {
    for (size_t c = 0; c < 2; ++c) {
      const double t = (y[i * 2 + c] - lo) / box;
      const size_t b = std::min(boxes - 1, static_cast<size_t>(std::max(0.0, std::floor(t))));
      const double u = t - static_cast<double>(b);
      cell[i * 2 + c] = static_cast<uint32_t>(b * p);
      for (size_t a = 0; a < p; ++a) {
        double l = 1.0;
        for (size_t k = 0; k < p; ++k)
          if (k != a) l *= u - nodes[k];
        weight[(i * 2 + c) * p + a] = l / denom[a];
      }
    }
  }

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
  const size_t threads = std::max<size_t>(1, o.threads);
  std::vector<LaneFft>& fft = ws.fft;
  const size_t workers = std::min<size_t>(threads, 3);
  if (fft.empty() || fft.front().size() != m) fft.clear();
  while (fft.size() < workers) fft.emplace_back(m);
  const size_t spec_size = (m + LaneFft::kLanes - 1) / LaneFft::kLanes * LaneFft::kLanes * m;
  for (size_t k = 0; k < 2; ++k) {
    ws.re[k].resize(m * g), ws.im[k].resize(m * g);
    ws.spec_re[k].resize(spec_size), ws.spec_im[k].resize(spec_size);
  }
  // Job 0: the kernel's spectrum (unless kept from the last call); jobs 1, 2: spread two charges
  // onto a grid (real and imaginary part) and transform it. Forward: columns first over the g
  // columns holding charges, then every row from its first g entries.
  const bool same_kernel = ws.kernel_m == m && ws.kernel_step == step;
  const size_t first_job = same_kernel ? 1 : 0;
  ws.kernel_m = 0;  // invalid until the new spectrum is complete
  run_jobs(3 - first_job, threads, [&](size_t job_index, size_t w) {
    const size_t job = job_index + first_job;
    if (job == 0) {
      std::vector<double>& kernel = ws.kernel;
      kernel.assign(m * m, 0.0);
      ws.kernel_im.assign(m * m, 0.0);
      auto offset = [&](size_t u) { return u < g ? static_cast<double>(u) : static_cast<double>(u) - static_cast<double>(m); };
      for (size_t u = 0; u < m; ++u) {
        if (u == g) continue;  // offset +-g never occurs between two nodes
        for (size_t v = 0; v < m; ++v) {
          if (v == g) continue;
          const double du = offset(u) * step, dv = offset(v) * step;
          const double q = 1.0 / (1.0 + du * du + dv * dv);
          kernel[u * m + v] = q * q;
        }
      }
      fft[w].columns(kernel.data(), ws.kernel_im.data(), m, m, m, m, false);
      ws.kernel_spec.resize(spec_size);
      ws.kernel_spec_im.resize(spec_size);
      fft[w].rows_forward(kernel.data(), ws.kernel_im.data(), m, m, m, ws.kernel_spec.data(), ws.kernel_spec_im.data());
      // With the 1 / m^2 of the unscaled inverse; the imaginary part is rounding only.
      const double scale = 1.0 / (static_cast<double>(m) * static_cast<double>(m));
      for (double& v : ws.kernel_spec) v *= scale;
      return;
    }
    const size_t k = job - 1;
    double* re = ws.re[k].data();
    double* im = ws.im[k].data();
    std::fill_n(re, g * g, 0.0);
    std::fill_n(im, g * g, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const double qr = charge(i, 2 * k), qi = charge(i, 2 * k + 1);
      const double* wx = weight.data() + (i * 2) * p;
      const double* wy = weight.data() + (i * 2 + 1) * p;
      const size_t at = size_t{cell[i * 2]} * g + cell[i * 2 + 1];
      for (size_t a = 0; a < p; ++a)
        for (size_t b = 0; b < p; ++b) {
          const double wab = wx[a] * wy[b];
          re[at + a * g + b] += wab * qr;
          im[at + a * g + b] += wab * qi;
        }
    }
    fft[w].columns(re, im, g, g, g, m, false);
    fft[w].rows_forward(re, im, g, m, g, ws.spec_re[k].data(), ws.spec_im[k].data());
  });
  ws.kernel_m = m;
  ws.kernel_step = step;
  // Multiply by the kernel's spectrum and transform back: the potentials at the grid nodes,
  // in the first g rows and columns.
  run_jobs(2, threads, [&](size_t k, size_t w) {
    double* sr = ws.spec_re[k].data();
    double* si = ws.spec_im[k].data();
    const double* ks = ws.kernel_spec.data();
    for (size_t e = 0; e < spec_size; ++e) sr[e] *= ks[e], si[e] *= ks[e];
    double* re = ws.re[k].data();
    double* im = ws.im[k].data();
    fft[w].rows_inverse(sr, si, m, g, re, im, g);
    fft[w].columns(re, im, g, g, m, g, true);
  });
  // Interpolate the potentials back to the points; Z and the forces from them.
  std::vector<double>& zi = ws.zi;
  zi.resize(n);
  const size_t chunks = std::min<size_t>(threads, (n + 4095) / 4096);
  run_jobs(chunks, threads, [&](size_t chunk, size_t) {
    for (size_t i = range_begin(n, chunks, chunk); i < range_begin(n, chunks, chunk + 1); ++i) {
      const double* wx = weight.data() + (i * 2) * p;
      const double* wy = weight.data() + (i * 2 + 1) * p;
      const size_t at = size_t{cell[i * 2]} * g + cell[i * 2 + 1];
      double phi[kCharges];
      for (size_t k = 0; k < kCharges; ++k) {
        const double* pot = (k % 2 == 0 ? ws.re : ws.im)[k / 2].data() + at;
        double s = 0;
        for (size_t a = 0; a < p; ++a) {
          double r = 0;
          for (size_t b = 0; b < p; ++b) r += wy[b] * pot[a * g + b];
          s += wx[a] * r;
        }
        phi[k] = s;
      }
      const double a = y[i * 2] - centre, b = y[i * 2 + 1] - centre;
      zi[i] = (1.0 + a * a + b * b) * phi[0] - 2.0 * (a * phi[1] + b * phi[2]) + phi[3];
      rep[i * 2] = a * phi[0] - phi[1];
      rep[i * 2 + 1] = b * phi[0] - phi[2];
    }
  });
  double z = 0;
  for (double v : zi) z += v;
  return z - static_cast<double>(n);  // without the n terms q_ii = 1
}

}  // namespace embscope

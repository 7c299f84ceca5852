// FFT-accelerated t-SNE repulsion for 2-D maps (FIt-SNE: Linderman, Rachh, Hoskins,
// Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE for improved visualization of
// single-cell RNA-seq data", Nature Methods 16, 243-245).
//
// The repulsive term of the gradient needs, for every point i, sums over all j of the squared
// Cauchy kernel K(y_i, y_j) = (1 + |y_i - y_j|^2)^-2 times four charges (1, y_j1, y_j2,
// |y_j|^2). The charges are spread onto an equispaced grid covering the map (boxes of about one
// unit, at least 50 a side, 3 Lagrange interpolation nodes per box and axis), the kernel sums
// between grid nodes are one 2-D convolution done by FFT (the grid zero-padded to twice its
// size), and the node potentials are interpolated back to the points. Cost per iteration:
// O(n) for the points plus O(G^2 log G) for the grid (G nodes a side), against Barnes-Hut's
// O(n log n) with a large constant. The interpolation error is ~1e-3 relative (the tests
// compare with the exact sums).
//
// FFTs: LaneFft (analysis/lane_fft.h); the four charges travel as two complex grids (c1 + i c2),
// the kernel being real. The grids are single precision by default (sixteen lanes a vector, half
// the memory traffic: ~15 % off a 10,000-point run), as scikit-learn keeps its whole map in
// float32: their rounding stays under the interpolation error at the default 3 nodes (~1e-3
// RMS), but shows at 5 nodes on wide maps (worst point ~2 % on a 120-unit map, where double
// grids reach ~0.3 %); `single_precision = false` keeps double grids (tsne_test.cc measures both).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace embscope {

struct FftRepulsionOptions {
  size_t nodes_per_box = 3;         // Lagrange interpolation nodes per box and axis
  double boxes_per_unit = 1.0;      // boxes per unit of map length (FIt-SNE: intervals_per_integer)
  size_t min_boxes = 50;            // at least this many boxes a side (FIt-SNE: min_num_intervals)
  size_t max_boxes = 500;           // at most about this many (wider boxes beyond: a diverging map
                                    // must not take gigabytes; t-SNE maps span ~10-300 units)
  size_t threads = 1;               // the result does not depend on it
  bool single_precision = true;     // float grids and FFTs (else double)
};

// Keeps its grids and FFT plans between calls (one per t-SNE run).
class FftRepulsion {
 public:
  explicit FftRepulsion(FftRepulsionOptions options = {});
  ~FftRepulsion();
  FftRepulsion(const FftRepulsion&) = delete;
  FftRepulsion& operator=(const FftRepulsion&) = delete;

  // y: (n, 2) row-major positions. Writes rep (n, 2) = sum_j q_ij^2 (y_i - y_j) and returns
  // Z = sum_{i != j} q_ij, with q_ij = 1 / (1 + |y_i - y_j|^2), both approximated as above.
  double operator()(const std::vector<double>& y, std::vector<double>& rep);

 private:
  struct Workspace;
  template <class Real>
  struct Grids;
  template <class Real>
  double run(Grids<Real>& grids, const std::vector<double>& y, std::vector<double>& rep);
  FftRepulsionOptions o_;
  std::unique_ptr<Workspace> ws_;
};

// The boxes a side used for a map spanning `span` units (smooth for the FFT, even).
size_t fft_repulsion_boxes(double span, const FftRepulsionOptions& options = {});

}  // namespace embscope

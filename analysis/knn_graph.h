// The k nearest neighbours of every point of a set among the others (euclidean): the graph
// t-SNE's input affinities and UMAP's fuzzy simplicial set are built from. Two ways:
// - exact: each pair of points scored once in f32 and the candidates within the f32 error
//   bound re-scored in double (NeighborIndex::search_all), the exact double ranking;
// - screened (approximate): each pair scored once in int8 (every point centred on the column
//   means and scaled to [-127, 127] by its own largest component; AVX-512 VNNI multiplies four
//   times the dimensions an f32 FMA does), each point's `candidates` best screening scores
//   kept and re-scored exactly in double, the k nearest of those answering. A true neighbour
//   is missed only when quantisation error pushes it below `candidates` others; the recall
//   against the exact graph is measured on a sample and reported (as umap-learn's
//   NN-descent is, approximate above 4,096 points, but without a measure of its recall).
// The answer does not depend on the thread count. Sees only row-major float matrices.
#pragma once

#include <cstdint>
#include <vector>

#include "analysis/screen_kernel.h"
#include "core/matrix_view.h"

namespace embscope {

// How a graph was made, for reports.
struct KnnInfo {
  bool screened = false;    // approximate (screened_knn)
  size_t candidates = 0;    // screened: candidates re-scored per point
  const char* kernel = "";  // screened: the int8 kernel
  double recall = 1.0;      // screened: measured on recall_points points (knn_recall)
  size_t recall_points = 0;
};

struct KnnGraph {
  size_t n_points = 0, k = 0;
  std::vector<uint32_t> index;   // (n, k) row-major: neighbour j of point i, nearest first
  std::vector<double> distance;  // (n, k) euclidean distance, ascending in each row
  KnnInfo info;
};

enum class KnnMethod { Auto, Exact, Screened };

// Auto: screened from this many points on where the CPU has the fast int8 kernel
// (screen::fast()), exact otherwise.
constexpr size_t kScreenedKnnFrom = 20000;

struct KnnOptions {
  KnnMethod method = KnnMethod::Exact;
  size_t threads = 1;
  size_t candidates = 0;       // screened: 0 = max(32, 2k)
  size_t recall_sample = 256;  // screened: points whose exact neighbours measure the recall
};

// Point i itself is never among its neighbours (a duplicate of it may be). Requires
// 1 <= k < n; ties by lower index. Finite values only (the callers check).
KnnGraph knn_graph(MatrixView x, size_t k, const KnnOptions& options);
KnnGraph exact_knn(MatrixView x, size_t k, size_t threads);
KnnGraph screened_knn(MatrixView x, size_t k, size_t threads, size_t candidates, const screen::Kernel& kernel);

// The share of the graph's neighbours of `sample` evenly spaced points that are among their
// exact k nearest (a neighbour tied with the exact k-th counts).
double knn_recall(MatrixView x, const KnnGraph& g, size_t sample);

}  // namespace embscope

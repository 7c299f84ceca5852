// UMAP layout SGD. Legend: n points, d output dimensions, E edges.
#include "analysis/umap_layout.h"

#include <algorithm>
#include <barrier>

#include "analysis/umap_epoch.h"
#include "core/parallel.h"

namespace embscope {
namespace {

class Layout {
 public:
  Layout(const std::vector<uint32_t>& head, const std::vector<uint32_t>& tail, const std::vector<double>& weight,
         size_t n, size_t d, const UmapLayoutParams& p)
      : kernel_(best_umap_epoch()) {
    const size_t E = head.size();
    const double wmax = weight.empty() ? 1 : *std::max_element(weight.begin(), weight.end());
    per_sample_.resize(E), per_negative_.resize(E);
    for (size_t e = 0; e < E; ++e) {  // umap-learn make_epochs_per_sample
      per_sample_[e] = static_cast<double>(p.epochs) / (static_cast<double>(p.epochs) * weight[e] / wmax);
      per_negative_[e] = per_sample_[e] / static_cast<double>(p.negative_sample_rate);
    }
    next_sample_ = per_sample_;
    next_negative_ = per_negative_;
    t_.head = head.data(), t_.tail = tail.data();
    t_.per_sample = per_sample_.data(), t_.next_sample = next_sample_.data();
    t_.per_negative = per_negative_.data(), t_.next_negative = next_negative_.data();
    t_.n = n, t_.d = d;
    t_.a = static_cast<float>(p.a), t_.b = static_cast<float>(p.b), t_.gamma = static_cast<float>(p.repulsion_strength);
    t_.learning_rate = p.learning_rate, t_.epochs = p.epochs;
  }

  // One epoch over edges [first, last) with the thread's random state, on the layout `y`
  // (n, d): the shared one, or a thread's own copy.
  void epoch(size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
    kernel_(t_, first, last, epoch, state, y);
  }

 private:
  UmapEpochFn kernel_;
  UmapEpoch t_;
  std::vector<double> per_sample_, next_sample_;      // (E) epochs between samples, next due
  std::vector<double> per_negative_, next_negative_;  // (E) the same for repulsive samples
};

}  // namespace

void optimize_umap_layout(const std::vector<uint32_t>& head, const std::vector<uint32_t>& tail,
                          const std::vector<double>& weight, std::vector<float>& y, size_t dims,
                          const UmapLayoutParams& params) {
  const size_t n = y.size() / dims;
  Layout layout(head, tail, weight, n, dims, params);
  const size_t E = head.size(), epochs = params.epochs;
  Team team(std::max<size_t>(1, std::min(params.threads, E / 4096 + 1)));
  const size_t t = team.size();
  std::vector<uint64_t> states(t);
  for (size_t w = 0; w < t; ++w) states[w] = ((params.seed + 1) * 0x9E3779B97F4A7C15ull + w * 0xBF58476D1CE4E5B9ull) | 1;
  if (t == 1) {
    for (size_t epoch = 0; epoch < epochs; ++epoch) {
      layout.epoch(0, E, epoch, states[0], y.data());
      if (params.progress && (epoch + 1) % 10 == 0) params.progress(epoch + 1);
    }
    return;
  }
  // Each thread runs its share of the edges on its own copy of the layout, and the copies'
  // moves are summed into the shared layout after every epoch: no two threads write the same
  // memory (umap-learn's parallel mode shares one layout without locks, whose cache lines
  // then bounce between cores), and the result is reproducible for a seed and thread count.
  std::vector<std::vector<float>> own(t, y);
  std::barrier sync(static_cast<std::ptrdiff_t>(t));
  auto work = [&](size_t w) {
    const size_t lo = w * y.size() / t, hi = (w + 1) * y.size() / t;  // this thread's part of the merge
    for (size_t epoch = 0; epoch < epochs; ++epoch) {
      layout.epoch(w * E / t, (w + 1) * E / t, epoch, states[w], own[w].data());
      sync.arrive_and_wait();
      for (size_t i = lo; i < hi; ++i) {
        float moved = y[i];
        for (size_t v = 0; v < t; ++v) moved += own[v][i] - y[i];
        y[i] = moved;
      }
      sync.arrive_and_wait();
      std::copy(y.begin(), y.end(), own[w].begin());
      if (w == 0 && params.progress && (epoch + 1) % 10 == 0) params.progress(epoch + 1);
    }
  };
  team.run(work);
}

}  // namespace embscope

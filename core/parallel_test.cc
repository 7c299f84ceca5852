// run_jobs: every job exactly once, on the kept threads and in the fallback (nested and
// concurrent calls).
#include "core/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace embscope {
namespace {

std::vector<int> run_counting(size_t n_jobs, size_t threads) {
  std::vector<std::atomic<int>> hits(n_jobs);
  run_jobs(n_jobs, threads, [&](size_t k, size_t w) {
    EXPECT_LT(w, std::max<size_t>(1, threads));
    hits[k].fetch_add(1);
  });
  std::vector<int> out;
  for (auto& h : hits) out.push_back(h.load());
  return out;
}

TEST(RunJobs, EveryJobOnceForAnyThreadCount) {
  for (size_t threads : {1, 2, 3, 8})
    for (size_t n_jobs : {0, 1, 2, 5, 100}) EXPECT_EQ(run_counting(n_jobs, threads), std::vector<int>(n_jobs, 1));
}

TEST(RunJobs, NestedAndConcurrentCallsFallBackToTheirOwnThreads) {
  std::atomic<int> inner{0};
  run_jobs(4, 2, [&](size_t, size_t) { run_jobs(3, 2, [&](size_t, size_t) { inner.fetch_add(1); }); });
  EXPECT_EQ(inner.load(), 12);
  std::atomic<int> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int r = 0; r < 50; ++r) run_jobs(7, 3, [&](size_t, size_t) { total.fetch_add(1); });
    });
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), 4 * 50 * 7);
}

}  // namespace
}  // namespace embscope

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

// The system refusing threads (simulated: ThreadStartLimitForTesting sends a thread start down
// the path of a real refusal's std::system_error) shrinks a section; nothing terminates.

std::vector<int> run_team(Team& team) {
  std::vector<std::atomic<int>> hits(8);
  team.run([&](size_t w) { hits.at(w).fetch_add(1); });
  std::vector<int> out;
  for (auto& h : hits) out.push_back(h.load());
  return out;
}

TEST(Team, RunsEveryWorkerOnceAndShrinksWhenThreadsAreRefused) {
  {
    Team team(4);
    EXPECT_EQ(team.size(), 4u);
    EXPECT_EQ(run_team(team), (std::vector<int>{1, 1, 1, 1, 0, 0, 0, 0}));
  }
  {
    ThreadStartLimitForTesting limit(1);
    Team team(4);
    EXPECT_EQ(team.size(), 2u);
    EXPECT_EQ(run_team(team), (std::vector<int>{1, 1, 0, 0, 0, 0, 0, 0}));
  }
  {
    ThreadStartLimitForTesting limit(0);
    Team team(3);
    EXPECT_EQ(team.size(), 1u);
    EXPECT_EQ(run_team(team), (std::vector<int>{1, 0, 0, 0, 0, 0, 0, 0}));
  }
  // Destroyed without run(): its helpers are released and joined (a hang would time out).
  for (int k = 0; k < 20; ++k) Team unused(3);
}

TEST(Team, RunJobsDoesEveryJobWhenNoThreadCanBeStarted) {
  ThreadStartLimitForTesting limit(0);
  // The nested call finds the kept threads busy and needs threads of its own, which are refused.
  std::atomic<int> inner{0}, outer{0};
  run_jobs(6, 3, [&](size_t, size_t) {
    outer.fetch_add(1);
    run_jobs(5, 4, [&](size_t, size_t w) {
      EXPECT_EQ(w, 0u);
      inner.fetch_add(1);
    });
  });
  EXPECT_EQ(outer.load(), 6);
  EXPECT_EQ(inner.load(), 30);
}

}  // namespace
}  // namespace embscope

// Runs independent jobs on a few threads. Jobs are handed out in order as workers become free;
// the calling thread is worker 0. For results that must not depend on the thread count, a job's
// output must depend only on its index (the worker number is for per-worker scratch).
//
// The helper threads are kept between calls (an optimiser calls run_jobs a few times per
// iteration: creating threads each time cost ~40 us a call here); a nested or concurrent call,
// which finds them busy, starts threads of its own.
//
// Starting a thread can fail (the process's thread or memory limit: std::system_error). No
// parallel section here lets that end the process: it runs on the threads that did start
// (at least the calling one).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace embscope {

// A parallel section whose shape depends on how many threads run it:
//   Team team(4);                  // starts up to 3 helpers, each waiting for run()
//   const size_t t = team.size();  // the threads that will run, the calling one included (1..4)
//   ... barriers, copies and partitions sized by t ...
//   team.run(work);                // work(w) for each w < t, 0 on the calling thread; returns
//                                  // when all have finished (call it once)
// Helpers that cannot be started are left out (size() is smaller, never 0). A Team destroyed
// without run() releases its helpers.
class Team {
 public:
  explicit Team(size_t threads);
  ~Team();
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;
  size_t size() const { return helpers_.size() + 1; }
  void run(const std::function<void(size_t)>& work);

 private:
  struct Gate;
  void release(const std::function<void(size_t)>* work);
  void join();
  std::unique_ptr<Gate> gate_;
  std::vector<std::thread> helpers_;
};

// Tests only: while one lives, the next n thread starts (by Team and run_jobs) succeed and later
// ones fail as if the system refused them.
class ThreadStartLimitForTesting {
 public:
  explicit ThreadStartLimitForTesting(long n);
  ~ThreadStartLimitForTesting();
  ThreadStartLimitForTesting(const ThreadStartLimitForTesting&) = delete;
  ThreadStartLimitForTesting& operator=(const ThreadStartLimitForTesting&) = delete;
};

// Runs work(0) on the calling thread and work(w) for w in [1, helpers] on the kept threads
// (started as needed); returns when all have finished. False, without running anything, when
// the kept threads are in use (a nested or concurrent call).
bool run_on_kept_threads(size_t helpers, const std::function<void(size_t)>& work);

// job(k, worker) for every k in [0, n_jobs), on min(threads, n_jobs) workers (at least one).
template <class Job>
void run_jobs(size_t n_jobs, size_t threads, Job&& job) {
  const size_t workers = std::max<size_t>(1, std::min(threads, n_jobs));
  std::atomic<size_t> next{0};
  auto work = [&](size_t w) {
    for (size_t k = next.fetch_add(1); k < n_jobs; k = next.fetch_add(1)) job(k, w);
  };
  if (workers == 1) return work(0);
  if (run_on_kept_threads(workers - 1, work)) return;
  Team(workers).run(work);
}

// The points [0, n) cut into `parts` equal ranges: range k is [begin(k), begin(k + 1)).
inline size_t range_begin(size_t n, size_t parts, size_t k) { return k * n / parts; }

// The unordered pairs (i, j), i <= j < m, of m parts in rounds whose pairs touch disjoint
// parts, so a round's pairs can run on any threads at once: the diagonal pairs (i, i) as the
// first round, then the circle method of a round-robin tournament (m - 1 or m rounds, a bye
// when m is odd). For a symmetric all-pairs product that updates both parts of a pair.
std::vector<std::vector<std::pair<size_t, size_t>>> disjoint_pair_rounds(size_t m);

}  // namespace embscope

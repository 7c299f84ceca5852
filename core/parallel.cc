// The kept helper threads of run_jobs; see parallel.h.
#include "core/parallel.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <new>
#include <system_error>

namespace embscope {
namespace {

std::atomic<long> thread_start_budget{-1};  // < 0: unlimited

// Starts fn on a new thread appended to `into` (reserved by the caller, so the append cannot
// throw with a started thread in hand). False when the system refuses the thread (its thread
// or memory limit: std::system_error, or std::bad_alloc for the thread's state), or when a
// ThreadStartLimitForTesting's budget is spent, which takes the same path.
bool try_start_thread(std::vector<std::thread>& into, std::function<void()> fn) {
  try {
    for (long left = thread_start_budget.load(); left >= 0;) {
      if (left == 0) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
      if (thread_start_budget.compare_exchange_weak(left, left - 1)) break;
    }
    into.emplace_back(std::move(fn));
    return true;
  } catch (const std::system_error&) {
    return false;
  } catch (const std::bad_alloc&) {
    return false;
  }
}

class KeptThreads {
 public:
  ~KeptThreads() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  bool run(size_t helpers, const std::function<void(size_t)>& work) {
    std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return false;
    {
      std::lock_guard lock(m_);
      threads_.reserve(helpers);
      while (threads_.size() < helpers) {
        const size_t index = threads_.size();
        if (!try_start_thread(threads_, [this, index] { loop(index); })) break;
      }
      helpers = std::min(helpers, threads_.size());  // run on the threads there are
      work_ = &work;
      helpers_ = helpers;
      pending_ = helpers;
      ++generation_;
    }
    wake_.notify_all();
    work(0);
    std::unique_lock lock(m_);
    done_.wait(lock, [&] { return pending_ == 0; });
    work_ = nullptr;
    return true;
  }

 private:
  void loop(size_t index) {
    uint64_t seen = 0;
    std::unique_lock lock(m_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (index >= helpers_) continue;  // not needed this time
      const std::function<void(size_t)>* work = work_;
      lock.unlock();
      (*work)(index + 1);
      lock.lock();
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex busy_;  // held by the one run() in progress
  std::mutex m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  const std::function<void(size_t)>* work_ = nullptr;
  size_t helpers_ = 0, pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

}  // namespace

struct Team::Gate {
  std::mutex m;
  std::condition_variable open;
  bool released = false;
  const std::function<void(size_t)>* work = nullptr;
};

Team::Team(size_t threads) : gate_(std::make_unique<Gate>()) {
  Gate* g = gate_.get();
  helpers_.reserve(threads);
  for (size_t w = 1; w < threads; ++w) {
    const bool started = try_start_thread(helpers_, [g, w] {
      std::unique_lock lock(g->m);
      g->open.wait(lock, [g] { return g->released; });
      const std::function<void(size_t)>* work = g->work;
      lock.unlock();
      if (work) (*work)(w);
    });
    if (!started) break;  // fewer helpers; size() tells the caller
  }
}

void Team::release(const std::function<void(size_t)>* work) {
  {
    std::lock_guard lock(gate_->m);
    if (gate_->released) return;
    gate_->released = true;
    gate_->work = work;
  }
  gate_->open.notify_all();
}

void Team::join() {
  for (auto& t : helpers_)
    if (t.joinable()) t.join();
}

Team::~Team() {
  release(nullptr);
  join();
}

void Team::run(const std::function<void(size_t)>& work) {
  release(&work);
  struct Join {  // also when work(0) throws
    Team& team;
    ~Join() { team.join(); }
  } joined{*this};
  work(0);
}

ThreadStartLimitForTesting::ThreadStartLimitForTesting(long n) { thread_start_budget.store(std::max(n, 0L)); }
ThreadStartLimitForTesting::~ThreadStartLimitForTesting() { thread_start_budget.store(-1); }

bool run_on_kept_threads(size_t helpers, const std::function<void(size_t)>& work) {
  static KeptThreads kept;
  return kept.run(helpers, work);
}

std::vector<std::vector<std::pair<size_t, size_t>>> disjoint_pair_rounds(size_t m) {
  std::vector<std::vector<std::pair<size_t, size_t>>> rounds(1);
  for (size_t i = 0; i < m; ++i) rounds[0].emplace_back(i, i);
  const size_t teams = m + m % 2;  // with a bye when odd
  for (size_t round = 0; round + 1 < teams; ++round) {
    auto& pairs = rounds.emplace_back();
    for (size_t i = 0; i < teams / 2; ++i) {
      const size_t a = i == 0 ? teams - 1 : (round + i) % (teams - 1);
      const size_t b = (round + teams - 1 - i) % (teams - 1);
      if (a < m && b < m) pairs.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  return rounds;
}

}  // namespace embscope

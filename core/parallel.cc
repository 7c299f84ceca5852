// The kept helper threads of run_jobs; see parallel.h.
#include "core/parallel.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace embscope {
namespace {

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
      while (threads_.size() < helpers) {
        const size_t index = threads_.size();
        threads_.emplace_back([this, index] { loop(index); });
      }
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

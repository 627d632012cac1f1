// Running one worker function on several threads at once.
#pragma once

#include <functional>
#include <thread>
#include <vector>

namespace bastion::util {

// Runs `worker` on `n` threads, this one among them, and returns when all
// have returned (at least one runs even when n is 0). The worker must not
// throw: a caller that wants the first error keeps it and rethrows it after.
inline void runOnThreads(unsigned n, const std::function<void()> &worker) {
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; i++)
    threads.emplace_back(worker);
  worker();
  for (auto &t : threads)
    t.join();
}

} // namespace bastion::util

// What copying to or from a binary cache shows: Nix's "copying path 'P'
// to/from 'URL'..." lines, and on a terminal a status line with the paths
// and bytes done and the current path, redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace bastion::store {

class CacheProgress {
public:
  CacheProgress(size_t totalPaths, bool quiet);
  ~CacheProgress();
  void start(const std::string &line, const std::string &path); // one line per path
  void bytes(uint64_t n);                                       // NAR bytes moved
  void done();                                                  // a path finished

private:
  std::mutex m_;
  size_t total_, done_ = 0;
  uint64_t bytes_ = 0;
  bool quiet_, tty_;
  std::string current_;
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
  void draw(bool force);
  void clear();
};

} // namespace bastion::store

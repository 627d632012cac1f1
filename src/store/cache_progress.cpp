#include "store/cache_progress.h"

#include <unistd.h>

#include <cstdio>

namespace bastion::store {

CacheProgress::CacheProgress(size_t totalPaths, bool quiet)
    : total_(totalPaths), quiet_(quiet),
      tty_(isatty(STDERR_FILENO) && getenv("TERM") && std::string(getenv("TERM")) != "dumb") {}

CacheProgress::~CacheProgress() {
  std::lock_guard<std::mutex> lk(m_);
  clear();
}

void CacheProgress::clear() {
  if (shown_)
    fputs("\r\033[K", stderr);
  shown_ = false;
}

void CacheProgress::draw(bool force) {
  if (!tty_ || quiet_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(100))
    return;
  last_ = now;
  clear();
  fprintf(stderr, "[%zu/%zu paths, %.1f MiB] %s", done_, total_, double(bytes_) / (1 << 20),
          current_.substr(0, 60).c_str());
  fflush(stderr);
  shown_ = true;
}

void CacheProgress::start(const std::string &line, const std::string &path) {
  std::lock_guard<std::mutex> lk(m_);
  current_ = path;
  if (!quiet_) {
    clear();
    fprintf(stderr, "%s\n", line.c_str());
  }
  draw(true);
}

void CacheProgress::bytes(uint64_t n) {
  std::lock_guard<std::mutex> lk(m_);
  bytes_ += n;
  draw(false);
}

void CacheProgress::done() {
  std::lock_guard<std::mutex> lk(m_);
  done_++;
  draw(true);
}

} // namespace bastion::store

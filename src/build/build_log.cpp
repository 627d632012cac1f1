#include "build/build_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "store/fs_util.h"
#include "util/error.h"
#include "util/io.h"

namespace bastion::build {

namespace {
constexpr size_t kTailLines = 10; // as many as Nix shows when a build fails

std::string baseName(const std::string &p) { return p.substr(p.rfind('/') + 1); }

// "/nix/store/abc…-hello.drv" -> "hello"
std::string shortName(const std::string &drvPath) {
  std::string b = baseName(drvPath);
  if (b.size() > 33)
    b = b.substr(33);
  if (b.size() > 4 && b.compare(b.size() - 4, 4, ".drv") == 0)
    b.resize(b.size() - 4);
  return b;
}
} // namespace

std::string logPathFor(const std::string &root, const std::string &drvPath) {
  std::string b = baseName(drvPath);
  return root + "/nix/var/log/nix/drvs/" + b.substr(0, 2) + "/" + b.substr(2);
}

BuildLog::BuildLog(const std::string &path, Progress &progress, const std::string &drvPath)
    : progress_(progress), drvPath_(drvPath) {
  store::createDirs(path.substr(0, path.rfind('/')));
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0)
    store::throwSysError("creating log file '" + path + "'");
}

BuildLog::~BuildLog() {
  if (fd_ >= 0)
    close(fd_);
}

void BuildLog::append(const char *data, size_t n) {
  try {
    util::writeFull(fd_, std::string_view(data, n));
  } catch (const util::SysError &) {
    // a full disk must not kill the build; the tail is still kept
  }
  partial_.append(data, n);
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = partial_.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    lines_.push_back("> " + line);
    if (lines_.size() > kTailLines)
      lines_.pop_front();
    progress_.logLine(drvPath_, line);
  }
  partial_.erase(0, start);
}

void BuildLog::status(const std::string &text) { progress_.status(text); }

void BuildLog::finish() {
  if (!partial_.empty())
    append("\n", 1);
}

Progress::Progress(bool quiet, bool showPlan)
    : tty_(isatty(STDERR_FILENO)), quiet_(quiet), showPlan_(showPlan) {}

Progress::~Progress() {
  std::lock_guard<std::mutex> l(mutex_);
  clearStatus();
}

void Progress::plan(const std::vector<std::string> &toBuild) {
  std::lock_guard<std::mutex> l(mutex_);
  total_ = toBuild.size();
  if (toBuild.empty() || !showPlan_)
    return;
  clearStatus();
  std::cerr << (toBuild.size() == 1
                    ? std::string("this derivation will be built:")
                    : "these " + std::to_string(toBuild.size()) + " derivations will be built:")
            << "\n";
  for (auto &d : toBuild)
    std::cerr << "  " << d << "\n";
  redraw();
}

void Progress::started(const std::string &drvPath) {
  std::lock_guard<std::mutex> l(mutex_);
  running_.push_back(drvPath);
  clearStatus();
  std::cerr << "building '" << drvPath << "'...\n";
  redraw();
}

void Progress::finished(const std::string &drvPath, bool ok) {
  std::lock_guard<std::mutex> l(mutex_);
  running_.erase(std::remove(running_.begin(), running_.end(), drvPath), running_.end());
  (ok ? done_ : failed_)++;
  redraw();
}

void Progress::logLine(const std::string &drvPath, const std::string &line) {
  std::lock_guard<std::mutex> l(mutex_);
  lastLine_ = shortName(drvPath) + "> " + line;
  if (quiet_) {
    redraw();
    return;
  }
  clearStatus();
  std::cerr << line << "\n";
  redraw();
}

void Progress::message(const std::string &line) {
  std::lock_guard<std::mutex> l(mutex_);
  clearStatus();
  std::cerr << line << "\n";
  redraw();
}

void Progress::status(const std::string &text) {
  std::lock_guard<std::mutex> l(mutex_);
  // Short, and first after "building NAME": the line is cut at 78 columns.
  lastLine_ = text;
  auto now = std::chrono::steady_clock::now();
  if (now - lastStatus_ < std::chrono::milliseconds(100))
    return;
  lastStatus_ = now;
  redraw();
}

void Progress::clearStatus() {
  if (!statusShown_)
    return;
  std::cerr << "\r\x1b[K" << std::flush;
  statusShown_ = false;
}

void Progress::redraw() {
  if (!tty_ || total_ == 0)
    return;
  clearStatus();
  std::string s = "[" + std::to_string(done_) + "/" + std::to_string(total_) + " built";
  if (failed_)
    s += ", " + std::to_string(failed_) + " failed";
  s += "]";
  if (!running_.empty()) {
    s += " building " + shortName(running_.back());
    if (running_.size() > 1)
      s += " (+" + std::to_string(running_.size() - 1) + ")";
  }
  if (!lastLine_.empty())
    s += ": " + lastLine_;
  // One terminal line: never wrap, or \r would not return to its start.
  if (s.size() > 78)
    s = s.substr(0, 77) + "…";
  std::cerr << s << std::flush;
  statusShown_ = true;
}

} // namespace bastion::build

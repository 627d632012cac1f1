// Build logs and what the user sees while building.
//
// Every build's output is kept in <root>/nix/var/log/nix/drvs/<xx>/<rest>,
// where <xx><rest> is the .drv's base name: the layout Nix uses, so that
// `nix-store --read-log` of either tool finds either tool's logs (Nix also
// reads uncompressed logs, which is what Bastion writes).
//
// On a terminal one status line is redrawn in place (how many builds are
// done, what is running, its last log line); otherwise each event is one
// plain line, and builder output is passed through as Nix's nix-build does.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace bastion::build {

std::string logPathFor(const std::string &root, const std::string &drvPath);

// One build's log: written to its file, with the tail kept for errors.
class BuildLog {
public:
  BuildLog(const std::string &path, class Progress &progress, const std::string &drvPath);
  ~BuildLog();
  void append(const char *data, size_t n);
  void finish(); // flushes a last unterminated line
  // What the build is doing now (a download's bytes), for the status
  // line only: not written to the log.
  void status(const std::string &text);
  // The last `n` lines, each prefixed with "> " as in Nix's error messages.
  std::vector<std::string> tail() const { return {lines_.begin(), lines_.end()}; }

private:
  int fd_ = -1;
  Progress &progress_;
  std::string drvPath_, partial_;
  std::deque<std::string> lines_;
};

class Progress {
public:
  // quiet: builder output is not shown (nix-build -Q); showPlan: list
  // what will be built before starting.
  Progress(bool quiet, bool showPlan = true);
  ~Progress();
  void plan(const std::vector<std::string> &toBuild);
  void started(const std::string &drvPath);
  void finished(const std::string &drvPath, bool ok);
  void logLine(const std::string &drvPath, const std::string &line);
  void message(const std::string &line); // a whole line, above the status line
  // Replaces the status line's last text (what the running build does
  // now); redrawn at most ten times a second (a download calls it for
  // every chunk).
  void status(const std::string &text);

private:
  void redraw();
  void clearStatus();

  std::mutex mutex_;
  bool tty_, quiet_, showPlan_;
  size_t total_ = 0, done_ = 0, failed_ = 0;
  std::vector<std::string> running_;
  std::string lastLine_;
  bool statusShown_ = false;
  std::chrono::steady_clock::time_point lastStatus_{};
};

} // namespace bastion::build

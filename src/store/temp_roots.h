// Temporary garbage-collector roots, with Nix 2.8's protocol so that Nix
// and Bastion processes protect each other's paths:
//
//  * every process that adds or builds paths owns <state>/temproots/<pid>,
//    write-locked (fcntl) for as long as it lives, holding the printed
//    paths it uses, each followed by a NUL byte;
//  * it appends a path while holding <state>/gc.lock shared; a collector
//    holds gc.lock exclusively for its whole run, so a process that cannot
//    get the shared lock hands the path to the collector through the
//    socket <state>/gc-socket/socket instead (one line per path, answered
//    with "1") and the collector keeps it alive;
//  * the collector reads the files of live owners; a file it can lock
//    belongs to a dead process and is removed.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace bastion::store {

class TempRoots {
public:
  explicit TempRoots(std::string stateDir) : stateDir_(std::move(stateDir)) {}
  ~TempRoots();
  TempRoots(const TempRoots &) = delete;
  TempRoots &operator=(const TempRoots &) = delete;

  // Protects `printedPath` from any collector until this process exits.
  void add(const std::string &printedPath);

private:
  std::string stateDir_;
  std::mutex mutex_;
  int fd_ = -1;     // our temproots file
  int gcLock_ = -1; // gc.lock, opened once

  void createFile();
  bool sendToCollector(const std::string &printedPath);
};

// Opens (creating) <state>/gc.lock.
int openGcLock(const std::string &stateDir);

// The temporary roots of live processes other than this one: printed path
// -> "{temp:<pid>}" labels. Removes the files of dead processes.
std::map<std::string, std::set<std::string>> readTempRoots(const std::string &stateDir);

} // namespace bastion::store

// Exclusive per-path locks, compatible with Nix's PathLocks: an fcntl
// write lock on "<real path>.lock", so that a Bastion and a Nix process
// adding the same store path take turns. The lock file is deleted on
// release; a waiter that had already opened it sees it marked stale (Nix
// writes one byte, "d", into a lock file before unlinking it) and retries
// on a fresh file.
#pragma once

#include <memory>
#include <string>

namespace bastion::store {

class PathLock {
public:
  // Blocks until `path` is locked (by this process, too: fcntl locks are
  // per process, so threads are serialised separately).
  explicit PathLock(const std::string &path);
  // The lock if it can be had at once (from another process or thread),
  // else null.
  static std::unique_ptr<PathLock> tryLock(const std::string &path);
  ~PathLock();
  PathLock(const PathLock &) = delete;
  PathLock &operator=(const PathLock &) = delete;

private:
  struct NoWait {};
  PathLock(const std::string &path, NoWait);
  // false: not waiting, and someone else holds it.
  bool acquire(bool wait);

  std::string path_, lockPath_;
  int fd_ = -1;
};

} // namespace bastion::store

// See path_lock.h.
#include "store/path_lock.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <set>

#include "store/fs_util.h"

namespace bastion::store {

namespace {

// Paths locked by some thread of this process. Closing any descriptor of a
// file drops all of the process's fcntl locks on it, so a second thread must
// not even open the lock file while the first holds it.
std::mutex gMutex;
std::condition_variable gReleased;
std::set<std::string> gLocked;

} // namespace

PathLock::PathLock(const std::string &path) : path_(path), lockPath_(path + ".lock") {
  acquire(true);
}

PathLock::PathLock(const std::string &path, NoWait) : path_(path), lockPath_(path + ".lock") {}

std::unique_ptr<PathLock> PathLock::tryLock(const std::string &path) {
  std::unique_ptr<PathLock> lock(new PathLock(path, NoWait{}));
  if (!lock->acquire(false))
    return nullptr;
  return lock;
}

bool PathLock::acquire(bool wait) {
  {
    std::unique_lock<std::mutex> lk(gMutex);
    if (!wait && gLocked.count(path_))
      return false;
    gReleased.wait(lk, [&] { return !gLocked.count(path_); });
    gLocked.insert(path_);
  }
  try {
    for (;;) {
      int fd = ::open(lockPath_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      if (fd < 0)
        throwSysError("opening lock file '" + lockPath_ + "'");
      bool got;
      try {
        got = lockFile(fd, F_WRLCK, wait, "acquiring lock on '" + lockPath_ + "'");
      } catch (...) {
        ::close(fd);
        throw;
      }
      if (!got) {
        // Held by another process: the file is theirs to delete.
        ::close(fd);
        std::lock_guard<std::mutex> lk(gMutex);
        gLocked.erase(path_);
        gReleased.notify_all();
        return false;
      }
      struct stat st;
      if (::fstat(fd, &st) != 0) {
        int err = errno;
        ::close(fd);
        errno = err;
        throwSysError("getting status of '" + lockPath_ + "'");
      }
      // Non-empty: its holder deleted it after we opened it; the
      // live lock file (if any) is a new one.
      if (st.st_size != 0) {
        ::close(fd);
        continue;
      }
      fd_ = fd;
      return true;
    }
  } catch (...) {
    std::lock_guard<std::mutex> lk(gMutex);
    gLocked.erase(path_);
    gReleased.notify_all();
    throw;
  }
}

PathLock::~PathLock() {
  if (fd_ < 0)
    return; // a failed tryLock
  // Unlink first, then mark stale, as Nix's deleteLockFile: anyone who
  // opened the old file before the unlink will see the mark and retry.
  ::unlink(lockPath_.c_str());
  ssize_t w = ::write(fd_, "d", 1);
  (void)w;
  ::close(fd_);
  std::lock_guard<std::mutex> lk(gMutex);
  gLocked.erase(path_);
  gReleased.notify_all();
}

} // namespace bastion::store

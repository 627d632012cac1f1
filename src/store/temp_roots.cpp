// See temp_roots.h; the file handling follows Nix 2.8's
// createTempRootsFile, addTempRoot and findTempRoots (libstore/gc.cc).
#include "store/temp_roots.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/fs_util.h"
#include "store/store.h"
#include "util/io.h"

namespace bastion::store {

namespace {

void writeAll(int fd, std::string_view data, const std::string &what) {
  util::writeFull(fd, data, "writing to " + what);
}

std::string readAll(int fd) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

} // namespace

int openGcLock(const std::string &stateDir) {
  std::string path = stateDir + "/gc.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    throwSysError("opening global GC lock '" + path + "'");
  return fd;
}

TempRoots::~TempRoots() {
  // Nix leaves the file for the next collector to find stale; removing
  // it here saves that collector the work.
  if (fd_ >= 0) {
    ::unlink((stateDir_ + "/temproots/" + std::to_string(::getpid())).c_str());
    ::close(fd_);
  }
  if (gcLock_ >= 0)
    ::close(gcLock_);
}

void TempRoots::createFile() {
  std::string path = stateDir_ + "/temproots/" + std::to_string(::getpid());
  createDirs(stateDir_ + "/temproots");
  for (;;) {
    // A file with our pid must be a dead process's: pids are unique.
    if (pathExists(path))
      ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
      throwSysError("opening temporary roots file '" + path + "'");
    lockFile(fd, F_WRLCK, true);
    struct stat st;
    if (::fstat(fd, &st) != 0)
      throwSysError("getting status of '" + path + "'");
    // A collector that found the file stale before we locked it wrote
    // "d" into it and unlinked it: start again with a new one.
    if (st.st_size == 0) {
      fd_ = fd;
      return;
    }
    ::close(fd);
  }
}

bool TempRoots::sendToCollector(const std::string &printedPath) {
  std::string socketPath = stateDir_ + "/gc-socket/socket";
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throwSysError("creating Unix domain socket");
  struct sockaddr_un addr {};
  addr.sun_family = AF_UNIX;
  if (socketPath.size() >= sizeof addr.sun_path) {
    ::close(fd);
    return false; // unreachable by name; wait for the lock instead
  }
  std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
  if (::connect(fd, reinterpret_cast<struct sockaddr *>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return false; // the collector has finished (or serves no socket)
  }
  char reply = 0;
  bool ok = false;
  try {
    writeAll(fd, printedPath + "\n", "the garbage collector");
    ok = ::read(fd, &reply, 1) == 1 && reply == '1';
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return ok;
}

void TempRoots::add(const std::string &printedPath) {
  std::lock_guard<std::mutex> lk(mutex_);
  if (fd_ < 0)
    createFile();
  if (gcLock_ < 0)
    gcLock_ = openGcLock(stateDir_);
  // Either the collector is not running (we hold gc.lock shared while we
  // write, so it cannot start reading the files half-way) or it is, and
  // it must hear of the path from us directly.
  if (!lockFile(gcLock_, F_RDLCK, false) && !sendToCollector(printedPath))
    lockFile(gcLock_, F_RDLCK, true); // a collector without a socket: wait it out
  try {
    writeAll(fd_, printedPath + std::string(1, '\0'), "the temporary roots file");
  } catch (...) {
    lockFile(gcLock_, F_UNLCK, true);
    throw;
  }
  lockFile(gcLock_, F_UNLCK, true);
}

std::map<std::string, std::set<std::string>> readTempRoots(const std::string &stateDir) {
  std::map<std::string, std::set<std::string>> roots;
  std::string dir = stateDir + "/temproots";
  DIR *d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT)
      return roots;
    throwSysError("opening directory '" + dir + "'");
  }
  std::vector<std::string> names;
  while (struct dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.')
      continue; // Nix ignores hidden files
    names.push_back(name);
  }
  ::closedir(d);

  std::string self = std::to_string(::getpid());
  for (const std::string &name : names) {
    // fcntl locks never conflict within a process, so our own file
    // would look stale; its paths are ours to protect anyway.
    if (name == self)
      continue;
    std::string path = dir + "/" + name;
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT)
        continue;
      throwSysError("opening temporary roots file '" + path + "'");
    }
    if (lockFile(fd, F_WRLCK, false)) {
      // Its owner is gone: mark it for an owner-to-be that opened it
      // just now (see TempRoots::createFile) and remove it.
      ::unlink(path.c_str());
      try {
        writeAll(fd, "d", path);
      } catch (const util::SysError &) {
      }
      ::close(fd);
      continue;
    }
    std::string contents = readAll(fd);
    ::close(fd);
    for (size_t pos = 0, end; (end = contents.find('\0', pos)) != std::string::npos; pos = end + 1)
      roots[contents.substr(pos, end - pos)].insert("{temp:" + name + "}");
  }
  return roots;
}

} // namespace bastion::store

// See fs_util.h.
#include "store/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "store/store.h"
#include "util/fd.h"
#include "util/io.h"

namespace bastion::store {

bool pathExists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

void createDirs(const std::string &path) {
  if (path.empty() || path == "/")
    return;
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return;
    // A symlink to a directory is fine too (stat follows it).
    if (S_ISLNK(st.st_mode) && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return;
    errno = ENOTDIR;
    throwSysError("creating directory '" + path + "'");
  }
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    createDirs(path.substr(0, slash));
  if (::mkdir(path.c_str(), 0777) != 0 && errno != EEXIST)
    throwSysError("creating directory '" + path + "'");
}

namespace {

// The entries of an open directory but "." and "..", in readdir order.
std::vector<std::string> namesIn(DIR *dir) {
  std::vector<std::string> names;
  while (struct dirent *e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..")
      names.emplace_back(n);
  }
  return names;
}

} // namespace

void writeNewFile(const std::string &path, std::string_view data) {
  util::Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd)
    throwSysError("creating file '" + path + "'", path);
  util::writeFull(fd.get(), data, "writing to file '" + path + "'");
  if (::fsync(fd.get()) != 0)
    throwSysError("syncing file '" + path + "'", path);
  fd.close(("writing to file '" + path + "'").c_str());
}

std::string readFile(const std::string &path) {
  util::Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd)
    throwSysError("opening file '" + path + "'", path);
  return util::readAll(fd.get(), "reading file '" + path + "'");
}

void syncPath(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    throwSysError("opening '" + path + "' to sync it");
  int r = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot fsync directories; that is not our problem.
  if (r != 0 && err != EINVAL && err != EROFS) {
    errno = err;
    throwSysError("syncing '" + path + "'");
  }
}

void renamePath(const std::string &from, const std::string &to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throwSysError("renaming '" + from + "' to '" + to + "'");
}

void movePath(const std::string &from, const std::string &to) {
  struct stat st;
  if (::lstat(from.c_str(), &st) != 0)
    throwSysError("getting status of '" + from + "'");
  bool changePerm = ::geteuid() != 0 && S_ISDIR(st.st_mode) && !(st.st_mode & S_IWUSR);
  if (changePerm && ::chmod(from.c_str(), (st.st_mode | S_IWUSR) & 07777) != 0)
    throwSysError("making '" + from + "' writable");
  renamePath(from, to);
  if (changePerm && ::chmod(to.c_str(), st.st_mode & 07777) != 0)
    throwSysError("restoring the permissions of '" + to + "'");
}

std::vector<std::string> readDirNames(const std::string &dir) {
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    throwSysError("opening directory '" + dir + "'");
  std::vector<std::string> names = namesIn(d);
  ::closedir(d);
  return names;
}

void deleteContents(const std::string &dir) {
  for (const std::string &n : readDirNames(dir))
    deletePath(dir + "/" + n);
}

int lockDirectory(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throwSysError("opening directory '" + dir + "'");
  if (::flock(fd, LOCK_EX) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    throwSysError("locking directory '" + dir + "'");
  }
  return fd;
}

bool directoryInUse(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool busy = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return busy;
}

bool lockFile(int fd, short type, bool wait, const std::string &what) {
  struct flock lk {};
  lk.l_type = type;
  lk.l_whence = SEEK_SET;
  while (::fcntl(fd, wait ? F_SETLKW : F_SETLK, &lk) != 0) {
    if (errno == EINTR)
      continue;
    if (!wait && (errno == EACCES || errno == EAGAIN))
      return false;
    throwSysError(what);
  }
  return true;
}

} // namespace bastion::store

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

namespace bastion::store {

void throwSysError(const std::string &what) {
  throw StoreError(what + ": " + std::strerror(errno));
}

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

void deleteAt(int dirfd, const char *name, const std::string &shown) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT)
      return;
    throwSysError("getting status of '" + shown + "'");
  }
  if (S_ISDIR(st.st_mode)) {
    // Store directories are read-only: make this one writable first.
    if ((st.st_mode & 0700) != 0700 && ::fchmodat(dirfd, name, st.st_mode | 0700, 0) != 0)
      throwSysError("making '" + shown + "' writable");
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      throwSysError("opening directory '" + shown + "'");
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
      ::close(fd);
      throwSysError("opening directory '" + shown + "'");
    }
    std::vector<std::string> names = namesIn(dir);
    try {
      for (const std::string &n : names)
        deleteAt(::dirfd(dir), n.c_str(), shown + "/" + n);
    } catch (...) {
      ::closedir(dir);
      throw;
    }
    ::closedir(dir);
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
      throwSysError("removing directory '" + shown + "'");
  } else if (::unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
    throwSysError("removing '" + shown + "'");
  }
}

} // namespace

void deletePath(const std::string &path) { deleteAt(AT_FDCWD, path.c_str(), path); }

void writeNewFile(const std::string &path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    throwSysError("creating file '" + path + "'");
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      errno = err;
      throwSysError("writing to file '" + path + "'");
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    throwSysError("syncing file '" + path + "'");
  }
  if (::close(fd) != 0)
    throwSysError("writing to file '" + path + "'");
}

std::string readFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throwSysError("opening file '" + path + "'");
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      int err = errno;
      ::close(fd);
      errno = err;
      throwSysError("reading file '" + path + "'");
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
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

std::string absolutePath(const std::string &path) {
  if (!path.empty() && path[0] == '/')
    return absolutePath(path, "/");
  std::vector<char> buf(4096);
  while (!::getcwd(buf.data(), buf.size())) {
    if (errno != ERANGE)
      throwSysError("getting the current directory");
    buf.resize(buf.size() * 2);
  }
  return absolutePath(path, buf.data());
}

std::string absolutePath(const std::string &path, const std::string &dir) {
  std::string full = path;
  if (full.empty() || full[0] != '/')
    full = dir + "/" + path;
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < full.size()) {
    size_t j = full.find('/', i);
    if (j == std::string::npos)
      j = full.size();
    std::string part = full.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty())
        parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const std::string &p : parts)
    out += "/" + p;
  return out.empty() ? "/" : out;
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

std::string createTempDir(const std::string &prefix, const std::string &what) {
  const char *tmp = ::getenv("TMPDIR");
  return createTempDirIn(tmp && *tmp ? tmp : "/tmp", prefix, what);
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

std::string createTempDirIn(const std::string &parent, const std::string &prefix,
                            const std::string &what) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  if (!::mkdtemp(buf.data()))
    throwSysError("creating " + what + " in '" + tmpl + "'");
  return buf.data();
}

TempDir::~TempDir() {
  try {
    deletePath(path);
  } catch (std::exception &) {
  }
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

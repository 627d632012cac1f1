// deletePath (file.h): rm -rf relative to directory descriptors, so a
// symlink swapped in for a directory half-way is removed, not followed.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/file.h"

namespace bastion::util {
namespace {

void deleteAt(int dirfd, const char *name, const std::string &shown) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT)
      return;
    throwSysError("getting status of '" + shown + "'", shown);
  }
  if (S_ISDIR(st.st_mode)) {
    // Store directories are read-only: make this one writable first.
    if ((st.st_mode & 0700) != 0700 && ::fchmodat(dirfd, name, st.st_mode | 0700, 0) != 0)
      throwSysError("making '" + shown + "' writable", shown);
    int fd = ::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
      throwSysError("opening directory '" + shown + "'", shown);
    DIR *dir = ::fdopendir(fd);
    if (!dir) {
      ::close(fd);
      throwSysError("opening directory '" + shown + "'", shown);
    }
    std::vector<std::string> names;
    while (struct dirent *e = ::readdir(dir)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..")
        names.emplace_back(n);
    }
    try {
      for (const std::string &n : names)
        deleteAt(::dirfd(dir), n.c_str(), shown + "/" + n);
    } catch (...) {
      ::closedir(dir);
      throw;
    }
    ::closedir(dir);
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
      throwSysError("removing directory '" + shown + "'", shown);
  } else if (::unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
    throwSysError("removing '" + shown + "'", shown);
  }
}

} // namespace

void deletePath(const std::string &path) { deleteAt(AT_FDCWD, path.c_str(), path); }

} // namespace bastion::util

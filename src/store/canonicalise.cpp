// See canonicalise.h. Follows Nix 2.8's canonicalisePathMetaData_.
#include "store/canonicalise.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>
#include <vector>

#include "store/fs_util.h"

namespace bastion::store {

namespace {

constexpr time_t kMtimeStore = 1;

// Extended attributes cannot be represented in a NAR, so Nix drops them,
// except ones the kernel or an LSM insists on.
void removeXattrs(const std::string &path) {
  ssize_t size = ::llistxattr(path.c_str(), nullptr, 0);
  if (size < 0) {
    if (errno == ENOTSUP || errno == ENODATA)
      return;
    throwSysError("querying extended attributes of '" + path + "'");
  }
  if (size == 0)
    return;
  std::vector<char> names(static_cast<size_t>(size));
  size = ::llistxattr(path.c_str(), names.data(), names.size());
  if (size < 0)
    throwSysError("querying extended attributes of '" + path + "'");
  for (size_t i = 0; i < static_cast<size_t>(size);) {
    std::string name(names.data() + i);
    i += name.size() + 1;
    if (name == "security.selinux" || name == "system.nfs4_acl" || name == "security.csm")
      continue;
    if (::lremovexattr(path.c_str(), name.c_str()) != 0)
      throwSysError("removing extended attribute '" + name + "' from '" + path + "'");
  }
}

void canonicalise(const std::string &path, bool sync) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    throwSysError("getting status of '" + path + "'");

  if (S_ISDIR(st.st_mode)) {
    DIR *dir = ::opendir(path.c_str());
    if (!dir)
      throwSysError("opening directory '" + path + "'");
    std::vector<std::string> names;
    while (struct dirent *ent = ::readdir(dir)) {
      std::string_view n = ent->d_name;
      if (n != "." && n != "..")
        names.emplace_back(n);
    }
    ::closedir(dir);
    for (const std::string &n : names)
      canonicalise(path + "/" + n, sync);
  }

  removeXattrs(path);

  if (!S_ISLNK(st.st_mode)) {
    mode_t mode = st.st_mode & ~S_IFMT;
    if (mode != 0444 && mode != 0555) {
      mode = 0444 | ((st.st_mode & S_IXUSR) ? 0111 : 0);
      if (::chmod(path.c_str(), mode) != 0)
        throwSysError("changing mode of '" + path + "' to " + std::to_string(mode));
    }
  }

  // Only root can give files away; anyone else owns what they created.
  if (st.st_uid != ::geteuid() && ::geteuid() == 0 &&
      ::lchown(path.c_str(), ::geteuid(), ::getegid()) != 0)
    throwSysError("changing owner of '" + path + "'");

  if (st.st_mtime != kMtimeStore) {
    struct timespec times[2];
    times[0] = st.st_atim;
    times[1].tv_sec = kMtimeStore;
    times[1].tv_nsec = 0;
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
      throwSysError("changing modification time of '" + path + "'");
  }

  if (sync && !S_ISLNK(st.st_mode))
    syncPath(path);
}

} // namespace

void canonicalisePathMetaData(const std::string &path, bool sync) { canonicalise(path, sync); }

} // namespace bastion::store

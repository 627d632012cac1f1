// See file.h.
#include "util/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/error.h"
#include "util/path.h"

namespace bastion::util {

std::string readLink(const std::string &path) {
  // Start from the size lstat reports (procfs links report 0), and grow
  // while the buffer fills: readlink(2) truncates silently.
  struct stat st;
  size_t size = ::lstat(path.c_str(), &st) == 0 && st.st_size > 0 ? size_t(st.st_size) + 1 : 256;
  std::vector<char> buf(size);
  for (;;) {
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0)
      throwSysError("reading symbolic link '" + path + "'", path);
    if (static_cast<size_t>(n) < buf.size())
      return std::string(buf.data(), static_cast<size_t>(n));
    buf.resize(buf.size() * 2);
  }
}

void createSymlink(const std::string &target, const std::string &link) {
  if (::symlink(target.c_str(), link.c_str()) != 0)
    throwSysError("creating symlink from '" + link + "' to '" + target + "'", link);
}

void replaceSymlink(const std::string &target, const std::string &link) {
  // Nix's temporary name: ".<n>_<name>" beside the link; a leftover of a
  // process that died between symlink and rename only moves n on.
  for (unsigned n = 0;; n++) {
    std::string tmp = canonPath(dirOf(link) + "/." + std::to_string(n) + "_" + baseNameOf(link));
    if (::symlink(target.c_str(), tmp.c_str()) != 0) {
      if (errno == EEXIST)
        continue;
      throwSysError("creating symlink from '" + tmp + "' to '" + target + "'", tmp);
    }
    if (::rename(tmp.c_str(), link.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      throw SysError("renaming '" + tmp + "' to '" + link + "'", err, link);
    }
    return;
  }
}

} // namespace bastion::util

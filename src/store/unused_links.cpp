// See unused_links.h; Nix 2.8's LocalStore::removeUnusedLinks.
#include "store/unused_links.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

#include "store/fs_util.h"

namespace bastion::store {

void removeUnusedLinks(LocalStore &store, const GcLog &log) {
  std::string linksDir = store.realStoreDir() + "/.links";
  std::vector<std::string> names;
  try {
    names = readDirNames(linksDir);
  } catch (const util::SysError &e) {
    if (e.errNo == ENOENT) // never optimised: nothing to remove
      return;
    throw;
  }

  int64_t actualSize = 0, unsharedSize = 0;
  for (const std::string &name : names) {
    std::string path = linksDir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      throwSysError("getting status of '" + path + "'");
    if (st.st_nlink != 1) {
      actualSize += st.st_size;
      unsharedSize += static_cast<int64_t>(st.st_nlink - 1) * st.st_size;
      continue;
    }
    if (::unlink(path.c_str()) != 0)
      throwSysError("deleting '" + path + "'");
  }
  struct stat st;
  if (::stat(linksDir.c_str(), &st) != 0)
    throwSysError("getting status of '" + linksDir + "'");
  int64_t overhead = static_cast<int64_t>(st.st_blocks) * 512;
  char buf[96];
  std::snprintf(buf, sizeof buf, "note: currently hard linking saves %.2f MiB",
                static_cast<double>(unsharedSize - actualSize - overhead) / (1024.0 * 1024.0));
  log(buf);
}

} // namespace bastion::store

// See gc_roots.h. Follows LocalFSStore::addPermRoot and
// LocalStore::addIndirectRoot of Nix 2.8.
#include "store/gc_roots.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "format/hash.h"
#include "store/fs_util.h"
#include "util/file.h"
#include "util/path.h"

namespace bastion::store {

namespace {

bool inStore(const LocalStore &store, const std::string &path) {
  const std::string &dir = store.storeDir();
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

} // namespace

std::string addPermRoot(LocalStore &store, const StorePath &path, const std::string &gcRootIn) {
  if (store.readOnly())
    throw StoreError("cannot add a garbage collector root to a read-only store");
  std::string gcRoot = util::absPath(gcRootIn);
  std::string realStore = store.root() + store.storeDir();
  if (inStore(store, gcRoot) ||
      (gcRoot.size() > realStore.size() && gcRoot.compare(0, realStore.size(), realStore) == 0 &&
       gcRoot[realStore.size()] == '/'))
    throw StoreError("creating a garbage collector root (" + gcRoot +
                     ") in the Nix store is forbidden (are you running nix-build inside the "
                     "store?)");

  // Don't clobber anything but an old link into the store.
  struct stat st;
  if (::lstat(gcRoot.c_str(), &st) == 0 &&
      (!S_ISLNK(st.st_mode) || !inStore(store, util::readLink(gcRoot))))
    throw StoreError("cannot create symlink '" + gcRoot + "'; already exists");
  util::replaceSymlink(store.printStorePath(path), gcRoot);

  std::string autoDir = store.root() + "/nix/var/nix/gcroots/auto";
  createDirs(autoDir);
  std::string hash =
      format::hashString(format::HashAlgo::SHA1, gcRoot).to(format::HashFormat::Nix32, false);
  util::replaceSymlink(gcRoot, autoDir + "/" + hash);
  return gcRoot;
}

} // namespace bastion::store

// See gc_roots.h. Follows LocalFSStore::addPermRoot and
// LocalStore::addIndirectRoot of Nix 2.8.
#include "store/gc_roots.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "format/hash.h"
#include "store/fs_util.h"

namespace bastion::store {

namespace {

bool inStore(const LocalStore &store, const std::string &path) {
  const std::string &dir = store.storeDir();
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

std::string readLink(const std::string &path) {
  std::vector<char> buf(4096);
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
  if (n < 0)
    throwSysError("reading symbolic link '" + path + "'");
  return std::string(buf.data(), static_cast<size_t>(n));
}

// Creates or atomically replaces the symlink `link` -> `target`.
void makeSymlink(const std::string &link, const std::string &target) {
  std::string tmp = link + ".tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0)
    throwSysError("creating symlink '" + tmp + "' to '" + target + "'");
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    throwSysError("moving symlink '" + tmp + "' to '" + link + "'");
  }
}

} // namespace

std::string addPermRoot(LocalStore &store, const StorePath &path, const std::string &gcRootIn) {
  if (store.readOnly())
    throw StoreError("cannot add a garbage collector root to a read-only store");
  std::string gcRoot = absolutePath(gcRootIn);
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
      (!S_ISLNK(st.st_mode) || !inStore(store, readLink(gcRoot))))
    throw StoreError("cannot create symlink '" + gcRoot + "'; already exists");
  makeSymlink(gcRoot, store.printStorePath(path));

  std::string autoDir = store.root() + "/nix/var/nix/gcroots/auto";
  createDirs(autoDir);
  std::string hash =
      format::hashString(format::HashAlgo::SHA1, gcRoot).to(format::HashFormat::Nix32, false);
  makeSymlink(autoDir + "/" + hash, gcRoot);
  return gcRoot;
}

} // namespace bastion::store

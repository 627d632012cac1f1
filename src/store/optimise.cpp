// See optimise.h; the steps and checks are Nix 2.8's optimisePath_
// (libstore/optimise-store.cc).
#include "store/optimise.h"
#include "store/nar_fs.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <set>
#include <vector>

#include "format/nar.h"
#include "store/fs_util.h"

namespace bastion::store {

namespace {

class Optimiser {
public:
  Optimiser(LocalStore &store, const GcLog &log)
      : store_(store), log_(log), linksDir_(store.realStoreDir() + "/.links") {}

  OptimiseStats run() {
    createDirs(linksDir_);
    loadInodes();
    for (const StorePath &p : store_.queryAllValidPaths()) {
      // Protects the path from a collector running meanwhile.
      store_.addTempRoot(p);
      if (!store_.isValidPath(p))
        continue;
      optimisePath(store_.realPath(p));
    }
    return stats_;
  }

private:
  LocalStore &store_;
  const GcLog &log_;
  std::string linksDir_;
  std::set<ino_t> linkedInodes_; // inodes of .links entries
  OptimiseStats stats_;
  std::mt19937 random_{std::random_device{}()};

  std::vector<std::string> listDir(const std::string &dir, bool skipLinked) {
    std::vector<std::string> names;
    DIR *d = ::opendir(dir.c_str());
    if (!d)
      throwSysError("opening directory '" + dir + "'");
    while (struct dirent *e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..")
        continue;
      if (skipLinked && linkedInodes_.count(e->d_ino))
        continue; // already shared
      names.push_back(n);
    }
    ::closedir(d);
    return names;
  }

  void loadInodes() {
    for (const std::string &n : listDir(linksDir_, false)) {
      struct stat st;
      if (::lstat((linksDir_ + "/" + n).c_str(), &st) == 0)
        linkedInodes_.insert(st.st_ino);
    }
  }

  static struct stat lstatOf(const std::string &path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      throwSysError("getting status of '" + path + "'");
    return st;
  }

  void optimisePath(const std::string &path) {
    struct stat st = lstatOf(path);
    if (S_ISDIR(st.st_mode)) {
      for (const std::string &n : listDir(path, true))
        optimisePath(path + "/" + n);
      return;
    }
    if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
      return;
    // Something changed this file after it was registered: leave it.
    if (S_ISREG(st.st_mode) && (st.st_mode & S_IWUSR)) {
      log_("warning: skipping suspicious writable file '" + path + "'");
      return;
    }
    if (st.st_nlink > 1 && linkedInodes_.count(st.st_ino))
      return;

    Hash hash = store::hashPath(HashAlgo::SHA256, path);
    std::string linkPath = linksDir_ + "/" + hash.to(format::HashFormat::Nix32, false);

    for (;;) {
      if (!pathExists(linkPath)) {
        if (::link(path.c_str(), linkPath.c_str()) == 0) {
          linkedInodes_.insert(st.st_ino);
          return;
        }
        if (errno == ENOSPC) {
          // A full directory index (ext4): this file stays unshared.
          log_("cannot link '" + linkPath + "' to '" + path + "': No space left on device");
          return;
        }
        if (errno != EEXIST)
          throwSysError("cannot link '" + linkPath + "' to '" + path + "'");
      }
      struct stat stLink = lstatOf(linkPath);
      if (st.st_ino == stLink.st_ino)
        return; // already linked
      if (st.st_size != stLink.st_size) {
        log_("warning: removing corrupted link '" + linkPath + "'");
        log_("warning: There may be more corrupted paths.\nYou should run `nix-store "
             "--verify --check-contents --repair` to fix them all");
        ::unlink(linkPath.c_str());
        continue;
      }
      break;
    }
    replaceWithLink(path, linkPath, st);
  }

  // Atomically replaces `path` with a hard link to `linkPath`: a link
  // under a temporary name, renamed over it.
  void replaceWithLink(const std::string &path, const std::string &linkPath,
                       const struct stat &st) {
    std::string dir = path.substr(0, path.rfind('/'));
    // The store directory itself stays as it is; an object's own
    // directory is made writable for the rename and restored after.
    bool toggle = dir != store_.realStoreDir();
    struct stat dirSt {};
    if (toggle) {
      dirSt = lstatOf(dir);
      if (::chmod(dir.c_str(), dirSt.st_mode | S_IWUSR) != 0)
        throwSysError("making '" + dir + "' writable");
    }
    auto restore = [&] {
      if (!toggle)
        return;
      ::chmod(dir.c_str(), dirSt.st_mode & 07777);
      struct timeval times[2] = {{1, 0}, {1, 0}}; // canonical mtime, as Nix resets it
      ::lutimes(dir.c_str(), times);
    };
    std::string tmp = store_.realStoreDir() + "/.tmp-link-" + std::to_string(::getpid()) + "-" +
                      std::to_string(random_());
    if (::link(linkPath.c_str(), tmp.c_str()) != 0) {
      int err = errno;
      restore();
      if (err == EMLINK) { // too many links to one inode: leave this copy
        if (st.st_size)
          log_("'" + linkPath + "' has maximum number of links");
        return;
      }
      errno = err;
      throwSysError("cannot link '" + tmp + "' to '" + linkPath + "'");
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      restore();
      if (err == EMLINK)
        return;
      errno = err;
      throwSysError("renaming '" + tmp + "' to '" + path + "'");
    }
    restore();
    stats_.filesLinked++;
    stats_.bytesFreed += static_cast<uint64_t>(st.st_size);
  }
};

} // namespace

OptimiseStats optimiseStore(LocalStore &store, const GcLog &log) {
  if (store.readOnly())
    throw StoreError("cannot optimise a read-only store");
  return Optimiser(store, log).run();
}

} // namespace bastion::store

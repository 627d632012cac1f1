// See verify.h; Nix 2.8's verifyStore and verifyPath (libstore/
// local-store.cc), including their messages.
#include "store/verify.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "format/nar.h"
#include "store/fs_util.h"
#include "store/temp_roots.h"
#include "util/fd.h"

namespace bastion::store {

namespace {

struct Verifier {
  LocalStore &store;
  bool repair;
  const GcLog &log;
  const GcLog &error;
  std::set<std::string> present; // names in the store directory
  std::set<StorePath> done, valid;
  bool errors = false;

  void cannotRepair(const StorePath &path) {
    error("error: cannot repair path '" + store.printStorePath(path) + "'");
    errors = true;
  }

  void verifyPath(const StorePath &path) {
    if (!done.insert(path).second)
      return;
    if (present.count(path.baseName())) {
      valid.insert(path);
      return;
    }
    // Referrers first: if they can all be forgotten, so can this path.
    bool canInvalidate = true;
    for (const StorePath &r : store.queryReferrers(path)) {
      if (r == path)
        continue;
      verifyPath(r);
      if (valid.count(r))
        canInvalidate = false;
    }
    std::string printed = store.printStorePath(path);
    if (canInvalidate) {
      log("path '" + printed + "' disappeared, removing from database...");
      store.invalidatePath(path);
    } else {
      error("path '" + printed + "' disappeared, but it still has valid referrers!");
      if (repair)
        cannotRepair(path);
      else
        errors = true;
    }
  }
};

// Each .links entry is named after the hash of its own NAR (optimise.h).
void checkLinks(LocalStore &store, bool repair, const GcLog &log, const GcLog &error,
                bool &errors) {
  std::string linksDir = store.realStoreDir() + "/.links";
  DIR *d = ::opendir(linksDir.c_str());
  if (!d)
    return;
  std::set<std::string> names;
  while (struct dirent *e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..")
      names.insert(n);
  }
  ::closedir(d);
  for (const std::string &name : names) {
    std::string linkPath = linksDir + "/" + name;
    std::string hash =
        format::hashPath(HashAlgo::SHA256, linkPath).to(format::HashFormat::Nix32, false);
    if (hash == name)
      continue;
    error("link '" + linkPath + "' was modified! expected hash '" + name + "', got '" + hash + "'");
    if (!repair) {
      errors = true;
    } else if (::unlink(linkPath.c_str()) == 0) {
      log("removed link '" + linkPath + "'");
    } else {
      throwSysError("removing corrupt link '" + linkPath + "'");
    }
  }
}

Hash narHashOf(LocalStore &store, const StorePath &path, uint64_t *size) {
  return format::hashPath(HashAlgo::SHA256, store.realPath(path), size);
}

} // namespace

bool verifyPathContents(LocalStore &store, const StorePath &path, const GcLog &error) {
  std::optional<ValidPathInfo> info = store.queryPathInfo(path);
  if (!info)
    throw StoreError("path '" + store.printStorePath(path) + "' is not valid");
  Hash current = narHashOf(store, path, nullptr);
  if (current == info->narHash)
    return true;
  error("path '" + store.printStorePath(path) + "' was modified! expected hash '" +
        info->narHash.to(format::HashFormat::Nix32, true) + "', got '" +
        current.to(format::HashFormat::Nix32, true) + "'");
  return false;
}

bool verifyStore(LocalStore &store, bool checkContents, bool repair, const GcLog &log,
                 const GcLog &error) {
  log("reading the Nix store...");
  // A collector holds gc.lock exclusively: wait for a consistent view.
  util::Fd lock(openGcLock(store.stateDir()));
  int gcLock = lock.get();
  if (!lockFile(gcLock, F_RDLCK, false)) {
    log("waiting for the big garbage collector lock...");
    lockFile(gcLock, F_RDLCK, true);
  }

  Verifier v{store, repair, log, error, {}, {}, {}};
  DIR *d = ::opendir(store.realStoreDir().c_str());
  if (!d)
    throwSysError("opening directory '" + store.realStoreDir() + "'");
  while (struct dirent *e = ::readdir(d))
    v.present.insert(e->d_name);
  ::closedir(d);

  log("checking path existence...");
  for (const StorePath &p : store.queryAllValidPaths())
    v.verifyPath(p);

  if (checkContents) {
    log("checking link hashes...");
    checkLinks(store, repair, log, error, v.errors);
    log("checking store hashes...");
    for (const StorePath &p : v.valid) {
      try {
        std::optional<ValidPathInfo> info = store.queryPathInfo(p);
        if (!info)
          continue; // collected meanwhile
        uint64_t size = 0;
        Hash current = narHashOf(store, p, &size);
        if (current != info->narHash) {
          error("path '" + store.printStorePath(p) + "' was modified! expected hash '" +
                info->narHash.to(format::HashFormat::Nix32, true) + "', got '" +
                current.to(format::HashFormat::Nix32, true) + "'");
          if (repair)
            v.cannotRepair(p);
          else
            v.errors = true;
        } else if (info->narSize == 0) {
          // Old stores lack sizes; fill them in as Nix does.
          log("updating size field on '" + store.printStorePath(p) + "' to " +
              std::to_string(size));
          store.updateNarInfo(p, current, size);
        }
      } catch (const std::exception &e) {
        error(std::string("error: ") + e.what());
        v.errors = true;
      }
    }
  }
  return v.errors;
}

} // namespace bastion::store

// See gc.h. The traversal is Nix 2.8's deleteReferrersClosure (libstore/
// gc.cc), so that the same paths are found live and dead and the same
// messages printed.
#include "store/gc.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "store/closure.h"
#include "store/fs_util.h"
#include "store/gc_socket.h"
#include "store/temp_roots.h"
#include "store/unused_links.h"
#include "util/fd.h"

namespace bastion::store {

namespace {

struct LimitReached {};

// Bytes Nix counts as freed by deleting `path`: the sizes of files and
// symlinks that have no other hard link (those shared with .links are
// freed only when the link goes).
uint64_t freedBytes(const std::string &path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0)
    return 0;
  if (!S_ISDIR(st.st_mode))
    return st.st_nlink == 1 ? static_cast<uint64_t>(st.st_size) : 0;
  uint64_t total = 0;
  std::vector<std::string> names;
  try {
    names = readDirNames(path);
  } catch (const std::exception &) {
    return total; // unreadable: counts as nothing, as before
  }
  for (const std::string &n : names)
    total += freedBytes(path + "/" + n);
  return total;
}

// Everything the collector shares with the temporary-root server thread.
struct Shared {
  std::mutex mutex;
  std::condition_variable wakeup;
  std::set<std::string> tempRoots;    // hash parts
  std::optional<std::string> pending; // hash part being deleted
};

class Collector {
public:
  Collector(LocalStore &store, const GcOptions &options, GcResults &results, const GcLog &log)
      : store_(store), options_(options), results_(results), log_(log) {
    shouldDelete_ = options.action == GcOptions::Action::DeleteDead ||
                    options.action == GcOptions::Action::DeleteSpecific;
    keepOutputs_ = options.keepOutputs;
    keepDerivations_ = options.keepDerivations;
    // With --ignore-liveness these would make --delete follow outputs
    // and derivers into paths nobody asked to delete (Nix does the same).
    if (options.action == GcOptions::Action::DeleteSpecific && options.ignoreLiveness)
      keepOutputs_ = keepDerivations_ = false;
  }

  void run();

private:
  LocalStore &store_;
  const GcOptions &options_;
  GcResults &results_;
  const GcLog &log_;
  bool shouldDelete_, keepOutputs_, keepDerivations_;
  std::set<StorePath> roots_, dead_, alive_;
  std::set<std::string> junk_; // printed names of entries that are no store paths
  Shared shared_;

  void deleteReferrersClosure(const StorePath &start);
  void markAlive(const StorePath &path, const StorePath &start);
  void deleteFromStore(const std::string &baseName);
  void scanStore();
};

void Collector::run() {
  util::Fd lock(openGcLock(store_.stateDir()));
  int gcLock = lock.get();
  if (!lockFile(gcLock, F_WRLCK, false)) {
    log_("waiting for the big garbage collector lock...");
    lockFile(gcLock, F_WRLCK, true);
  }

  // From now on new temporary roots arrive through the socket.
  GcRootServer server(store_.stateDir(), [this](const std::string &printed) {
    std::string hashPart;
    try {
      hashPart = store_.parseStorePath(printed).hashPart;
    } catch (const format::BadStorePath &) {
      return;
    }
    std::unique_lock<std::mutex> lk(shared_.mutex);
    shared_.tempRoots.insert(hashPart);
    // A path being deleted must be gone before its client re-creates it.
    shared_.wakeup.wait(lk, [&] { return shared_.pending != hashPart; });
  });

  log_("finding garbage collector roots...");
  if (!options_.ignoreLiveness)
    for (const auto &[path, links] : findPermanentRoots(store_, true, log_))
      roots_.insert(path);
  for (const auto &[path, labels] : findTempRootsOf(store_, true)) {
    std::lock_guard<std::mutex> lk(shared_.mutex);
    shared_.tempRoots.insert(path.hashPart);
    roots_.insert(path);
  }

  if (options_.action == GcOptions::Action::DeleteSpecific) {
    for (const StorePath &p : options_.pathsToDelete) {
      deleteReferrersClosure(p);
      if (!dead_.count(p))
        throw StoreError("Cannot delete path '" + store_.printStorePath(p) +
                         "' since it is still alive. To find out why, use: nix-store "
                         "--query --roots");
    }
  } else if (options_.maxFreed > 0) {
    log_(shouldDelete_ ? "deleting garbage..." : "determining live/dead paths...");
    try {
      scanStore();
    } catch (const LimitReached &) {
    }
  }

  if (options_.action == GcOptions::Action::ReturnLive) {
    for (const StorePath &p : alive_)
      results_.paths.insert(store_.printStorePath(p));
    return;
  }
  if (options_.action == GcOptions::Action::ReturnDead) {
    for (const StorePath &p : dead_)
      results_.paths.insert(store_.printStorePath(p));
    results_.paths.insert(junk_.begin(), junk_.end());
    return;
  }
  if (shouldDelete_) {
    log_("deleting unused links...");
    removeUnusedLinks(store_, log_);
  }
}

void Collector::scanStore() {
  for (const std::string &name : readDirNames(store_.realStoreDir())) {
    if (name == ".links")
      continue;
    std::optional<StorePath> path;
    try {
      path = format::parseStorePathBaseName(name);
    } catch (const format::BadStorePath &) {
    }
    if (path) {
      deleteReferrersClosure(*path);
      continue;
    }
    // A Bastion writer builds an object under this name after making
    // the path a temporary root (local_store.cpp); leave it be.
    static const std::string tmpPrefix = ".bastion-tmp-";
    if (name.compare(0, tmpPrefix.size(), tmpPrefix) == 0) {
      std::lock_guard<std::mutex> lk(shared_.mutex);
      if (shared_.tempRoots.count(name.substr(tmpPrefix.size(), 32)))
        continue;
    }
    // A build thread's store dir (build/build_one.h), while it works.
    if (name.rfind(".bastion-build-", 0) == 0 && directoryInUse(store_.realStoreDir() + "/" + name))
      continue;
    // Anything else (a crashed writer's or collector's leftovers) goes,
    // as in Nix. Nix 2.8 deletes it even for --print-dead; we only
    // list it there.
    if (shouldDelete_)
      deleteFromStore(name);
    else
      junk_.insert(store_.storeDir() + "/" + name);
  }
}

void Collector::markAlive(const StorePath &path, const StorePath &start) {
  alive_.insert(path);
  alive_.insert(start);
  std::set<StorePath> closure;
  try {
    computeFSClosure(store_, {path}, closure);
  } catch (const util::Error &) {
    // an invalid root has no closure
  }
  alive_.insert(closure.begin(), closure.end());
}

void Collector::deleteReferrersClosure(const StorePath &start) {
  std::set<StorePath> visited;
  std::deque<StorePath> todo;
  auto enqueue = [&](const StorePath &p) {
    if (visited.insert(p).second)
      todo.push_back(p);
  };
  enqueue(start);
  // Wakes clients that waited for the deletion of a path to finish.
  struct ReleasePending {
    Shared &s;
    ~ReleasePending() {
      std::lock_guard<std::mutex> lk(s.mutex);
      s.pending.reset();
      s.wakeup.notify_all();
    }
  } release{shared_};

  while (!todo.empty()) {
    StorePath path = todo.front();
    todo.pop_front();
    if (alive_.count(path)) {
      alive_.insert(start);
      return;
    }
    if (dead_.count(path))
      continue;
    if (roots_.count(path))
      return markAlive(path, start);
    if (options_.action == GcOptions::Action::DeleteSpecific && !options_.pathsToDelete.count(path))
      return;
    {
      std::lock_guard<std::mutex> lk(shared_.mutex);
      if (shared_.tempRoots.count(path.hashPart))
        return markAlive(path, start);
      shared_.pending = path.hashPart;
    }
    if (store_.isValidPath(path)) {
      for (const StorePath &r : store_.queryReferrers(path))
        enqueue(r);
      if (keepDerivations_ && path.isDerivation())
        for (const auto &[name, out] : store_.queryDerivationOutputs(path)) {
          std::optional<ValidPathInfo> info = store_.queryPathInfo(out);
          if (info && info->deriver == store_.printStorePath(path))
            enqueue(out);
        }
      if (keepOutputs_)
        for (const StorePath &d : store_.queryValidDerivers(path))
          enqueue(d);
    }
  }

  for (const StorePath &path : topoSortPaths(store_, visited)) {
    if (!dead_.insert(path).second)
      continue;
    if (shouldDelete_) {
      store_.invalidatePath(path);
      deleteFromStore(path.baseName());
    }
  }
}

void Collector::deleteFromStore(const std::string &baseName) {
  std::string printed = store_.storeDir() + "/" + baseName;
  std::string real = store_.realStoreDir() + "/" + baseName;
  log_("deleting '" + printed + "'");
  results_.paths.insert(printed);
  uint64_t freed = freedBytes(real);
  // Out of the way under a name that is not a store path, in one step;
  // if we die while deleting it, the next collection finishes the job.
  std::string trash = store_.realStoreDir() + "/.gc-trash-" + baseName;
  if (::rename(real.c_str(), trash.c_str()) == 0)
    deletePath(trash);
  else if (errno != ENOENT)
    deletePath(real); // e.g. a directory we may not rename
  results_.bytesFreed += freed;
  if (results_.bytesFreed > options_.maxFreed) {
    log_("deleted more than " + std::to_string(options_.maxFreed) + " bytes; stopping");
    throw LimitReached{};
  }
}

} // namespace

void collectGarbage(LocalStore &store, const GcOptions &options, GcResults &results,
                    const GcLog &log) {
  if (store.readOnly())
    throw StoreError("cannot collect garbage in a read-only store");
  Collector(store, options, results, log).run();
}

std::string showBytes(uint64_t bytes) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

} // namespace bastion::store

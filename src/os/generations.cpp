#include "os/generations.h"

#include <sys/stat.h>

#include <ctime>

#include "os/boot_entries.h"
#include "os/closure_copy.h"
#include "os/root_layout.h"
#include "store/path_lock.h"
#include "util/error.h"
#include "util/path.h"

namespace bastion::os {

namespace {

void say(const store::ProfileLog &log, const std::string &line) {
  if (log)
    log(line);
}

// One switch, rollback or deletion at a time in a root. The profile's own
// lock is taken inside by store/profiles.h, so this one is another file.
store::PathLock lockRoot(const RootPaths &paths) {
  return store::PathLock(paths.root + "/nix/var/nix/os-generations");
}

void requireProfile(const RootPaths &paths) {
  struct stat st;
  if (::lstat(paths.profile.c_str(), &st) != 0)
    throw util::Error("'" + paths.root + "' has no system profile (" + paths.profile +
                      "): switch it to a system first (bastion os switch)");
}

// The boot loader follows the profile: its default is the current
// generation and there is an entry for each generation that exists.
void syncLoader(const RootPaths &paths) {
  store::Generations gens = store::findGenerations(paths.profile);
  std::set<store::GenerationNumber> keep;
  for (auto &g : gens.list)
    keep.insert(g.number);
  if (gens.current)
    writeLoaderConf(paths, *gens.current);
  removeStaleBootEntries(paths, keep);
}

} // namespace

SwitchResult switchRoot(store::LocalStore &from, const std::string &root,
                        const store::StorePath &toplevel, const store::ProfileLog &log) {
  RootPaths paths = rootPaths(root);
  // The running system's own root would need activation in place (a
  // switch of a live machine), which this is not.
  if (paths.root == "/")
    throw util::Error("cannot switch '/': give the root directory of a machine to lay out");
  std::string fromRoot = util::canonPath(from.root().empty() ? "/" : from.root());
  if (fromRoot == paths.root)
    throw util::Error("cannot switch '" + paths.root +
                      "' from its own store: give the store the system was built in (--store)");
  std::string printed = from.printStorePath(toplevel);
  if (!from.isValidPath(toplevel))
    throw util::Error("path '" + printed + "' is not valid in the store at '" + fromRoot + "'");
  struct stat st;
  if (::lstat((from.realPath(toplevel) + "/init").c_str(), &st) != 0)
    throw util::Error("'" + printed + "' is not a system: it has no 'init'");
  checkRootLayout(paths);
  // Kept from the source's garbage collector while it is copied.
  from.addTempRoot(toplevel);

  layOutRoot(paths);
  auto to = store::LocalStore::open(paths.root, false);
  auto lock = lockRoot(paths);
  std::string machineId = ensureMachineId(paths);

  SwitchResult r;
  r.copied = copyClosure(from, *to, {toplevel});
  if (r.copied)
    say(log,
        "copied " + std::to_string(r.copied) + " paths into the store of '" + paths.root + "'");
  std::string link;
  {
    store::ProfileLock profileLock(paths.profile);
    link = store::createGeneration(*to, paths.profile, toplevel);
  }
  std::string base = util::baseNameOf(link); // "system-N-link"
  auto n = store::parseGenerationNumber(base.substr(7, base.size() - 7 - 5));
  if (!n)
    throw util::Error("unexpected generation link '" + link + "'");
  r.generation = *n;
  writeBootEntry(paths, r.generation, printed, machineId);
  {
    store::ProfileLock profileLock(paths.profile);
    auto before = store::findGenerations(paths.profile).current;
    store::switchLink(paths.profile, link);
    if (before && *before != r.generation)
      say(log, "switching profile from version " + std::to_string(*before) + " to " +
                   std::to_string(r.generation));
  }
  pointUsrAtCurrent(paths);
  syncLoader(paths);
  return r;
}

store::GenerationNumber rollbackRoot(const std::string &root,
                                     std::optional<store::GenerationNumber> to,
                                     const store::ProfileLog &log) {
  RootPaths paths = rootPaths(root);
  requireProfile(paths);
  auto lock = lockRoot(paths);
  store::GenerationNumber n = store::switchGeneration(paths.profile, to, false, log);
  pointUsrAtCurrent(paths);
  syncLoader(paths);
  return n;
}

store::Generations rootGenerations(const std::string &root) {
  RootPaths paths = rootPaths(root);
  requireProfile(paths);
  store::ProfileLock profileLock(paths.profile);
  return store::findGenerations(paths.profile);
}

std::vector<store::GenerationNumber> deleteRootGenerations(const std::string &root,
                                                           const std::vector<std::string> &specs,
                                                           const store::ProfileLog &log) {
  RootPaths paths = rootPaths(root);
  requireProfile(paths);
  if (specs.empty())
    throw util::Error("delete-generations: name the generations to delete (N…, Nd, +N or old)");
  std::vector<store::GenerationNumber> removed;
  auto lock = lockRoot(paths);
  const std::string &first = specs.front();
  if (specs.size() == 1 && first == "old") {
    removed = store::deleteOldGenerations(paths.profile, false, log);
  } else if (specs.size() == 1 && !first.empty() && first.back() == 'd') {
    auto cutoff = store::olderThanCutoff(first, time(nullptr));
    if (!cutoff)
      throw util::Error("invalid number of days specifier '" + first + "'");
    removed = store::deleteGenerationsOlderThan(paths.profile, *cutoff, false, log);
  } else if (specs.size() == 1 && !first.empty() && first[0] == '+') {
    auto keep = store::parseGenerationNumber(first.substr(1));
    if (!keep || *keep == 0)
      throw util::Error("invalid number of generations to keep '" + first + "'");
    removed = store::deleteGenerationsGreaterThan(paths.profile, *keep, false, log);
  } else {
    std::set<store::GenerationNumber> gens;
    for (auto &s : specs) {
      auto n = store::parseGenerationNumber(s);
      if (!n)
        throw util::Error("invalid generation number '" + s + "'");
      gens.insert(*n);
    }
    auto cur = store::findGenerations(paths.profile).current;
    if (cur && gens.count(*cur))
      throw util::Error("cannot delete generation " + std::to_string(*cur) + " of '" + paths.root +
                        "': it is the current one");
    removed = store::deleteGenerations(paths.profile, gens, false, log);
  }
  syncLoader(paths);
  return removed;
}

} // namespace bastion::os

// nix-collect-garbage [-d | --delete-old] [--delete-older-than Nd]
// [--dry-run] [--max-freed N], Nix 2.8's main_nix_collect_garbage: first
// (with -d or --delete-older-than) remove the old generations of every
// profile under <state>/profiles, recursively, then collect garbage.
//
// Nix 2.8 looks for profiles in the machine's /nix/var/nix/profiles even
// with --store DIR; Bastion uses the profiles of the store it collects,
// <DIR>/nix/var/nix/profiles, which are the ones that store's roots name.
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <iostream>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "cli/version.h"
#include "store/fs_util.h"
#include "store/gc.h"
#include "store/profiles.h"
#include "util/error.h"
#include "util/exit.h"
#include "util/file.h"

namespace bastion::cli {

namespace {

struct Options {
  bool removeOld = false;
  std::string deleteOlderThan;
  bool dryRun = false;
};

void removeOldGenerations(const std::string &dir, const Options &o) {
  if (::access(dir.c_str(), R_OK) != 0)
    return;
  bool canWrite = ::access(dir.c_str(), W_OK) == 0;
  std::vector<std::string> names;
  try {
    names = store::readDirNames(dir);
  } catch (const util::SysError &) {
    return; // a profile directory we cannot read has nothing of ours
  }
  for (const std::string &name : names) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      continue;
    if (S_ISLNK(st.st_mode) && canWrite) {
      std::string target;
      try {
        target = util::readLink(path);
      } catch (const util::SysError &) {
        continue;
      }
      // A profile points to a generation link ("…-N-link"); the
      // generation links themselves point into the store.
      if (target.find("link") == std::string::npos)
        continue;
      logInfo("removing old generations of profile " + path);
      if (!o.deleteOlderThan.empty()) {
        std::optional<time_t> cutoff =
            store::olderThanCutoff(o.deleteOlderThan, std::time(nullptr));
        if (!cutoff)
          throw store::StoreError("invalid number of days specifier '" + o.deleteOlderThan +
                                  "', expected something like '14d'");
        store::deleteGenerationsOlderThan(path, *cutoff, o.dryRun, logInfo);
      } else {
        store::deleteOldGenerations(path, o.dryRun, logInfo); // locks the profile
      }
    } else if (S_ISDIR(st.st_mode)) {
      removeOldGenerations(path, o);
    }
  }
}

} // namespace

int cmdNixCollectGarbage(const std::string &name, std::vector<std::string> &args) {
  Options o;
  store::GcOptions gc;
  NixStoreInvocation inv;
  try {
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          if (a == "--help") {
            std::cout << "Usage: nix-collect-garbage [-d | --delete-old] [--delete-older-than Nd]\n"
                         "                           [--dry-run] [--max-freed BYTES]\n";
            throw util::ExitNow{};
          }
          if (a == "--version") {
            std::cout << versionText("nix-collect-garbage");
            throw util::ExitNow{};
          }
          if (a == "--delete-old" || a == "-d")
            o.removeOld = true;
          else if (a == "--delete-older-than") {
            o.removeOld = true;
            o.deleteOlderThan = arg.next();
          } else if (a == "--dry-run")
            o.dryRun = true;
          else if (a == "--max-freed")
            gc.maxFreed = parseSizeArg(a, arg.next());
          else
            return false;
          return true;
        },
        &inv.settings);

    StoreSession s = openStoreSession(inv);
    if (o.removeOld)
      removeOldGenerations(s.store->stateDir() + "/profiles", o);
    if (o.dryRun)
      return 0;
    gc.keepDerivations = s.boolSetting("keep-derivations", true);
    gc.keepOutputs = s.boolSetting("keep-outputs", false);
    store::GcResults results;
    struct PrintFreed {
      const store::GcResults &r;
      ~PrintFreed() {
        std::cout << r.paths.size() << " store paths deleted, " << store::showBytes(r.bytesFreed)
                  << " freed\n";
      }
    } freed{results};
    store::collectGarbage(*s.store, gc, results, logInfo);
    return 0;
  } catch (const util::ExitNow &e) {
    return e.code;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace bastion::cli

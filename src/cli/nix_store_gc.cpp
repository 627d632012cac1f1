// nix-store --gc [--print-roots | --print-live | --print-dead]
// [--max-freed N] and nix-store --delete [--ignore-liveness] PATHS, Nix
// 2.8's opGC and opDelete.
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "store/gc.h"

namespace bastion::cli {

namespace {

// Nix prints the summary even when the collection fails part-way (its
// PrintFreed runs from a destructor).
struct PrintFreed {
  bool show;
  const store::GcResults &results;
  ~PrintFreed() {
    if (show)
      std::cout << results.paths.size() << " store paths deleted, "
                << store::showBytes(results.bytesFreed) << " freed\n";
  }
};

void applyKeepSettings(const StoreSession &s, store::GcOptions &options) {
  options.keepDerivations = s.boolSetting("keep-derivations", true);
  options.keepOutputs = s.boolSetting("keep-outputs", false);
}

} // namespace

int opNixStoreGc(NixStoreInvocation &inv) {
  bool printRoots = false;
  store::GcOptions options;
  for (size_t i = 0; i < inv.flags.size(); ++i) {
    const std::string &f = inv.flags[i];
    if (f == "--print-roots")
      printRoots = true;
    else if (f == "--print-live")
      options.action = store::GcOptions::Action::ReturnLive;
    else if (f == "--print-dead")
      options.action = store::GcOptions::Action::ReturnDead;
    else if (f == "--max-freed")
      options.maxFreed = parseSizeArg(f, inv.flags.at(++i));
    else
      throw UsageError("bad sub-operation '" + f + "' in GC");
  }
  if (!inv.args.empty())
    throw UsageError("no arguments expected");

  StoreSession s = openStoreSession(inv);
  if (printRoots) {
    // Sorted by link, as Nix transposes its map before printing.
    std::set<std::pair<std::string, std::string>> byLink;
    for (const auto &[target, links] : store::findRoots(*s.store, false, logInfo))
      for (const std::string &link : links)
        byLink.emplace(link, s.store->printStorePath(target));
    for (const auto &[link, target] : byLink)
      std::cout << link << " -> " << target << "\n";
    return 0;
  }

  applyKeepSettings(s, options);
  store::GcResults results;
  PrintFreed freed{options.action == store::GcOptions::Action::DeleteDead, results};
  store::collectGarbage(*s.store, options, results, logInfo);
  if (options.action != store::GcOptions::Action::DeleteDead)
    for (const std::string &p : results.paths)
      std::cout << p << "\n";
  return 0;
}

int opNixStoreDelete(NixStoreInvocation &inv) {
  store::GcOptions options;
  options.action = store::GcOptions::Action::DeleteSpecific;
  for (const std::string &f : inv.flags)
    if (f == "--ignore-liveness")
      options.ignoreLiveness = true;
    else
      throw UsageError("unknown flag '" + f + "'");

  StoreSession s = openStoreSession(inv);
  for (const std::string &a : inv.args)
    options.pathsToDelete.insert(followLinksToStorePath(*s.store, a));
  applyKeepSettings(s, options);
  store::GcResults results;
  PrintFreed freed{true, results};
  store::collectGarbage(*s.store, options, results, logInfo);
  return 0;
}

} // namespace bastion::cli

// `nix COMMAND`: the few commands of Nix's newer interface that Bastion's
// messages point to. `nix log PATH` prints a build log (Nix's failed-build
// error says "run 'nix log …'"); `nix why-depends` is why-depends.
#include <iostream>

#include "cli/commands.h"
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "util/exit.h"

namespace bastion::cli {

namespace {

const char kUsage[] = "Usage: nix COMMAND [ARGS...]\n"
                      "The commands of Nix's newer interface that Bastion has:\n"
                      "  log PATH              the build log of PATH or its deriver\n"
                      "  why-depends A B       why A depends on B (bastion why-depends)\n"
                      "  store sign|verify     as bastion store\n"
                      "  path-info PATHS       as bastion path-info\n"
                      "  copy --to|--from URL  as bastion nix-copy\n";
const char kLogUsage[] = "Usage: nix log PATH\n"
                         "Prints the build log of PATH (a derivation, or an output of one).\n";

int cmdNixLog(const std::string &name, std::vector<std::string> &args) {
  NixStoreInvocation inv;
  std::vector<std::string> paths;
  try {
    parseLegacyArgs(
        args,
        [&](ArgCursor &arg) {
          const std::string &a = *arg;
          if (a == "--help") {
            std::cout << kLogUsage;
            throw util::ExitNow{};
          }
          if (!a.empty() && a[0] == '-')
            return false;
          paths.push_back(a);
          return true;
        },
        &inv.settings);
    if (paths.empty())
      throw UsageError("'installables' is missing");
    if (paths.size() > 1) // Nix's hint names `nix` here, not `nix log`
      return reportUsageError("nix", UsageError("unexpected argument '" + paths[1] + "'"));
    StoreSession s = openStoreSession(inv);
    const std::string &p = paths[0];
    std::optional<std::string> log = buildLog(*s.store, followLinksToStorePath(*s.store, p));
    if (!log)
      throw store::StoreError("build log of '" + p + "' is not available");
    logInfo("got build log for '" + p + "' from 'local'");
    std::cout << *log;
    return 0;
  } catch (const UsageError &e) {
    return reportUsageError(name, e);
  } catch (const std::exception &e) {
    return reportError(e.what());
  }
}

} // namespace

int cmdNix(const std::string &name, std::vector<std::string> &args) {
  if (args.empty())
    return reportUsageError("nix", UsageError("no subcommand specified"));
  std::string sub = args[0];
  args.erase(args.begin());
  if (sub == "--help" || sub == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (sub == "log")
    return cmdNixLog("nix log", args);
  if (sub == "why-depends")
    return cmdWhyDepends("nix why-depends", args);
  if (sub == "store")
    return cmdStore("nix store", args);
  if (sub == "path-info")
    return cmdPathInfoCommand("nix path-info", args);
  if (sub == "copy")
    return cmdNixCopyCommand("nix copy", args);
  return reportUsageError("nix", UsageError("'" + sub + "' is not a recognised command"));
}

} // namespace bastion::cli

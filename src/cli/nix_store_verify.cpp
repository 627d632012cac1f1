// nix-store --verify [--check-contents] [--repair], --verify-path PATHS
// and --check-validity [--print-invalid] PATHS: Nix 2.8's opVerify,
// opVerifyPath and opCheckValidity.
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "store/verify.h"

namespace bastion::cli {

int opNixStoreVerify(NixStoreInvocation &inv) {
  if (!inv.args.empty())
    throw UsageError("no arguments expected");
  bool checkContents = false, repair = false;
  for (const std::string &f : inv.flags)
    if (f == "--check-contents")
      checkContents = true;
    else if (f == "--repair")
      repair = true;
    else
      throw UsageError("unknown flag '" + f + "'");
  StoreSession s = openStoreSession(inv);
  if (store::verifyStore(*s.store, checkContents, repair, logInfo, logInfo)) {
    logInfo("warning: not all store errors were fixed");
    return 1;
  }
  return 0;
}

int opNixStoreVerifyPath(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("no flags expected");
  StoreSession s = openStoreSession(inv);
  int status = 0;
  for (const std::string &a : inv.args)
    if (!store::verifyPathContents(*s.store, followLinksToStorePath(*s.store, a), logInfo))
      status = 1;
  return status;
}

int opNixStoreCheckValidity(NixStoreInvocation &inv) {
  bool printInvalid = false;
  for (const std::string &f : inv.flags)
    if (f == "--print-invalid")
      printInvalid = true;
    else
      throw UsageError("unknown flag '" + f + "'");
  StoreSession s = openStoreSession(inv);
  for (const std::string &a : inv.args) {
    store::StorePath p = followLinksToStorePath(*s.store, a);
    if (s.store->isValidPath(p))
      continue;
    if (!printInvalid)
      throw store::StoreError("path '" + s.store->printStorePath(p) + "' is not valid");
    std::cout << s.store->printStorePath(p) << "\n";
  }
  return 0;
}

} // namespace bastion::cli

// nix-store --optimise: hard-link identical files (store/optimise.h).
#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "store/gc.h"
#include "store/optimise.h"

namespace bastion::cli {

int opNixStoreOptimise(NixStoreInvocation &inv) {
  if (!inv.args.empty() || !inv.flags.empty())
    throw UsageError("no arguments expected");
  StoreSession s = openStoreSession(inv);
  store::OptimiseStats stats = store::optimiseStore(*s.store, logInfo);
  logInfo(store::showBytes(stats.bytesFreed) + " freed by hard-linking " +
          std::to_string(stats.filesLinked) + " files");
  return 0;
}

} // namespace bastion::cli

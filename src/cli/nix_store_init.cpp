// nix-store --init and --dump-db [PATHS]: Nix 2.8's opInit (opening the
// store creates it) and opDumpDB (the registration format that
// --register-validity and --load-db read).
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"

namespace bastion::cli {

int opNixStoreInit(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag");
  if (!inv.args.empty())
    throw UsageError("no arguments expected");
  openStoreSession(inv);
  return 0;
}

int opNixStoreDumpDb(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag");
  StoreSession s = openStoreSession(inv);
  std::set<store::StorePath> paths;
  if (inv.args.empty())
    paths = s.store->queryAllValidPaths();
  else
    for (const std::string &a : inv.args)
      paths.insert(followLinksToStorePath(*s.store, a));
  // Nix's makeValidityRegistration(paths, showDerivers, showHash): per
  // path its name, NAR hash (base 16), size, deriver, then its references.
  for (const store::StorePath &p : paths) {
    std::optional<store::ValidPathInfo> info = s.store->queryPathInfo(p);
    if (!info)
      throw store::StoreError("path '" + s.store->printStorePath(p) + "' is not valid");
    std::cout << s.store->printStorePath(p) << "\n"
              << info->narHash.to(format::HashFormat::Base16, false) << "\n"
              << info->narSize << "\n"
              << info->deriver << "\n"
              << info->references.size() << "\n";
    for (const store::StorePath &r : info->references)
      std::cout << s.store->printStorePath(r) << "\n";
  }
  return 0;
}

} // namespace bastion::cli

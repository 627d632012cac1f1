// nix-store --add PATHS, --add-fixed [--recursive] ALGO PATHS and
// --print-fixed-path [--recursive] ALGO HASH NAME: Nix 2.8's opAdd,
// opAddFixed and opPrintFixedPath.
#include <iostream>

#include "cli/legacy_args.h"
#include "cli/nix_store.h"
#include "cli/nix_store_common.h"
#include "util/path.h"

namespace bastion::cli {

namespace {

format::FileIngestionMethod methodFrom(const NixStoreInvocation &inv) {
  format::FileIngestionMethod method = format::FileIngestionMethod::Flat;
  for (const std::string &f : inv.flags)
    if (f == "--recursive")
      method = format::FileIngestionMethod::Recursive;
    else
      throw UsageError("unknown flag '" + f + "'");
  return method;
}

} // namespace

int opNixStoreAdd(NixStoreInvocation &inv) {
  if (!inv.flags.empty())
    throw UsageError("unknown flag");
  StoreSession s = openStoreSession(inv);
  for (const std::string &a : inv.args) {
    auto [path, hash] = s.store->addToStore(
        util::baseNameOf(a), a, format::FileIngestionMethod::Recursive, format::HashAlgo::SHA256);
    std::cout << s.store->printStorePath(path) << "\n";
  }
  return 0;
}

int opNixStoreAddFixed(NixStoreInvocation &inv) {
  format::FileIngestionMethod method = methodFrom(inv);
  if (inv.args.empty())
    throw UsageError("first argument must be hash algorithm");
  format::HashAlgo algo = format::parseHashAlgoOrThrow(inv.args[0]);
  StoreSession s = openStoreSession(inv);
  for (size_t i = 1; i < inv.args.size(); ++i) {
    auto [path, hash] =
        s.store->addToStore(util::baseNameOf(inv.args[i]), inv.args[i], method, algo);
    std::cout << s.store->printStorePath(path) << "\n";
  }
  return 0;
}

int opNixStorePrintFixedPath(NixStoreInvocation &inv) {
  format::FileIngestionMethod method = methodFrom(inv);
  if (inv.args.size() != 3)
    throw UsageError("'--print-fixed-path' requires three arguments");
  format::HashAlgo algo = format::parseHashAlgoOrThrow(inv.args[0]);
  format::Hash hash = format::parseHashAny(inv.args[1], algo);
  StoreSession s = openStoreSession(inv, true);
  format::StorePath path =
      format::makeFixedOutputPath(method, hash, inv.args[2], {}, false, s.store->storeDir());
  std::cout << s.store->printStorePath(path) << "\n";
  return 0;
}

} // namespace bastion::cli

// Helpers the store-inspection and garbage-collection operations of
// nix-store (and nix-collect-garbage, why-depends) share.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "cli/nix_store.h"
#include "lang/eval.h"
#include "store/store.h"

namespace bastion::cli {

// The store and settings an operation works on.
struct StoreSession {
  lang::EvalSettings settings;
  std::unique_ptr<store::LocalStore> store;
  bool boolSetting(const std::string &name, bool dflt) const;
};
StoreSession openStoreSession(const NixStoreInvocation &inv, bool readOnly = false);

// Nix's followLinksToStorePath: `path` made absolute, then symlinks
// followed while it is outside the store; the store path it lies in.
// Throws "path '…' is not in the Nix store".
store::StorePath followLinksToStorePath(store::LocalStore &store, const std::string &path);

// The build log of a derivation, or of the one that built `path`
// (nix_store_read_log.cpp); nullopt if there is none.
std::optional<std::string> buildLog(store::LocalStore &store, store::StorePath path);

// Nix's printInfo / printError: a line on stderr.
void logInfo(const std::string &msg);

// Nix's getIntArg with units: "10", "10K", "3M", "1G", "2T" (powers of 1024).
uint64_t parseSizeArg(const std::string &flag, const std::string &value);

} // namespace bastion::cli

// nix-store --optimise, as Nix 2.8's LocalStore::optimiseStore: every
// regular file and symlink of every valid path is hashed (sha256 of its
// NAR, which includes the executable bit) and hard-linked to
// <store>/.links/<nix32 hash>, so identical files share one inode.
#pragma once

#include <cstdint>

#include "store/find_roots.h"
#include "store/store.h"

namespace bastion::store {

struct OptimiseStats {
  uint64_t filesLinked = 0;
  uint64_t bytesFreed = 0; // sizes of the files replaced by links
};

// Logs Nix's warnings ("skipping suspicious writable file '…'"); the
// caller prints the summary ("%s freed by hard-linking %d files").
OptimiseStats optimiseStore(LocalStore &store, const GcLog &log);

} // namespace bastion::store

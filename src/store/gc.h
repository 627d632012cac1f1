// The garbage collector, as Nix 2.8's LocalStore::collectGarbage: paths
// reachable from the roots (find_roots.h) stay, everything else in the
// store directory goes, referrers before their references.
//
// Under <state>/gc.lock (exclusive, for the whole run; processes adding
// paths meanwhile report them through gc_socket.h) every entry of the
// store directory is examined: its referrers (and, with keep-derivations,
// a .drv's outputs; with keep-outputs, an output's derivers) are followed
// until a root or temporary root is met, which makes the whole set alive,
// or no more are found, which makes it dead. Dead paths are removed one at
// a time in topological order: first the database row (one transaction,
// refused while a valid referrer remains), then the files, renamed aside
// first so the store path's name disappears at once. A crash leaves at
// most files without a row, which the next collection deletes, as Nix's
// does (it removes every unregistered entry of the store directory).
#pragma once

#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "store/find_roots.h"
#include "store/store.h"

namespace bastion::store {

struct GcOptions {
  enum class Action {
    DeleteDead,     // nix-store --gc
    ReturnLive,     // --gc --print-live
    ReturnDead,     // --gc --print-dead
    DeleteSpecific, // nix-store --delete
  };
  Action action = Action::DeleteDead;
  std::set<StorePath> pathsToDelete; // DeleteSpecific
  bool ignoreLiveness = false;       // DeleteSpecific: no permanent roots
  // Stop once more than this many bytes were freed; 0 examines nothing.
  uint64_t maxFreed = std::numeric_limits<uint64_t>::max();
  bool keepDerivations = true; // Nix's keep-derivations / keep-outputs
  bool keepOutputs = false;
};

struct GcResults {
  std::set<std::string> paths; // printed: deleted, or listed by ReturnLive/ReturnDead
  uint64_t bytesFreed = 0;     // sizes of deleted files that had no other link
};

// Fills `results` as it goes, so that it is meaningful also when this
// throws: for DeleteSpecific, StoreError "Cannot delete path '…' since it
// is still alive. …" when a path is reachable from a root or has
// referrers outside pathsToDelete.
void collectGarbage(LocalStore &store, const GcOptions &options, GcResults &results,
                    const GcLog &log);

// Nix's showBytes: "%.2f MiB".
std::string showBytes(uint64_t bytes);

} // namespace bastion::store

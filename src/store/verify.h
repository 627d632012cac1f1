// nix-store --verify and --verify-path, as Nix 2.8's
// LocalStore::verifyStore: every valid path must exist in the store
// directory (a missing one without valid referrers is forgotten), and
// with checkContents its NAR hash must still be the registered one.
#pragma once

#include "store/find_roots.h"
#include "store/store.h"

namespace bastion::store {

// Returns true if errors remain. Messages are Nix's ("path '…' was
// modified! expected hash '…', got '…'", "path '…' disappeared, …").
// Bastion cannot substitute or rebuild in here, so `repair` only turns
// each error into "cannot repair path '…'".
bool verifyStore(LocalStore &store, bool checkContents, bool repair, const GcLog &log,
                 const GcLog &error);

// Recomputes the NAR hash of one valid path; false (after logging the
// "was modified!" message) if it differs.
bool verifyPathContents(LocalStore &store, const StorePath &path, const GcLog &error);

} // namespace bastion::store

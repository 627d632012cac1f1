// Copying a closure from one local store into another (a root's own store),
// as `nix copy --to local?root=DIR`: references before their referrers, each
// path streamed as a NAR from the source and added to the destination with
// its recorded hash, size, references, deriver, signatures and content
// address, which the destination checks. Each path becomes valid in one
// step (addNar: restored under a temporary name, renamed, registered), so a
// copy cut off at any point leaves a consistent store and resumes where it
// stopped.
#pragma once

#include <set>

#include "store/store.h"

namespace bastion::os {

// Returns how many paths were copied (those already valid are skipped).
// Throws store::StoreError.
size_t copyClosure(store::LocalStore &from, store::LocalStore &to,
                   const std::set<store::StorePath> &paths);

} // namespace bastion::os

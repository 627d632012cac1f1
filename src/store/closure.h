// Closures and topological order of store paths, as Nix 2.8's
// Store::computeFSClosure and Store::topoSortPaths, which nix-store
// --query, the garbage collector and why-depends share.
#pragma once

#include <set>
#include <vector>

#include "store/store.h"

namespace bastion::store {

struct ClosureOptions {
  bool flipDirection = false;   // follow referrers instead of references
  bool includeOutputs = false;  // a .drv brings its valid outputs (flipped: an output its derivers)
  bool includeDerivers = false; // a path brings its valid deriver (flipped: a .drv its outputs)
};

// Adds to `out` the paths reachable from `start` (including them). Going
// forward, an invalid path is a StoreError "path '…' is not valid"; going
// backward it simply has no referrers.
void computeFSClosure(LocalStore &store, const std::set<StorePath> &start, std::set<StorePath> &out,
                      const ClosureOptions &opts = {});

// Referrers before their references: for A referring to B, A comes first.
// Ties are broken by Nix's order (the sorted set, depth first), so the
// result is the one Nix prints. References outside `paths` are ignored;
// a cycle is a StoreError.
std::vector<StorePath> topoSortPaths(LocalStore &store, const std::set<StorePath> &paths);

} // namespace bastion::store

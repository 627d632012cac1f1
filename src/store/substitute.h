// Substitution: making store paths valid from binary caches instead of
// building them, as Nix's substituters do, with the safe defaults:
//
//  * only the caches the user listed (`substituters`), in order;
//  * with require-sigs (the default) a narinfo counts only if one of its
//    Sig lines verifies, over the path's fingerprint, with a key listed in
//    `trusted-public-keys`;
//  * the narinfo must be for the path asked for, and every reference must
//    be valid already or come from a cache as well (the whole closure);
//  * every NAR is fetched and checked against its narinfo's NarHash and
//    NarSize before anything is registered; paths are then added
//    references first, each under its lock, through a temporary name.
//
// A rejected narinfo or NAR is a SubstituteError naming the path, the
// cache and the reason; nothing of that request has entered the store.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "format/signature.h"
#include "store/store.h"

namespace bastion::store {

struct SubstituteError : StoreError {
  using StoreError::StoreError;
};

struct SubstituteSettings {
  std::vector<std::string> urls; // substituters
  format::PublicKeys trustedKeys;
  bool requireSigs = true;
  unsigned jobs = 4;
  bool quiet = false;
};

// Makes `paths` and their closures valid from the caches. Returns the
// paths (of `paths`) that no cache has; they and their closures are left
// as they were. Throws SubstituteError (nothing registered) or StoreError.
std::set<StorePath> substitutePaths(LocalStore &store, const SubstituteSettings &settings,
                                    const std::set<StorePath> &paths);

} // namespace bastion::store

// The closure apt installs for a set of packages from an empty dpkg status,
// computed as apt's pkgDepCache::MarkInstall computes it: every requested
// package is marked first, then each one's Pre-Depends and Depends are
// installed depth first, in the order the package lists them; a group
// already satisfied by a marked package is skipped; otherwise the first
// installable alternative wins, a real package before the packages that
// provide the name, providers ordered as apt's CompareProviders orders
// them (Essential, then Priority: required/important, then index order).
// Recommends are not followed. Conflicts and Breaks are checked on the
// result.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "pkgs/index.h"

namespace bastion::pkgs {

struct ResolveError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ResolveOptions {
  bool essential = true; // add every Essential: yes and Priority: required package
};

// The chosen packages, sorted by name. Throws ResolveError naming the chain
// of dependencies that led to what cannot be satisfied.
std::vector<const Package *> resolve(const PackageIndex &index,
                                     const std::vector<std::string> &names,
                                     const ResolveOptions &options = {});

// The names a package set would be requested with for the base set.
std::vector<std::string> baseSet(const PackageIndex &index);

} // namespace bastion::pkgs

// <store>/.links, where nix-store --optimise keeps one hard link per
// distinct file content (optimise.h). A link whose count has dropped to 1
// is no longer shared by any store object; the collector removes those.
#pragma once

#include "store/find_roots.h"
#include "store/store.h"

namespace bastion::store {

// Removes unshared links and logs, as Nix 2.8, "note: currently hard
// linking saves X.YZ MiB".
void removeUnusedLinks(LocalStore &store, const GcLog &log);

} // namespace bastion::store

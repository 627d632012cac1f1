// Permanent garbage-collector roots, as Nix 2.8's addPermRoot: the
// `result` symlinks nix-build leaves behind.
#pragma once

#include <string>

#include "store/store.h"

namespace bastion::store {

// Makes `gcRoot` (outside the store) a symlink to the printed store path,
// replacing an existing symlink into the store atomically, and registers it
// as an indirect root: <root>/nix/var/nix/gcroots/auto/<nix32 sha1 of the
// absolute link path> -> the link, so that Nix's garbage collector keeps
// the path while the link exists. Returns the absolute link path. Throws
// StoreError if gcRoot lies in the store, is something other than a
// symlink into the store, or the store is read-only.
std::string addPermRoot(LocalStore &store, const StorePath &path, const std::string &gcRoot);

} // namespace bastion::store

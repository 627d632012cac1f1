// Nix's canonical metadata for store objects: every file and directory is
// read-only (0444, or 0555 for directories and files whose owner could
// execute them; no setuid, setgid or sticky bits), has mtime 1 (the Unix
// epoch plus one second, so that tools comparing timestamps see "old"
// files), belongs to the store's user and carries no extended attributes.
// The NAR of an object does not change when it is canonicalised.
#pragma once

#include <string>

namespace bastion::store {

// Canonicalises the tree at `path` (children before their directory) and,
// with `sync`, flushes every file and directory to disk so that a crash
// after the object is renamed into place cannot leave it half-written.
void canonicalisePathMetaData(const std::string &path, bool sync);

} // namespace bastion::store

// Paths inside a root directory DIR as a program booted in it sees them:
// an absolute symlink target there means DIR/<target>, never the host's.
#pragma once

#include <optional>
#include <string>

namespace bastion::os {

// The host path of `path` (absolute, as seen inside `root`), every symlink
// followed with absolute targets taken relative to `root` and ".." never
// leaving it (systemd's chase_symlinks with a root prefix). nullopt when a
// component does not exist; throws util::Error after 40 links (a loop).
std::optional<std::string> resolveInRoot(const std::string &root, const std::string &path);

} // namespace bastion::os

// Files and symlinks by path. Failures throw SysError naming the path.
#pragma once

#include <string>

namespace bastion::util {

// The target of the symlink `path`, however long.
std::string readLink(const std::string &path);
// Creates the symlink `link` -> `target`; `link` must not exist.
void createSymlink(const std::string &target, const std::string &link);
// Creates or replaces `link` -> `target` in one step: a fresh symlink
// beside it, renamed over it, so a reader sees the old or the new one and
// never nothing (Nix's replaceSymlink).
void replaceSymlink(const std::string &target, const std::string &link);

// rm -rf that never follows symlinks and copes with read-only directories
// (store objects are 0555). A missing path is not an error.
void deletePath(const std::string &path);

} // namespace bastion::util

// Where the Nix code Bastion ships (the repository's nix/ folder) is found
// at run time: <bastion/…> and the fallback <nixpkgs/lib> resolve into it.
#pragma once

#include <optional>
#include <string>

namespace bastion::lang {

// dirname(/proc/self/exe)/share/bastion (the build tree, where CMake links
// it to the source's nix/), else dirname(/proc/self/exe)/../share/bastion
// (an installed prefix). nullopt when neither is a directory.
const std::optional<std::string> &bastionDataDir();

} // namespace bastion::lang

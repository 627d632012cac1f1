// What `--version` prints, for bastion and for each Nix personality.
#pragma once

#include <string>

namespace bastion::cli {

// The Nix release whose behaviour the personalities reproduce.
inline constexpr const char *kNixVersion = "2.8.0";
// Bastion's own release.
inline constexpr const char *kBastionVersion = "0.1.0";

// As Nix's printVersion for a personality, "nix-build (Nix) 2.8.0", so
// that scripts parsing it keep working, then a line naming Bastion; for
// bastion itself and its own commands one line, "bastion 0.1.0 (Nix 2.8.0)".
std::string versionText(const std::string &tool);

} // namespace bastion::cli

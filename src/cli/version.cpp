#include "cli/version.h"

#include <set>

namespace bastion::cli {

std::string versionText(const std::string &tool) {
  std::string bastion = std::string("bastion ") + kBastionVersion + " (Nix " + kNixVersion + ")\n";
  // Bastion's own commands (store, debian, serve-cache, nix-copy, …) are
  // not Nix's; Nix's personalities answer with Nix's first line.
  static const std::set<std::string> nixTools = {
      "nix",     "nix-build", "nix-instantiate",     "nix-store",
      "nix-env", "nix-hash",  "nix-collect-garbage",
  };
  if (!nixTools.count(tool))
    return bastion;
  return tool + " (Nix) " + kNixVersion + "\n" + bastion;
}

} // namespace bastion::cli

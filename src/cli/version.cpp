#include "cli/version.h"

namespace bastion::cli {

std::string versionText(const std::string &tool) {
  std::string bastion = std::string("bastion ") + kBastionVersion + " (Nix " + kNixVersion + ")\n";
  // Bastion's own commands (store, debian, serve-cache, …) are not Nix's.
  if (tool.rfind("nix", 0) != 0)
    return bastion;
  return tool + " (Nix) " + kNixVersion + "\n" + bastion;
}

} // namespace bastion::cli

#include "cli/commands.h"

#include <map>

namespace bastion::cli {

Command findCommand(const std::string &name) {
  static const std::map<std::string, Command> table = {
      {"nix-instantiate", cmdNixInstantiate},
      {"eval", cmdEval},
      {"nix-hash", cmdNixHash},
      {"nix-store", cmdNixStore},
      {"nix-build", cmdNixBuild},
      {"nix-collect-garbage", cmdNixCollectGarbage},
      {"why-depends", cmdWhyDepends},
      {"nix-env", cmdNixEnv},
      {"nix", cmdNix},
      {"debian", cmdDebian},
      {"store", cmdStore},
      {"path-info", cmdPathInfoCommand},
      {"nix-copy", cmdNixCopyCommand},
      {"serve-cache", cmdServeCache},
  };
  auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
}

} // namespace bastion::cli

// Evaluating a configuration file for `bastion os` (os_system.cpp).
#pragma once

#include <string>

#include "lang/eval.h"

namespace bastion::cli {

// The Nix expression `import <bastion/os/cli.nix> { configFile = …; }` for
// FILE (empty: no file, an empty configuration); throws SystemBuildError when
// FILE does not exist.
std::string configExprFor(const std::string &configFile);

// Evaluates it into `root` (attributes checked, config, options, toplevel).
lang::Value &evalConfigRoot(lang::EvalState &state, const std::string &configFile,
                            lang::Value &root);

} // namespace bastion::cli

// Finding the derivations in a value, as nix-instantiate, nix-build and
// nix-env do (Nix's getDerivations), and reading what they need from each.
#pragma once

#include <string>
#include <vector>

#include "lang/eval.h"

namespace bastion::cli {

struct DrvInfo {
  std::string name, drvPath, outputName;
};

// A derivation, or the derivations in a set (attributes in name order,
// descending into sets with recurseForDerivations = true) or in a list,
// each taken once. Functions are called with autoArgs.
std::vector<DrvInfo> collectDerivations(lang::EvalState &state, lang::Value &v,
                                        lang::Bindings &autoArgs);

} // namespace bastion::cli

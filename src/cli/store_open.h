// Opening the store a command works on: the `store` setting (--store DIR,
// --option store …, nix.conf) or BASTION_STORE, as cli/settings.h resolves it.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lang/eval.h"
#include "store/store.h"

namespace bastion::cli {

// nix.conf, then the command line's settings in order.
lang::EvalSettings settingsFrom(const std::vector<std::pair<std::string, std::string>> &flags);

std::unique_ptr<store::LocalStore> openStore(const lang::EvalSettings &settings,
                                             bool readOnly = false);

} // namespace bastion::cli

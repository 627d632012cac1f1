// Nix's configuration: nix.conf files and --option overrides.
#pragma once
#include <string>

#include "lang/eval.h"

namespace bastion::cli {

// Reads $NIX_CONF_DIR/nix.conf (default /etc/nix/nix.conf) and
// $XDG_CONFIG_HOME/nix/nix.conf (or ~/.config/nix/nix.conf), as Nix does,
// then Bastion's own $BASTION_CONF_DIR/nix.conf (default
// $XDG_CONFIG_HOME/bastion/nix.conf).
void loadNixConf(lang::EvalSettings &settings);
// Applies one setting (from a file or --option).
void applySetting(lang::EvalSettings &settings, const std::string &name, const std::string &value);

// The directory a store's files live under, from the `store` setting
// (`--store DIR`, `local?root=DIR`, "auto"/"local" = the machine's store) or
// else BASTION_STORE. "" is the machine's own /nix/store. Throws
// std::runtime_error for a store URL Bastion cannot open.
std::string storeRoot(const lang::EvalSettings &settings);

} // namespace bastion::cli

// The machine's system features (Nix's `system-features` setting) and a
// derivation's requiredSystemFeatures: a build runs only where the second
// is a subset of the first.
#pragma once

#include <set>
#include <string>

#include "format/derivation.h"

namespace bastion::build {

// Nix 2.8's getDefaultSystemFeatures: "nixos-test", "benchmark" and
// "big-parallel" (names Nixpkgs routes builds by, which need nothing
// special), and "kvm" when this process can read and write /dev/kvm.
std::set<std::string> defaultSystemFeatures();

// The derivation's requiredSystemFeatures (a whitespace-separated string,
// or a list of strings under __structuredAttrs). Throws BuildEnvError for
// a malformed one.
std::set<std::string> requiredSystemFeatures(const format::Derivation &drv);

// "{a, b}" as Nix prints a set of features in its refusal.
std::string showFeatures(const std::set<std::string> &features);

} // namespace bastion::build

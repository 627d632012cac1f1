// __structuredAttrs: the .attrs.sh shell rendering of the attributes
// (Nix 2.8's writeStructuredAttrs; the same text later Nix versions write).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace bastion::build {

// Every top-level attribute whose name is a shell variable name and whose
// value is a string, integral number, null, Boolean, or a flat array or
// object of those becomes a `declare` line; others are left out.
std::string structuredAttrsShell(const nlohmann::json &attrs);

// Nix's shellEscape: single-quoted, ' written as '\''.
std::string shellEscape(const std::string &s);

} // namespace bastion::build

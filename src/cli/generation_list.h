// One line of a generation listing, as `nix-env --list-generations` prints
// it ("   3   2026-12-07 09:00:00   (current)"); bastion os list-generations
// prints the same.
#pragma once

#include <string>

#include "store/profiles.h"

namespace bastion::cli {

std::string generationListLine(const store::Generation &g, bool current);

} // namespace bastion::cli

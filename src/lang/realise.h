// Nix's realiseContext + toRealPath: before a builtin reads a path whose
// string carries context (import "${./d}/f.nix", readFile "${drv}"), the
// store paths of the context must be valid, and a path inside the store is
// read where the store really keeps it (DIR/nix/store/… for --store DIR).
#pragma once
#include <string>
#include <vector>

#include "lang/eval.h"

namespace bastion::lang {

// Checks every element of `ctx` ("/nix/store/…", "=…drv", "!out!…drv") and
// returns `path` mapped to its real location when it lies in the store;
// a path without context is returned unchanged, as in Nix 2.8. Throws
// EvalError "path '…' is not valid" for an invalid context path, and for
// a derivation output that is not built (this layer cannot build it).
std::string realiseContextPath(EvalState &state, const std::string &path,
                               const std::vector<std::string> &ctx);

} // namespace bastion::lang

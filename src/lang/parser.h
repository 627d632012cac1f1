// Parsing Nix source into a bound expression tree.
#pragma once
#include <string>
#include <string_view>

#include "lang/ast.h"

namespace bastion::lang {

// Parses `text` (from `origin`), resolving relative paths against basePath
// and variables against `scope`. Throws EvalError (kind Parse /
// UndefinedVar) on bad input.
Expr *parseNix(EvalState &state, std::string_view text, uint32_t origin,
               const std::string &basePath, const StaticEnv *scope);

} // namespace bastion::lang

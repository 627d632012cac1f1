// XML: builtins.toXML and `nix-instantiate --eval --xml [--no-location]`.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "lang/eval.h"

namespace bastion::lang {

void printValueAsXML(EvalState &state, bool strict, bool location, Value &v, std::ostream &out,
                     std::vector<std::string> &ctx, PosIdx pos);

} // namespace bastion::lang

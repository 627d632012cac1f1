// JSON: builtins.toJSON / fromJSON and `nix-instantiate --eval --json`.
#pragma once
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lang/eval.h"

namespace bastion::lang {

// Writes `v` as Nix's toJSON does (forcing as needed; sets with __toString
// or outPath become strings; paths are copied to the store when
// copyToStore). String context is collected into `ctx`.
void printValueAsJSON(EvalState &state, bool strict, Value &v, PosIdx pos, std::ostream &out,
                      std::vector<std::string> &ctx, bool copyToStore = true);

// builtins.fromJSON; errors name `pos`.
void parseJSON(EvalState &state, std::string_view text, Value &v, PosIdx pos);

} // namespace bastion::lang

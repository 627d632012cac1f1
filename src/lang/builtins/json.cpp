// builtins.toJSON and builtins.fromJSON.
#include <sstream>

#include "lang/eval.h"
#include "lang/json.h"

namespace bastion::lang {

namespace {

// Nix hands a primop the position of the primop value itself
// (`vCur.determinePos(noPos)`), which is no position at all: traces and
// errors raised inside these builtins carry none, and the caller adds
// "while calling the '…' builtin" at the call site.
constexpr PosIdx noPos{};

void prim_toJSON(EvalState &state, PosIdx, Value **args, Value &v) {
  std::ostringstream out;
  std::vector<std::string> ctx;
  printValueAsJSON(state, true, *args[0], noPos, out, ctx);
  state.mkString(v, out.str(), ctx);
}

void prim_fromJSON(EvalState &state, PosIdx, Value **args, Value &v) {
  std::string_view s = state.forceStringNoCtx(
      *args[0], noPos, "while evaluating the first argument passed to builtins.fromJSON");
  parseJSON(state, s, v, noPos);
}

RegisterPrimOp regToJSON("__toJSON", 1, prim_toJSON);
RegisterPrimOp regFromJSON("__fromJSON", 1, prim_fromJSON);

} // namespace

} // namespace bastion::lang

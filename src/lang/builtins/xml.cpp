// builtins.toXML.
#include <sstream>

#include "lang/eval.h"
#include "lang/xml.h"

namespace bastion::lang {

namespace {

void prim_toXML(EvalState &state, PosIdx, Value **args, Value &v) {
  std::ostringstream out;
  std::vector<std::string> ctx;
  // Nix passes its primops no position (see builtins/json.cpp), and toXML
  // never shows locations.
  printValueAsXML(state, true, false, *args[0], out, ctx, PosIdx{});
  state.mkString(v, out.str(), ctx);
}

RegisterPrimOp regToXML("__toXML", 1, prim_toXML);

} // namespace

} // namespace bastion::lang

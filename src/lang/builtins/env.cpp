// Builtins about the evaluator and its surroundings: getEnv, break, and the
// constants currentSystem, currentTime, langVersion, nixVersion, storeDir.
#include <cstdlib>

#include "lang/eval.h"

namespace bastion::lang {
namespace {

// The version of Nix whose behaviour Bastion follows: the language test
// corpus it is measured against is that of Nix 2.36.0.
constexpr const char *kNixVersion = "2.36.0";

void prim_getEnv(EvalState &state, PosIdx pos, Value **args, Value &v) {
  std::string name(state.forceStringNoCtx(
      *args[0], pos, "while evaluating the first argument passed to builtins.getEnv"));
  const char *value =
      state.settings.restrictEval || state.settings.pureEval ? nullptr : getenv(name.c_str());
  v.mkString(value ? std::string_view(value) : std::string_view());
}
RegisterPrimOp r_getEnv("__getEnv", 1, prim_getEnv);

// Without a debugger, break returns its argument.
void prim_break(EvalState &state, PosIdx pos, Value **args, Value &v) {
  state.forceValue(*args[0], pos);
  v = *args[0];
}
RegisterPrimOp r_break("break", 1, prim_break);

RegisterConstant c_currentSystem("__currentSystem", [](EvalState &state, Value &v) {
  // eval-system, when set, wins over system.
  auto it = state.settings.options.find("eval-system");
  v.mkString(it != state.settings.options.end() && !it->second.empty()
                 ? it->second
                 : state.settings.currentSystem);
});

RegisterConstant c_currentTime("__currentTime",
                               [](EvalState &state, Value &v) { v.mkInt(state.startTime); });

// Raised by Nix with each new language feature; 6 since Nix 2.3.
RegisterConstant c_langVersion("__langVersion", [](EvalState &, Value &v) { v.mkInt(6); });

RegisterConstant c_nixVersion("__nixVersion",
                              [](EvalState &, Value &v) { v.mkString(kNixVersion, nullptr); });

RegisterConstant c_storeDir("__storeDir", [](EvalState &state, Value &v) {
  v.mkString(state.settings.storeDir);
});

} // namespace
} // namespace bastion::lang

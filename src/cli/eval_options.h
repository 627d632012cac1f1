// The evaluation flags that nix-instantiate, nix-build and `bastion eval`
// share (-A, --arg, --argstr, -E, -I, --option, --store, …), and the steps
// from them to values: settings, auto-call arguments, parsed inputs, and
// selection by attribute path.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lang/eval.h"

namespace bastion::cli {

struct EvalOptions {
  bool fromExpr = false, readStdin = false;
  std::vector<std::string> files; // or expressions, with -E
  std::vector<std::string> attrPaths;
  std::vector<std::pair<std::string, std::string>> argExprs, argStrs;
  std::vector<std::string> includes;
  std::vector<std::pair<std::string, std::string>> settings; // --option and friends
};

// Consumes args[i] (and its arguments) if it is a shared evaluation flag or a
// file name; returns false for anything else. `tool` names the command in
// usage errors ("nix-build").
bool parseEvalArg(std::vector<std::string> &args, size_t &i, EvalOptions &o,
                  const std::string &tool);

[[noreturn]] void usageError(const std::string &tool, const std::string &msg);

// nix.conf, --option, -I, NIX_PATH and the store to use.
lang::EvalSettings makeEvalSettings(const EvalOptions &o, bool readOnlyStore);

lang::Bindings *makeAutoArgs(lang::EvalState &state, const EvalOptions &o);
// The inputs: files (default ./default.nix), -E expressions, or stdin.
std::vector<lang::Expr *> parseInputs(lang::EvalState &state, const EvalOptions &o);
lang::Value *findAlongAttrPath(lang::EvalState &state, const std::string &path,
                               lang::Bindings &autoArgs, lang::Value &root);

} // namespace bastion::cli

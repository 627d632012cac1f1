// A parse-and-evaluate session for the evaluator's unit tests.
//
// The collector scans the stack but not memory from `new`, so the state
// (which holds the roots: the base environment, builtins, …) lives in a
// Session on each test's stack.
#pragma once
#include <gc/gc.h>

#include <set>
#include <sstream>
#include <string>

#include "lang/eval.h"
#include "lang/print.h"

namespace bastion::lang::test {

struct Session {
  EvalState state;

  explicit Session(std::string experimentalFeatures = "")
      : state(makeSettings(experimentalFeatures)) {}

  static EvalSettings makeSettings(const std::string &features) {
    GC_INIT();
    EvalSettings settings;
    settings.options["experimental-features"] = features;
    // Read-only: store paths are computed, nothing is written, and the
    // machine's own store is never consulted.
    settings.storeRoot = "/nonexistent/bastion-unit-test-store";
    settings.readOnlyStore = true;
    return settings;
  }

  // Evaluates `expr` deeply into `v` (which must live on the stack or the
  // GC heap so that the collector sees it).
  void eval(const std::string &expr, Value &v) {
    Expr *e = state.parseString(expr, "/tmp", Origin::String);
    state.eval(e, v);
    state.forceValueDeep(v);
  }

  // The value printed as `nix-instantiate --eval --strict` prints it.
  std::string evalPrint(const std::string &expr) {
    Value v;
    eval(expr, v);
    std::ostringstream out;
    std::set<const void *> seen;
    printAmbiguous(state, v, out, &seen, 1 << 30);
    return out.str();
  }

  // The message of the error `expr` fails with (parse errors included), or
  // "" if it does not fail.
  std::string evalError(const std::string &expr) {
    try {
      evalPrint(expr);
    } catch (EvalError &e) {
      return e.message;
    }
    return "";
  }
};

} // namespace bastion::lang::test
